import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import type { BlobStore } from "../store/blob-store.js";
import type { Digest } from "../store/digest.js";
import { compareEntries, tarNameOf, type LayerEntry } from "./layer-entry.js";

export interface WrittenLayer {
  /** sha256 of the uncompressed tar. */
  diffId: Digest;
  /** sha256 of the gzip blob as stored and pushed. */
  digest: Digest;
  size: number;
  compressedSize: number;
  entries: LayerEntry[];
}

const EMPTY = Buffer.alloc(0);

/** The file holding a regular file entry's bytes when the tar is written. */
export type ContentSource = (entry: LayerEntry) => string;

const SMALL = 1024 * 1024;

const TAR_TYPE = {
  file: "file",
  dir: "directory",
  symlink: "symlink",
  hardlink: "link",
  fifo: "fifo",
  char: "character-device",
  block: "block-device",
  whiteout: "file",
  opaque: "file",
} as const;

/**
 * The tar for a set of entries, deterministic: entries sorted by path, owner names cleared
 * (numeric ids only), whiteouts as empty 0600 files and opaque markers with the directory's
 * mode, and the standard two zero blocks at the end.
 */
export function layerTar(entries: LayerEntry[], content: ContentSource): Readable {
  return Readable.from(packEntries(entries, content));
}

/**
 * Hard links are one file with several names, and a tar link must come after the entry it
 * names. Sorting can put a link first, so in every group the first name in sort order carries
 * the data and the other names link to it.
 */
export function orderHardlinks(sorted: LayerEntry[]): LayerEntry[] {
  const byPath = new Map(sorted.map((e) => [e.path, e]));
  const holder = new Map<string, string>();
  for (const e of sorted) {
    if (e.type !== "hardlink" || !e.linkname) continue;
    const target = e.linkname;
    const first = [holder.get(target) ?? target, e.path].sort()[0]!;
    holder.set(target, first);
  }
  return sorted.map((e) => {
    if (e.type === "hardlink" && e.linkname) {
      const first = holder.get(e.linkname)!;
      if (first === e.path) return { ...byPath.get(e.linkname)!, path: e.path };
      return { ...e, linkname: first };
    }
    const first = holder.get(e.path);
    if (first !== undefined && first !== e.path) return { ...e, type: "hardlink", size: 0, linkname: first, contentDigest: undefined } as LayerEntry;
    return e;
  });
}

function packEntries(entries: LayerEntry[], content: ContentSource): AsyncIterable<Buffer> {
  const sorted = orderHardlinks([...entries].sort(compareEntries));
  const pack = tar.pack();
  (async () => {
    for (const e of sorted) {
      const marker = e.type === "whiteout" || e.type === "opaque";
      const header = {
        name: tarNameOf(e),
        mode: marker && e.type === "whiteout" ? 0o600 : e.mode,
        uid: e.uid,
        gid: e.gid,
        size: e.type === "file" ? e.size : 0,
        mtime: new Date((marker ? 0 : e.mtime) * 1000),
        type: TAR_TYPE[e.type],
        linkname: e.type === "symlink" || e.type === "hardlink" ? (e.linkname ?? "") : "",
        uname: "",
        gname: "",
        devmajor: e.devmajor ?? 0,
        devminor: e.devminor ?? 0,
        ...(e.xattrs ? { pax: Object.fromEntries(Object.entries(e.xattrs).map(([k, v]) => [`SCHILY.xattr.${k}`, Buffer.from(v, "base64").toString("binary")])) } : {}),
      };
      if (e.type === "file" && e.size > 0 && e.size <= SMALL) {
        // Small files in one read: a stream per file costs more than the file.
        const body = await readFile(content(e));
        await new Promise<void>((resolve, reject) => pack.entry(header, body, (err) => (err ? reject(err) : resolve())));
      } else if (e.type === "file" && e.size > 0) {
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
          createReadStream(content(e)).on("error", reject).pipe(sink);
        });
      } else {
        // An explicit empty body: without one, tar-stream waits for an empty file's content forever.
        await new Promise<void>((resolve, reject) => pack.entry(header, EMPTY, (err) => (err ? reject(err) : resolve())));
      }
    }
    pack.finalize();
  })().catch((err) => pack.destroy(err));
  return pack as AsyncIterable<Buffer>;
}

function hashing(onDone: (digest: Digest, size: number) => void): Transform {
  const hash = createHash("sha256");
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onDone(`sha256:${hash.digest("hex")}`, size);
      cb();
    },
  });
}

/**
 * Writes a layer into the blob store in one pass: tar → sha256 (diffID) → gzip → sha256
 * (digest, in the store's ingest). gzip's header carries no time, so equal tars give equal blobs.
 */
export async function writeLayer(store: BlobStore, entries: LayerEntry[], content: ContentSource, level = 6): Promise<WrittenLayer> {
  let diffId: Digest | null = null;
  let size = 0;
  const gzip = createGzip({ level });
  const tarStream = layerTar(entries, content);
  const hashed = hashing((d, n) => {
    diffId = d;
    size = n;
  });
  const piping = pipeline(tarStream, hashed, gzip);
  const [blob] = await Promise.all([store.ingest(gzip), piping]);
  return { diffId: diffId!, digest: blob.digest, size, compressedSize: blob.size, entries: orderHardlinks([...entries].sort(compareEntries)) };
}
