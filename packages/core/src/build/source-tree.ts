import { createHash } from "node:crypto";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import type { ContextScan } from "../context/context-scan.js";
import { headerDigestInput } from "../context/context-scan.js";
import { hashFileHex } from "../fs/hash-file.js";
import { secureJoin } from "../fs/secure-join.js";
import type { LayerEntry } from "../layer/layer-entry.js";

/** A file a COPY can read: a layer entry's metadata, where its bytes are, and its checksum. */
export type TreeEntry = Pick<LayerEntry, "path" | "mode" | "uid" | "gid" | "mtime" | "size" | "linkname"> & {
  type: "file" | "dir" | "symlink";
  abs: string;
  digest: string;
};

/** Where COPY reads: the build context (already scanned) or another stage's filesystem. */
export interface SourceTree {
  root: string;
  /** The entry at `path` and everything below it; `[]` when it does not exist. */
  subtree(path: string): Promise<TreeEntry[]>;
  /** Names in a directory, for wildcard sources. */
  list(dir: string): Promise<string[]>;
}

export function contextTree(scan: ContextScan): SourceTree {
  // Sorted by path, so a directory comes before what it contains.
  const all = [...scan.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const toEntry = (e: (typeof all)[number]): TreeEntry => ({ path: e.path, type: e.type, mode: e.mode, uid: 0, gid: 0, mtime: 0, size: e.size, ...(e.linkname ? { linkname: e.linkname } : {}), abs: e.abs, digest: e.digest });
  return {
    root: scan.root,
    subtree: async (path) => {
      if (path === "" || path === ".") return all.map(toEntry);
      const prefix = `${path}/`;
      return all.filter((e) => e.path === path || e.path.startsWith(prefix)).map(toEntry);
    },
    list: async (dir) => {
      const prefix = dir === "" ? "" : `${dir}/`;
      return all.filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes("/")).map((e) => e.path.slice(prefix.length));
    },
  };
}


/** Another stage's (mounted, read-only) filesystem; paths resolve inside it, ownership is kept. */
export function rootfsTree(root: string): SourceTree {
  const walk = async (abs: string, rel: string, out: TreeEntry[]) => {
    const st = await lstat(abs).catch(() => null);
    if (st === null) return;
    const base = { path: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), abs };
    if (st.isSymbolicLink()) {
      const linkname = await readlink(abs);
      out.push({ ...base, type: "symlink", size: 0, linkname, digest: createHash("sha256").update(headerDigestInput({ type: "symlink", mode: 0o777, size: 0, linkname, uid: st.uid, gid: st.gid })).digest("hex") });
    } else if (st.isFile()) {
      const content = await hashFileHex(abs, st.size);
      out.push({ ...base, type: "file", size: st.size, digest: createHash("sha256").update(headerDigestInput({ type: "file", mode: st.mode, size: st.size, uid: st.uid, gid: st.gid })).update(content).digest("hex") });
    } else if (st.isDirectory()) {
      const at = out.length;
      out.push({ ...base, type: "dir", size: 0, digest: "" });
      for (const name of (await readdir(abs)).sort()) await walk(join(abs, name), rel === "" ? name : `${rel}/${name}`, out);
      const h = createHash("sha256").update(headerDigestInput({ type: "dir", mode: st.mode, size: 0, uid: st.uid, gid: st.gid }));
      for (const child of out.slice(at + 1)) h.update(`${child.path}\0${child.digest}\0`);
      out[at]!.digest = h.digest("hex");
    }
  };
  return {
    root,
    subtree: async (path) => {
      const out: TreeEntry[] = [];
      const clean = posix.normalize(path).replace(/^\/+|\/+$/g, "");
      await walk(clean === "" || clean === "." ? root : await secureJoin(root, clean), clean === "." ? "" : clean, out);
      return out;
    },
    list: async (dir) => readdir(dir === "" ? root : await secureJoin(root, dir)).catch(() => [] as string[]),
  };
}

const GLOB = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else if (ch === "\\" && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += /[.+^${}()|\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`${re}$`);
}

/** A COPY source pattern expanded to existing paths (Go filepath.Match per component). */
export async function expandSource(tree: SourceTree, pattern: string): Promise<string[]> {
  const clean = posix.normalize(`/${pattern}`).slice(1).replace(/\/+$/, "");
  if (!GLOB.test(clean)) return [clean];
  let current = [""];
  for (const part of clean.split("/")) {
    const next: string[] = [];
    for (const dir of current) {
      if (!GLOB.test(part)) {
        next.push(dir === "" ? part : `${dir}/${part}`);
        continue;
      }
      const re = globToRegExp(part);
      for (const name of (await tree.list(dir)).sort()) if (re.test(name)) next.push(dir === "" ? name : `${dir}/${name}`);
    }
    current = next;
  }
  return current;
}
