import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import type { Digest } from "../store/digest.js";
import { StoreError } from "../store/store-error.js";
import { OPAQUE_MARKER, WHITEOUT_PREFIX, type EntryType, type LayerEntry } from "./layer-entry.js";

/** Bytes to read: a stream, an async generator, or buffers in memory. */
export type ByteSource = AsyncIterable<Buffer> | Iterable<Buffer>;

/** Limits on what an untrusted layer or archive may make us read and store. */
export interface TarLimits {
  /** Total uncompressed bytes of file content. */
  maxBytes: number;
  maxEntries: number;
  maxPathDepth: number;
  maxPathLength: number;
  /** Character and block devices are refused unless allowed. */
  allowDevices: boolean;
}

export const DEFAULT_LIMITS: TarLimits = {
  maxBytes: 16 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxPathDepth: 256,
  maxPathLength: 4096,
  allowDevices: false,
};

const TYPES: Record<string, EntryType | undefined> = {
  file: "file",
  "contiguous-file": "file",
  directory: "dir",
  symlink: "symlink",
  link: "hardlink",
  fifo: "fifo",
  "character-device": "char",
  "block-device": "block",
};

function unsafe(name: string, why: string): StoreError {
  return new StoreError("unsafe-entry", `refused entry "${name}": ${why}`);
}

/**
 * Normalises a tar entry name: leading `/` and `./` dropped (absolute names are treated as
 * root-relative, as Docker does), `//` and `.` parts collapsed. Any `..` part is refused rather
 * than rewritten, so a hostile name is never silently given a new meaning.
 */
export function normaliseEntryName(raw: string, limits: TarLimits = DEFAULT_LIMITS): string {
  if (raw.includes("\0")) throw unsafe(raw, "the name contains a NUL byte");
  if (raw.length > limits.maxPathLength) throw unsafe(raw.slice(0, 80) + "...", `the name is longer than ${limits.maxPathLength} bytes`);
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw unsafe(raw, "the name contains '..'");
  if (parts.length > limits.maxPathDepth) throw unsafe(raw.slice(0, 80) + "...", `the path is deeper than ${limits.maxPathDepth}`);
  return parts.join("/");
}

/** Gzip and zstd are recognised by their magic bytes; anything else is read as a plain tar. */
async function* decompressed(source: ByteSource, tap: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  for await (const chunk of rawDecompressed(source)) {
    tap(chunk);
    yield chunk;
  }
}

