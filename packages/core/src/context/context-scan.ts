import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { hashFileHex } from "../fs/hash-file.js";
import { mapLimit } from "../fs/parallel.js";
import { isExcluded, mayReinclude, parseDockerignore, type IgnorePattern } from "./dockerignore.js";
import type { StatCache } from "./stat-cache.js";

export interface ContextEntry {
  path: string;
  type: "file" | "dir" | "symlink";
  mode: number;
  size: number;
  linkname?: string;
  /** Content checksum: type, mode, size, link target and bytes; never the name or mtime. */
  digest: string;
  abs: string;
}

export interface ContextScan {
  root: string;
  entries: Map<string, ContextEntry>;
  ignore: IgnorePattern[];
  /** Files whose content was read (not answered from the stat cache), for the benchmark. */
  hashed: number;
}

/**
 * The header part of a checksum, as BuildKit's content hash has it: type, permission bits,
 * owner (always 0 for the build context, as BuildKit's client resets it), size, link target.
 */
export function headerDigestInput(e: { type: string; mode: number; size: number; linkname?: string; uid?: number; gid?: number }): string {
  return JSON.stringify([e.type, e.mode & 0o7777, e.uid ?? 0, e.gid ?? 0, e.type === "file" ? e.size : 0, e.linkname ?? ""]);
}


/**
 * Reads the build context once: `.dockerignore` (or `<Dockerfile>.dockerignore`) applied,
 * each file hashed by content (a stat cache skips re-reading only when device, inode, size,
 * mtime and ctime all match), directories hashed over their children and their own mode, so a
 * directory chmod or a same-size same-mtime edit always changes the checksum.
 */
export async function scanContext(root: string, options: { ignoreText?: string; statCache?: StatCache } = {}): Promise<ContextScan> {
  const ignoreText = options.ignoreText ?? (await readFile(join(root, ".dockerignore"), "utf8").catch(() => ""));
  const ignore = parseDockerignore(ignoreText);
  const entries = new Map<string, ContextEntry>();
  let hashed = 0;
  const walk = async (dir: string, rel: string): Promise<string[]> => {
    const names = (await readdir(dir)).sort();
    const stats = await mapLimit(names, 32, (name) => lstat(join(dir, name)));
    const children: string[] = [];
    // Files of one directory are hashed concurrently; directories are walked in order.
    const files = await mapLimit(names, 32, async (name, i): Promise<ContextEntry | null> => {
      const st = stats[i]!;
      const path = rel === "" ? name : `${rel}/${name}`;
      const abs = join(dir, name);
      if (st.isDirectory() || isExcluded(ignore, path)) return null;
      if (st.isSymbolicLink()) {
        const linkname = await readlink(abs);
        const digest = createHash("sha256").update(headerDigestInput({ type: "symlink", mode: 0o777, size: 0, linkname })).digest("hex");
        return { path, type: "symlink", mode: 0o777, size: 0, linkname, digest, abs };
      }
      if (!st.isFile()) return null;
      let content = options.statCache?.lookup(path, st);
      if (content === undefined) {
        content = await hashFileHex(abs, st.size);
        hashed++;
        options.statCache?.remember(path, st, content);
      }
      const digest = createHash("sha256").update(headerDigestInput({ type: "file", mode: st.mode, size: st.size })).update(content).digest("hex");
      return { path, type: "file", mode: st.mode & 0o7777, size: st.size, digest, abs };
    });
    for (const [i, name] of names.entries()) {
      const st = stats[i]!;
      const path = rel === "" ? name : `${rel}/${name}`;
      if (st.isDirectory()) {
        const excluded = isExcluded(ignore, path);
        if (excluded && !mayReinclude(ignore, path)) continue;
        const inner = await walk(join(dir, name), path);
        if (excluded && inner.length === 0) continue;
        const h = createHash("sha256").update(headerDigestInput({ type: "dir", mode: st.mode, size: 0 }));
        for (const child of inner) h.update(`${child.slice(path.length + 1)}\0${entries.get(child)!.digest}\0`);
        entries.set(path, { path, type: "dir", mode: st.mode & 0o7777, size: 0, digest: h.digest("hex"), abs: join(dir, name) });
        children.push(path, ...inner);
        continue;
      }
      const file = files[i];
      if (file) {
        entries.set(path, file);
        children.push(path);
      }
    }
    // Every descendant, not only children: a directory's digest covers its whole subtree.
    return children;
  };
  await walk(root, "");
  return { root, entries, ignore, hashed };
}
