import { constants } from "node:fs";
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, open, readdir, rm, symlink, utimes } from "node:fs/promises";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { mapLimit } from "../fs/parallel.js";
import { secureJoin } from "../fs/secure-join.js";
import type { LayerEntry } from "./layer-entry.js";

export interface ApplyOptions {
  /** Set owners (needs root); when false, files keep the applying user's ownership. */
  chown: boolean;
  /**
   * `apply` deletes what whiteouts name (a flattened root filesystem). `overlay` records them
   * the way overlayfs reads a lower directory: a 0/0 character device for a whiteout, the
   * `trusted.overlay.opaque` xattr for an opaque directory (both need root).
   */
  whiteouts?: "apply" | "overlay";
}

/**
 * Applies layer entries to a directory with OCI semantics, every path confined to `root`:
 * parents are resolved with `secureJoin` (a symlink can redirect only inside the root), the
 * final component is never followed (it is removed and recreated), and metadata calls never
 * go through a symlink. Opaque markers and whiteouts are handled before the layer's entries.
 */
export async function applyLayerEntries(root: string, entries: LayerEntry[], content: (e: LayerEntry) => string, options: ApplyOptions): Promise<void> {
  // Parents are resolved once each: entries come sorted, so a directory is placed before its
  // children, and only this function changes the tree while it runs.
  const parents = new Map<string, string>();
  const place = async (path: string) => {
    const slash = path.lastIndexOf("/");
    if (slash < 0) return join(root, path);
    const dir = path.slice(0, slash);
    let parent = parents.get(dir);
    if (parent === undefined) {
      parent = await secureJoin(root, dir);
      parents.set(dir, parent);
    }
    return join(parent, path.slice(slash + 1));
  };
  if (options.whiteouts === "overlay") {
    await applyEntries(entries.filter((e) => e.type !== "whiteout" && e.type !== "opaque"), content, options, place);
    for (const e of entries) {
      if (e.type === "whiteout") {
        const target = await place(e.path);
        await mkdir(dirname(target), { recursive: true });
        await rm(target, { recursive: true, force: true });
        await run("mknod", ["-m", "000", target, "c", "0", "0"]);
      } else if (e.type === "opaque") {
        const dir = e.path === "" ? root : await secureJoin(root, e.path);
        await mkdir(dir, { recursive: true });
        await setXattr(dir, "trusted.overlay.opaque", "y");
      }
    }
    return;
  }
  for (const e of entries) {
    if (e.type === "opaque") {
      const dir = e.path === "" ? root : await secureJoin(root, e.path);
      const st = await lstat(dir).catch(() => null);
      if (st?.isDirectory()) {
        for (const child of await readdir(dir)) await rm(join(dir, child), { recursive: true, force: true });
      }
    }
  }
  for (const e of entries) if (e.type === "whiteout") await rm(await place(e.path), { recursive: true, force: true });
  await applyEntries(entries, content, options, place);
}

async function applyEntries(
  entries: LayerEntry[],
  content: (e: LayerEntry) => string,
  options: ApplyOptions,
  place: (path: string) => Promise<string>,
): Promise<void> {
  const dirTimes: [string, number][] = [];
  const create = async (e: LayerEntry) => {
    const target = await place(e.path);
    const st = await lstat(target).catch(() => null);
    if (st && !(st.isDirectory() && e.type === "dir")) await rm(target, { recursive: true, force: true });
    switch (e.type) {
      case "dir":
        if (!st?.isDirectory()) await mkdir(target, { recursive: true });
        break;
      case "file":
        // EXCL: the path was just cleared, so an existing file here means something raced us.
        if (e.size > 0) await copyFile(content(e), target, constants.COPYFILE_EXCL);
        else await (await open(target, "wx", 0o600)).close();
        break;
      case "symlink":
        await symlink(e.linkname ?? "", target);
        break;
      case "hardlink":
        await link(await place(e.linkname!), target);
        break;
      default:
        // FIFOs and devices are recorded in the layer but never created on the host.
        return;
    }
    if (options.chown) await lchown(target, e.uid, e.gid);
    if (e.type !== "symlink" && e.type !== "hardlink") await chmod(target, e.mode);
    if (e.type === "dir") dirTimes.push([target, e.mtime]);
    else if (e.type === "symlink") await lutimes(target, e.mtime, e.mtime);
    else if (e.type !== "hardlink") await utimes(target, e.mtime, e.mtime);
  };
  // Everything but regular files in sorted order (a symlink may be the parent of later paths),
  // then regular files concurrently (their parents exist by then), then hard links.
  const items = entries.filter((e) => e.type !== "whiteout" && e.type !== "opaque");
  const ensureParent = async (e: LayerEntry) => mkdir(dirname(await place(e.path)), { recursive: true });
  for (const e of items.filter((x) => x.type !== "file" && x.type !== "hardlink")) {
    await ensureParent(e);
    await create(e);
  }
  await mapLimit(items.filter((e) => e.type === "file"), 32, async (e) => {
    await ensureParent(e);
    await create(e);
  });
  for (const e of items.filter((x) => x.type === "hardlink")) {
    await ensureParent(e);
    await create(e);
  }
  // Directory times last: creating their children would change them again.
  for (const [dir, mtime] of dirTimes.reverse()) await utimes(dir, mtime, mtime);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")}: ${err.trim()}`))));
  });
}

/** Node has no setxattr; Python's os.setxattr is on every machine the executor runs on. */
function setXattr(path: string, name: string, value: string): Promise<void> {
  return run("python3", ["-c", "import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode(), follow_symlinks=False)", path, name, value]);
}
