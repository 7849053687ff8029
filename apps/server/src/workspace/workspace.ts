import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

export class WorkspaceError extends Error {
  constructor(
    readonly code: "invalid-path" | "outside-workspace" | "not-found" | "too-large" | "exists" | "not-a-file",
    message: string,
  ) {
    super(message);
  }
}

export interface WorkspaceEntry {
  path: string;
  type: "file" | "dir" | "symlink";
  size: number;
}

const MAX_READ = 2 * 1024 * 1024;
const SKIP = new Set([".git", "node_modules"]);

/**
 * The files a user edits, confined to one root: paths are relative, never contain `..`, and
 * every existing component is resolved with realpath so a symlink cannot lead outside.
 */
export class Workspace {
  private constructor(readonly root: string) {}

  static async open(dir: string): Promise<Workspace> {
    return new Workspace(await realpath(dir));
  }

  /** Absolute path for a workspace-relative one, after proving it stays inside the root. */
  async resolve(rel: string): Promise<string> {
    if (rel.includes("\0") || rel.startsWith("/") || rel.includes("\\")) throw new WorkspaceError("invalid-path", `invalid path "${rel}"`);
    const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.some((p) => p === "..")) throw new WorkspaceError("outside-workspace", `path "${rel}" leaves the workspace`);
    let existing = this.root;
    let i = 0;
    for (; i < parts.length; i++) {
      const next = join(existing, parts[i]!);
      try {
        existing = await realpath(next);
      } catch {
        break;
      }
      if (existing !== this.root && !existing.startsWith(this.root + sep)) {
        throw new WorkspaceError("outside-workspace", `path "${rel}" leaves the workspace through a symlink`);
      }
    }
    return join(existing, ...parts.slice(i));
  }

  async list(): Promise<WorkspaceEntry[]> {
    const out: WorkspaceEntry[] = [];
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (SKIP.has(e.name)) continue;
        const abs = join(dir, e.name);
        const path = relative(this.root, abs).split(sep).join("/");
        if (e.isSymbolicLink()) out.push({ path, type: "symlink", size: 0 });
        else if (e.isDirectory()) {
          out.push({ path, type: "dir", size: 0 });
          await walk(abs);
        } else if (e.isFile()) out.push({ path, type: "file", size: (await lstat(abs)).size });
      }
    };
    await walk(this.root);
    return out;
  }

  async read(rel: string): Promise<string> {
    const abs = await this.resolve(rel);
    const st = await lstat(abs).catch(() => null);
    if (st === null) throw new WorkspaceError("not-found", `no file "${rel}" in the workspace`);
    if (!st.isFile()) throw new WorkspaceError("not-a-file", `"${rel}" is not a file`);
    if (st.size > MAX_READ) throw new WorkspaceError("too-large", `"${rel}" is larger than ${MAX_READ} bytes`);
    return readFile(abs, "utf8");
  }

  /** Writes through a temporary file and a rename, so a crash never leaves half a file. */
  async write(rel: string, content: string): Promise<void> {
    const abs = await this.resolve(rel);
    const st = await lstat(abs).catch(() => null);
    if (st !== null && !st.isFile()) throw new WorkspaceError("not-a-file", `"${rel}" is not a file`);
    await mkdir(dirname(abs), { recursive: true });
    const tmp = `${abs}.layerlab-${process.pid}-${Date.now()}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, abs);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = await this.resolve(from);
    const dst = await this.resolve(to);
    if ((await lstat(src).catch(() => null)) === null) throw new WorkspaceError("not-found", `no file "${from}" in the workspace`);
    if ((await lstat(dst).catch(() => null)) !== null) throw new WorkspaceError("exists", `"${to}" already exists`);
    await mkdir(dirname(dst), { recursive: true });
    await rename(src, dst);
  }

  async remove(rel: string): Promise<void> {
    const abs = await this.resolve(rel);
    if (abs === this.root) throw new WorkspaceError("invalid-path", "cannot delete the workspace root");
    if ((await lstat(abs).catch(() => null)) === null) throw new WorkspaceError("not-found", `no file "${rel}" in the workspace`);
    await rm(abs, { recursive: true });
  }
}
