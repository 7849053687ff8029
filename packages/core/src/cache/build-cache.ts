import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../store/atomic-file.js";
import type { KeyInputs } from "./cache-key.js";

/** A layer a cached step produced (its blob is in the store). */
export interface CachedLayer {
  digest: string;
  diffId: string;
  size: number;
  compressedSize: number;
  mediaType: string;
  files: { added: number; modified: number; deleted: number };
}

export interface CacheRecord {
  key: string;
  buildId: string;
  created: number;
  layer: CachedLayer | null;
}

/**
 * The build cache under `$LAYERLAB_HOME/layerlab/cache`: `records/<key>` holds what a step
 * produced, `steps/<identity>` the inputs of the last build of each step (for explaining the
 * next miss). Records are written atomically; concurrent builds only ever add records.
 */
export class BuildCache {
  constructor(readonly dir: string) {}

  private recordPath(key: string) {
    return join(this.dir, "records", `${key.replace(/^sha256:/, "")}.json`);
  }

  private stepPath(identity: string) {
    return join(this.dir, "steps", `${createHash("sha256").update(identity).digest("hex")}.json`);
  }

  async get(key: string): Promise<CacheRecord | null> {
    const text = await readFile(this.recordPath(key), "utf8").catch(() => null);
    return text === null ? null : (JSON.parse(text) as CacheRecord);
  }

  async put(record: CacheRecord): Promise<void> {
    await mkdir(join(this.dir, "records"), { recursive: true });
    await writeFileAtomic(this.recordPath(record.key), JSON.stringify(record));
  }

  async previousInputs(identity: string): Promise<KeyInputs | null> {
    const text = await readFile(this.stepPath(identity), "utf8").catch(() => null);
    return text === null ? null : (JSON.parse(text) as KeyInputs);
  }

  async rememberInputs(identity: string, inputs: KeyInputs): Promise<void> {
    await mkdir(join(this.dir, "steps"), { recursive: true });
    await writeFileAtomic(this.stepPath(identity), JSON.stringify(inputs));
  }

  async records(): Promise<CacheRecord[]> {
    const dir = join(this.dir, "records");
    const out: CacheRecord[] = [];
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const text = await readFile(join(dir, name), "utf8").catch(() => null);
      if (text !== null) out.push(JSON.parse(text) as CacheRecord);
    }
    return out;
  }

  /** `prune` for the build cache: records older than `until` (ms), then oldest first above `keepBytes`. */
  async prune(options: { until?: number; keepBytes?: number } = {}): Promise<{ removed: number; bytes: number }> {
    const records = (await this.records()).sort((a, b) => a.created - b.created);
    let total = records.reduce((s, r) => s + (r.layer?.compressedSize ?? 0), 0);
    let removed = 0;
    let bytes = 0;
    for (const r of records) {
      const old = options.until !== undefined && r.created < options.until;
      const over = options.keepBytes !== undefined && total > options.keepBytes;
      if (!old && !over) continue;
      await rm(this.recordPath(r.key), { force: true });
      total -= r.layer?.compressedSize ?? 0;
      bytes += r.layer?.compressedSize ?? 0;
      removed++;
    }
    return { removed, bytes };
  }

  async exists(): Promise<boolean> {
    return (await stat(this.dir).catch(() => null)) !== null;
  }
}
