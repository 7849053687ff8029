import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { layerTar } from "../layer/write-layer.js";
import { mergeLayers } from "../layer/merge-layers.js";
import { readUntrustedTar } from "../layer/untrusted-tar.js";
import type { Digest } from "../store/digest.js";
import type { ImageStore } from "../store/image-store.js";

/**
 * `export`: the image's flattened root filesystem as one tar (the "merge to a single layer"
 * recipe): layers applied in order with whiteouts resolved, no whiteouts left in the output.
 * File contents are spooled by digest first, so the output is sorted and deterministic.
 */
export async function exportRootfs(store: ImageStore, ref: string): Promise<Readable> {
  const image = await store.resolve(ref);
  const spoolDir = await mkdtemp(join(store.tmpDir, "export-"));
  try {
    const layers = [];
    for (const [i, desc] of image.manifest.layers.entries()) {
      const read = await readUntrustedTar(createReadStream(store.blobs.path(desc.digest as Digest)), spoolDir);
      if (read.diffId !== image.config.rootfs.diff_ids[i]) throw new Error(`layer ${desc.digest} does not match the image's diffID; run layerlab fsck`);
      layers.push(read.entries);
    }
    const merged = [...mergeLayers(layers).values()];
    const tar = layerTar(merged, (e) => join(spoolDir, e.contentDigest!.slice(7)));
    const cleanup = () => void rm(spoolDir, { recursive: true, force: true });
    tar.once("end", cleanup);
    tar.once("error", cleanup);
    tar.once("close", cleanup);
    return tar;
  } catch (e) {
    await rm(spoolDir, { recursive: true, force: true });
    throw e;
  }
}
