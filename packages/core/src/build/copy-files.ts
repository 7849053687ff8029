import { constants } from "node:fs";
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, rm, symlink, utimes } from "node:fs/promises";
import { join, posix } from "node:path";
import { secureJoin } from "../fs/secure-join.js";
import { mapLimit } from "../fs/parallel.js";
import type { TreeEntry } from "./source-tree.js";

export interface CopyPlanItem {
  /** The source path as matched (file or directory). */
  source: string;
  entries: TreeEntry[];
}

export interface CopyOptions {
  /** Absolute destination inside the image (WORKDIR already applied); a trailing `/` means a directory. */
  dest: string;
  /** Owner to set; null keeps the source's (COPY --from) or root's (context). */
  owner: { uid: number; gid: number } | null;
  /** Octal mode to set on everything copied (--chmod). */
  mode: number | null;
  /** --parents: keep each source's path below the destination. */
  parents: boolean;
}

/**
 * COPY's placement rules: a directory source copies its contents into the destination; a file
 * goes to `dest/name` when dest ends with `/`, is an existing directory or there are several
 * sources, else to `dest` itself. Every destination path is resolved inside `rootfs`; symlinks
 * are copied as links, never followed out of the source.
 */
export async function copyIntoRootfs(rootfs: string, items: CopyPlanItem[], o: CopyOptions): Promise<number> {
  // Directories this copy resolved and created: resolved once, as nothing else changes the tree meanwhile.
  const dirs = new Map<string, string>();
  const destIsDir = o.dest.endsWith("/") || items.length > 1 || items.some((i) => i.entries[0]?.type === "dir") || (await isDir(rootfs, o.dest));
  // Plan every target first; directories are made in order (parents first), then the files
  // and links are copied concurrently, since their parents exist by then.
  const dirsToMake: [string, TreeEntry][] = [];
  const leaves: [string, TreeEntry][] = [];
  for (const item of items) {
    const top = item.entries[0];
    if (!top) continue;
    // A source is a directory when it has entries below it (the context root "." has no entry of its own).
    const source = item.source === "." ? "" : item.source;
    const isDir = top.type === "dir" || item.entries.some((e) => e.path !== source);
    for (const e of item.entries) {
      const relInside = e.path === source ? "" : source === "" ? e.path : e.path.slice(source.length + 1);
      let target: string;
      if (o.parents) target = posix.join(o.dest, source, relInside);
      else if (isDir) target = posix.join(o.dest, relInside);
      else target = destIsDir ? posix.join(o.dest, posix.basename(top.path)) : o.dest;
      (e.type === "dir" ? dirsToMake : leaves).push([target, e]);
    }
  }
  for (const [target, e] of dirsToMake) await ensureDir(rootfs, target, e, o);
  await mapLimit(leaves, 32, ([target, e]) => place(rootfs, target, e, o, dirs));
  return dirsToMake.length + leaves.length;
}

async function isDir(rootfs: string, path: string): Promise<boolean> {
  const st = await lstat(await secureJoin(rootfs, path)).catch(() => null);
  return st?.isDirectory() ?? false;
}

async function parentOf(rootfs: string, path: string, dirs: Map<string, string>): Promise<string> {
  const dir = posix.dirname(path);
  const known = dirs.get(dir);
  if (known !== undefined) return known;
  const abs = await secureJoin(rootfs, dir);
  await mkdir(abs, { recursive: true, mode: 0o755 });
  dirs.set(dir, abs);
  return abs;
}

async function ensureDir(rootfs: string, path: string, e: TreeEntry, o: CopyOptions): Promise<void> {
  const abs = await secureJoin(rootfs, path);
  const st = await lstat(abs).catch(() => null);
  if (st && !st.isDirectory()) await rm(abs, { recursive: true, force: true });
  await mkdir(abs, { recursive: true, mode: 0o755 });
  await finish(abs, e, o);
}

async function place(rootfs: string, path: string, e: TreeEntry, o: CopyOptions, dirs: Map<string, string>): Promise<void> {
  if (e.type === "dir") return ensureDir(rootfs, path, e, o);
  const abs = join(await parentOf(rootfs, path, dirs), posix.basename(path));
  const st = await lstat(abs).catch(() => null);
  if (st) await rm(abs, { recursive: true, force: true });
  if (e.type === "symlink") await symlink(e.linkname ?? "", abs);
  else await copyFile(e.abs, abs, constants.COPYFILE_EXCL);
  await finish(abs, e, o);
}

async function finish(abs: string, e: TreeEntry, o: CopyOptions): Promise<void> {
  const owner = o.owner ?? { uid: e.uid, gid: e.gid };
  await lchown(abs, owner.uid, owner.gid);
  if (e.type === "symlink") {
    await lutimes(abs, e.mtime, e.mtime);
    return;
  }
  await chmod(abs, o.mode ?? e.mode);
  await utimes(abs, e.mtime, e.mtime);
}
