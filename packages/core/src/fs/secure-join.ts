import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";

const MAX_LINKS = 255;

export class EscapeError extends Error {}

/**
 * Resolves `path` inside `root` the way the kernel would if `root` were `/`: each component
 * is lstat'ed, symlinks are expanded (absolute targets restart at the root), and `..` never
 * climbs above the root. The result is always a path under `root`. The last component is not
 * followed when `followLast` is false (for creating, replacing or lchown-ing it).
 *
 * Safe only while nothing else changes the tree (no untrusted process runs in it).
 */
export async function secureJoin(root: string, path: string, followLast = true): Promise<string> {
  let pending = path.split("/").filter((p) => p !== "" && p !== ".");
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const last = pending.length === 0;
    const st = await lstat(candidate).catch(() => null);
    if (st?.isSymbolicLink() && (!last || followLast)) {
      if (++links > MAX_LINKS) throw new EscapeError(`too many levels of symbolic links resolving "${path}"`);
      const target = await readlink(candidate);
      const parts = target.split("/").filter((p) => p !== "" && p !== ".");
      if (target.startsWith("/")) resolved.length = 0;
      pending = [...parts, ...pending];
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
}
