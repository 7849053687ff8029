import { lstat, readdir, readlink, rm } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "../exec/run-process.js";
import { hashFileHex } from "../fs/hash-file.js";
import { mapLimit } from "../fs/parallel.js";
import type { LayerEntry } from "./layer-entry.js";


/** Directories among `dirs` that overlayfs marked opaque (one python3 call for all: Node has no getxattr). */
async function opaqueDirs(dirs: string[]): Promise<Set<string>> {
  if (dirs.length === 0) return new Set();
  const script = [
    "import os,sys",
    "for p in sys.stdin.read().split('\\0'):",
    "    try:",
    "        if p and os.getxattr(p, 'trusted.overlay.opaque', follow_symlinks=False) == b'y': print(p)",
    "    except OSError: pass",
  ].join("\n");
  const out = await runTool("python3", ["-c", script], dirs.join("\0"));
  return new Set(out.split("\n").filter(Boolean));
}

export interface OverlayDiff {
  entries: LayerEntry[];
  /** Where each regular file's content is, by entry path. */
  files: Map<string, string>;
}

/**
 * The changes a step made, read from its overlay upper directory: 0/0 character devices are
 * whiteouts, directories with `trusted.overlay.opaque=y` are opaque, files sharing an inode
 * become hard links. Overlay bookkeeping xattrs never reach the layer.
 */
export async function diffUpperDir(upper: string): Promise<OverlayDiff> {
  const entries: LayerEntry[] = [];
  const files = new Map<string, string>();
  const inodes = new Map<string, string>();
  const dirs: [string, string][] = [];
  const walk = async (dir: string, rel: string) => {
    const names = (await readdir(dir)).sort();
    const stats = await mapLimit(names, 32, (name) => lstat(join(dir, name)));
    // Hash this directory's files concurrently; entries keep their sorted order.
    const digests = await mapLimit(names, 32, async (name, i) => {
      const st = stats[i]!;
      return st.isFile() && !(st.nlink > 1) ? `sha256:${await hashFileHex(join(dir, name), st.size)}` : null;
    });
    for (const [i, name] of names.entries()) {
      const st = stats[i]!;
      const abs = join(dir, name);
      const path = rel === "" ? name : `${rel}/${name}`;
      const base = { path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: 0 };
      if (st.isCharacterDevice() && st.rdev === 0) {
        entries.push({ ...base, type: "whiteout", mode: 0 });
      } else if (st.isDirectory()) {
        entries.push({ ...base, type: "dir" });
        dirs.push([abs, path]);
        await walk(abs, path);
      } else if (st.isSymbolicLink()) {
        entries.push({ ...base, type: "symlink", linkname: await readlink(abs) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? inodes.get(key) : undefined;
        if (first !== undefined) {
          entries.push({ ...base, type: "hardlink", linkname: first });
          continue;
        }
        if (st.nlink > 1) inodes.set(key, path);
        entries.push({ ...base, type: "file", size: st.size, contentDigest: (digests[i] ?? `sha256:${await hashFileHex(abs, st.size)}`) as `sha256:${string}` });
        files.set(path, abs);
      } else if (st.isFIFO()) {
        entries.push({ ...base, type: "fifo" });
      }
      // Sockets cannot be represented in a layer; devices a RUN makes are not kept either.
    }
  };
  await walk(upper, "");
  const opaque = await opaqueDirs(dirs.map(([abs]) => abs));
  for (const [abs, path] of dirs) if (opaque.has(abs)) entries.push({ path, type: "opaque", mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
  return { entries, files };
}

/**
 * Removes mount points the runtime created in the upper directory (/proc, /dev, /sys... that the
 * image did not have), as BuildKit removes mount stubs: they are not the step's changes.
 */
export async function removeMountStubs(upper: string, stubs: string[]): Promise<void> {
  for (const stub of stubs) {
    const abs = join(upper, stub);
    const st = await lstat(abs).catch(() => null);
    if (st === null) continue;
    if (st.isDirectory() && (await readdir(abs)).length > 0) continue;
    await rm(abs, { recursive: true, force: true });
  }
}
