import { constants } from "node:fs";
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, open, readdir, rm, symlink, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { secureJoin } from "../fs/secure-join.js";
import type { LayerEntry } from "./layer-entry.js";

export interface ApplyOptions {
  /** Set owners (needs root); when false, files keep the applying user's ownership. */
  chown: boolean;
}

async function exists(path: string) {
  return (await lstat(path).catch(() => null)) !== null;
}

/**
 * Applies layer entries to a directory with OCI semantics, every path confined to `root`:
 * parents are resolved with `secureJoin` (a symlink can redirect only inside the root), the
 * final component is never followed (it is removed and recreated), and metadata calls never
 * go through a symlink. Opaque markers and whiteouts are handled before the layer's entries.
 */
export async function applyLayerEntries(root: string, entries: LayerEntry[], content: (e: LayerEntry) => string, options: ApplyOptions): Promise<void> {
  const place = async (path: string) => {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? root : await secureJoin(root, path.slice(0, slash));
    return join(parent, path.slice(slash + 1));
  };
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
  const dirTimes: [string, number][] = [];
  for (const e of entries) {
    if (e.type === "whiteout" || e.type === "opaque") continue;
    const target = await place(e.path);
    await mkdir(dirname(target), { recursive: true });
    const st = await lstat(target).catch(() => null);
    if (st && !(st.isDirectory() && e.type === "dir")) await rm(target, { recursive: true, force: true });
    switch (e.type) {
      case "dir":
        if (!(await exists(target))) await mkdir(target);
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
        continue;
    }
    if (options.chown) await lchown(target, e.uid, e.gid);
    if (e.type !== "symlink" && e.type !== "hardlink") await chmod(target, e.mode);
    if (e.type === "dir") dirTimes.push([target, e.mtime]);
    else if (e.type === "symlink") await lutimes(target, e.mtime, e.mtime);
    else await utimes(target, e.mtime, e.mtime);
  }
  // Directory times last: creating their children would change them again.
  for (const [dir, mtime] of dirTimes.reverse()) await utimes(dir, mtime, mtime);
}
