import type { Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../store/atomic-file.js";

interface Remembered {
  dev: number;
  ino: number;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  content: string;
}

/**
 * Remembers file content hashes between builds, trusted only when device, inode, size, mtime
 * and ctime all match. ctime changes on any write or chmod and cannot be set back by a user,
 * so the same-size, same-mtime edit that BuildKit misses (moby/buildkit#2592) is re-read here.
 */
export class StatCache {
  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, Remembered>,
  ) {}

  static async open(file: string): Promise<StatCache> {
    const text = await readFile(file, "utf8").catch(() => null);
    let entries = new Map<string, Remembered>();
    if (text !== null) {
      try {
        entries = new Map(Object.entries(JSON.parse(text) as Record<string, Remembered>));
      } catch {
        entries = new Map();
      }
    }
    return new StatCache(file, entries);
  }

  lookup(path: string, st: Stats): string | undefined {
    const r = this.entries.get(path);
    if (!r) return undefined;
    const same = r.dev === st.dev && r.ino === st.ino && r.size === st.size && r.mtimeNs === String(st.mtimeMs) && r.ctimeNs === String(st.ctimeMs);
    return same ? r.content : undefined;
  }

  remember(path: string, st: Stats, content: string): void {
    this.entries.set(path, { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: String(st.mtimeMs), ctimeNs: String(st.ctimeMs), content });
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
  }
}
