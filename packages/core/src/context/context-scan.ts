import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
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

async function hashFile(abs: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest("hex");
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
    const children: string[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const abs = join(dir, name);
      const st = await lstat(abs);
      const excluded = isExcluded(ignore, path);
      if (st.isDirectory()) {
        if (excluded && !mayReinclude(ignore, path)) continue;
        const inner = await walk(abs, path);
        if (excluded && inner.length === 0) continue;
        const h = createHash("sha256").update(headerDigestInput({ type: "dir", mode: st.mode, size: 0 }));
        for (const child of inner) h.update(`${child.slice(path.length + 1)}\0${entries.get(child)!.digest}\0`);
        entries.set(path, { path, type: "dir", mode: st.mode & 0o7777, size: 0, digest: h.digest("hex"), abs });
        children.push(path, ...inner);
        continue;
      }
      if (excluded) continue;
      if (st.isSymbolicLink()) {
        const linkname = await readlink(abs);
        const digest = createHash("sha256").update(headerDigestInput({ type: "symlink", mode: 0o777, size: 0, linkname })).digest("hex");
        entries.set(path, { path, type: "symlink", mode: 0o777, size: 0, linkname, digest, abs });
        children.push(path);
      } else if (st.isFile()) {
        let content = options.statCache?.lookup(path, st);
        if (content === undefined) {
          content = await hashFile(abs);
          hashed++;
          options.statCache?.remember(path, st, content);
        }
        const digest = createHash("sha256").update(headerDigestInput({ type: "file", mode: st.mode, size: st.size })).update(content).digest("hex");
        entries.set(path, { path, type: "file", mode: st.mode & 0o7777, size: st.size, digest, abs });
        children.push(path);
      }
    }
    // Every descendant, not only children: a directory's digest covers its whole subtree.
    return children;
  };
  await walk(root, "");
  return { root, entries, ignore, hashed };
}