/** The bytes of a plain or gzip tar, uncompressed (zstd is refused with a clear error). */
export async function* rawDecompressed(source: ByteSource): AsyncGenerator<Buffer> {
  const iterator = (Readable.from(source) as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const rest = (async function* () {
    yield head;
    for (;;) {
      const n = await iterator.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    throw new StoreError("unsupported", "zstd-compressed layers are not supported yet; recompress the layer with gzip");
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    yield* Readable.from(rest).pipe(createGunzip()) as AsyncIterable<Buffer>;
    return;
  }
  yield* rest;
}

export interface ReadLayer {
  entries: LayerEntry[];
  /** sha256 of the uncompressed tar: the layer's diffID. */
  diffId: Digest;
  /** Uncompressed size of the tar. */
  size: number;
}

/**
 * Reads an untrusted tar (plain or gzip) into validated entries, hashing every file's content
 * and, when `spoolDir` is given, keeping it there under its sha256. Refuses, with an error naming the entry: `..` in names, duplicate paths,
 * hardlinks to anything but an earlier non-directory entry, devices (unless allowed), invalid
 * whiteouts, and anything over the limits. Symlink targets are kept verbatim: they are data,
 * and only following them while writing is dangerous.
 */
export async function readUntrustedTar(source: ByteSource, spoolDir: string | null, limits: TarLimits = DEFAULT_LIMITS): Promise<ReadLayer> {
  try {
    return await readEntries(source, spoolDir, limits);
  } catch (e) {
    // Malformed tar or gzip data is the input's fault; disk and other system errors are not.
    if (e instanceof StoreError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
    throw new StoreError("invalid-archive", `not a valid tar archive: ${(e as Error).message}`);
  }
}

async function readEntries(source: ByteSource, spoolDir: string | null, limits: TarLimits): Promise<ReadLayer> {
  if (spoolDir !== null) await mkdir(spoolDir, { recursive: true });
  const extract = tar.extract();
  const tarHash = createHash("sha256");
  let tarSize = 0;
  const input = Readable.from(
    decompressed(source, (chunk) => {
      tarHash.update(chunk);
      tarSize += chunk.length;
    }),
  );
  input.on("error", (e) => extract.destroy(e));
  input.pipe(extract);
  const entries: LayerEntry[] = [];
  const seen = new Map<string, LayerEntry>();
  let total = 0;
  for await (const item of extract) {
    const h = item.header;
    const raw = h.name;
    if (entries.length >= limits.maxEntries) throw unsafe(raw, `the archive has more than ${limits.maxEntries} entries`);
    const type = TYPES[h.type ?? "file"];
    if (type === undefined) throw unsafe(raw, `unsupported entry type ${h.type}`);
    let path = normaliseEntryName(raw, limits);
    const base = path.slice(path.lastIndexOf("/") + 1);
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    let kind: LayerEntry["type"] = type;
    if (base === OPAQUE_MARKER) {
      kind = "opaque";
      path = parent;
    } else if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
      item.resume();
      continue; // AUFS bookkeeping (.wh..wh.plnk and friends): never part of the image.
    } else if (base.startsWith(WHITEOUT_PREFIX)) {
      const victim = base.slice(WHITEOUT_PREFIX.length);
      if (victim === "" || victim === "." || victim === "..") throw unsafe(raw, "a whiteout must name a file");
      kind = "whiteout";
      path = parent === "" ? victim : `${parent}/${victim}`;
    } else if (path === "") {
      item.resume();
      continue; // The root directory's own entry: its attributes never apply.
    }
    if ((type === "char" || type === "block") && !limits.allowDevices) throw unsafe(raw, "device nodes are not allowed in layers");
    const key = `${kind === "whiteout" || kind === "opaque" ? kind : "entry"}:${path}`;
    if (seen.has(key)) throw unsafe(raw, "the path appears twice in the archive");
    const entry: LayerEntry = {
      path,
      type: kind,
      mode: (h.mode ?? 0o644) & 0o7777,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000),
      size: 0,
    };
    if (type === "symlink") entry.linkname = h.linkname ?? "";
    if (type === "hardlink" && kind === "hardlink") {
      const target = normaliseEntryName(h.linkname ?? "", limits);
      const earlier = seen.get(`entry:${target}`);
      if (!earlier || earlier.type === "dir") throw unsafe(raw, `hardlink to "${h.linkname}", which is not an earlier file of this layer`);
      entry.linkname = target;
    }
    if (type === "char" || type === "block") {
      entry.devmajor = h.devmajor ?? 0;
      entry.devminor = h.devminor ?? 0;
    }
    const pax = (h as { pax?: Record<string, string> }).pax;
    if (pax) {
      const xattrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(pax)) {
        if (k.startsWith("SCHILY.xattr.")) xattrs[k.slice("SCHILY.xattr.".length)] = Buffer.from(v, "binary").toString("base64");
      }
      if (Object.keys(xattrs).length > 0) entry.xattrs = xattrs;
    }
    if (type === "file" && kind === "file") {
      const spooled = await spool(item as AsyncIterable<Buffer>, spoolDir, () => {
        if (total > limits.maxBytes) throw unsafe(raw, `the archive holds more than ${limits.maxBytes} bytes`);
      }, (n) => (total += n));
      entry.size = spooled.size;
      entry.contentDigest = spooled.digest;
    } else {
      item.resume();
    }
    seen.set(key, entry);
    entries.push(entry);
  }
  return { entries, diffId: `sha256:${tarHash.digest("hex")}`, size: tarSize };
}

async function spool(stream: AsyncIterable<Buffer>, dir: string | null, check: () => void, count: (n: number) => void): Promise<{ digest: Digest; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  if (dir === null) {
    for await (const chunk of stream) {
      size += chunk.length;
      count(chunk.length);
      check();
      hash.update(chunk);
    }
    return { digest: `sha256:${hash.digest("hex")}`, size };
  }
  const tmp = join(dir, `.spool-${randomBytes(8).toString("hex")}`);
  const handle = await open(tmp, "wx", 0o600);
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      count(chunk.length);
      check();
      hash.update(chunk);
      await handle.write(chunk);
    }
  } catch (e) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  const digest: Digest = `sha256:${hash.digest("hex")}`;
  const final = join(dir, digest.slice(7));
  if ((await stat(final).catch(() => null)) === null) await rename(tmp, final);
  else await unlink(tmp);
  return { digest, size };
}
