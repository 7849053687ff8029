import { Readable } from "node:stream";
import tar from "tar-stream";
import type { Digest } from "../store/digest.js";
import type { BlobStore } from "../store/blob-store.js";
import { StoreError } from "../store/store-error.js";
import { normaliseEntryName, rawDecompressed } from "./untrusted-tar.js";

export interface FileContent {
  /** The first bytes of the file, at most the cap. */
  head: Buffer;
  /** The file's full size. */
  size: number;
  truncated: boolean;
}

/**
 * Reads one regular file out of a stored layer blob, streaming the tar until the entry and
 * keeping at most `maxBytes` of it. Hardlinks are for the caller to resolve: their target is
 * an earlier entry of the same layer.
 */
export async function readLayerFile(blobs: BlobStore, layerDigest: Digest, path: string, maxBytes: number): Promise<FileContent> {
  const extract = tar.extract();
  const input = Readable.from(rawDecompressed(blobs.stream(layerDigest)));
  input.on("error", (e) => extract.destroy(e));
  input.pipe(extract);
  try {
    for await (const item of extract) {
      const name = normaliseEntryName(item.header.name);
      if (name !== path) {
        item.resume();
        continue;
      }
      if (item.header.type !== "file" && item.header.type !== "contiguous-file") throw new StoreError("not-a-file", `"${path}" is a ${item.header.type}, not a regular file`);
      const parts: Buffer[] = [];
      let kept = 0;
      let size = 0;
      for await (const chunk of item as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (kept < maxBytes) {
          const part = chunk.subarray(0, maxBytes - kept);
          parts.push(part);
          kept += part.length;
        }
      }
      return { head: Buffer.concat(parts), size, truncated: size > kept };
    }
  } finally {
    input.destroy();
    extract.destroy();
  }
  throw new StoreError("not-found", `"${path}" is not in layer ${layerDigest.slice(0, 19)}`);
}
