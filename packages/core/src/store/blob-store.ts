import { randomBytes, createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { hexOf, isDigest, type Digest } from "./digest.js";
import { syncDir } from "./atomic-file.js";
import { StoreError } from "./store-error.js";

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * Content-addressed blobs under `blobs/sha256/`. A blob is written to a temp file, hashed while
 * it streams, checked against the expected digest and size, fsynced, and only then renamed
 * into place: a blob that is visible is always whole and correct.
 */
export class BlobStore {
  constructor(
    readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  path(digest: Digest): string {
    if (!isDigest(digest)) throw new StoreError("invalid-reference", `invalid digest "${digest}"`);
    return join(this.dir, hexOf(digest));
  }

  async has(digest: Digest): Promise<boolean> {
    return (await stat(this.path(digest)).catch(() => null)) !== null;
  }

  async size(digest: Digest): Promise<number> {
    const st = await stat(this.path(digest)).catch(() => null);
    if (st === null) throw new StoreError("not-found", `blob ${digest} is not in the store`);
    return st.size;
  }

  async readBytes(digest: Digest, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const size = await this.size(digest);
    if (size > maxBytes) throw new StoreError("too-large", `blob ${digest} is ${size} bytes, more than ${maxBytes}`);
    return readFile(this.path(digest));
  }

  stream(digest: Digest): Readable {
    return createReadStream(this.path(digest));
  }

  /** Stores a stream; with `expected`, refuses content whose digest or size differs. */
  async ingest(source: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer>, expected?: Partial<BlobInfo> & { maxBytes?: number }): Promise<BlobInfo> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `ingest-${randomBytes(8).toString("hex")}`);
    const handle = await open(tmp, "wx", 0o644);
    const hash = createHash("sha256");
    let size = 0;
    let committed = false;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (expected?.size !== undefined && size > expected.size) {
          throw new StoreError("size-mismatch", `content is larger than the expected ${expected.size} bytes`);
        }
        if (expected?.maxBytes !== undefined && size > expected.maxBytes) {
          throw new StoreError("too-large", `content is larger than the limit of ${expected.maxBytes} bytes`);
        }
        hash.update(chunk);
        await handle.write(chunk);
      }
      await handle.sync();
      await handle.close();
      const digest: Digest = `sha256:${hash.digest("hex")}`;
      if (expected?.digest !== undefined && expected.digest !== digest) {
        throw new StoreError("digest-mismatch", `content has digest ${digest}, expected ${expected.digest}`);
      }
      if (expected?.size !== undefined && expected.size !== size) {
        throw new StoreError("size-mismatch", `content has ${size} bytes, expected ${expected.size}`);
      }
      await mkdir(this.dir, { recursive: true });
      await rename(tmp, this.path(digest));
      await syncDir(this.dir);
      committed = true;
      return { digest, size };
    } finally {
      if (!committed) {
        await handle.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
      }
    }
  }

  async putBytes(data: Buffer | string, expected?: Partial<BlobInfo>): Promise<BlobInfo> {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    return this.ingest([buf], expected);
  }

  async list(): Promise<Digest[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}` as Digest);
  }

  async remove(digest: Digest): Promise<void> {
    await unlink(this.path(digest)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  }
}
