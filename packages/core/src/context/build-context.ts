import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { applyLayerEntries } from "../layer/apply-layer.js";
import { readUntrustedTar, type ByteSource } from "../layer/untrusted-tar.js";
import { runTool } from "../exec/run-process.js";
import { secureJoin } from "../fs/secure-join.js";

export interface PreparedContext {
  dir: string;
  cleanup(): Promise<void>;
}

/** `https://host/repo.git#ref:subdir`, `git@host:repo.git`, `git://`, `file:///path/repo.git#ref`. */
export function isGitContext(spec: string): boolean {
  return /^(git@|git:\/\/)/.test(spec) || (/^(https?|file|ssh):\/\//.test(spec) && /(\.git)(#.*)?$|#/.test(spec));
}

/**
 * A build context from a git repository, as Docker reads `URL#ref:subdir`: the ref (default
 * the remote HEAD) is fetched shallowly, and the context is the subdirectory, which must stay
 * inside the checkout. The .git directory is removed, as BuildKit does by default.
 */
export async function gitContext(spec: string, tmpRoot: string): Promise<PreparedContext> {
  const hash = spec.indexOf("#");
  const url = hash < 0 ? spec : spec.slice(0, hash);
  const [ref = "", subdir = ""] = (hash < 0 ? "" : spec.slice(hash + 1)).split(":");
  const dir = await mkdtemp(join(tmpRoot, "git-context-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await runTool("git", ["init", "-q", dir]);
    await runTool("git", ["-C", dir, "fetch", "-q", "--depth", "1", "--", url, ref || "HEAD"]);
    await runTool("git", ["-C", dir, "checkout", "-q", "FETCH_HEAD"]);
    await rm(join(dir, ".git"), { recursive: true, force: true });
    const context = subdir ? await secureJoin(dir, subdir) : dir;
    if (!(await stat(context).catch(() => null))?.isDirectory()) throw new Error(`${subdir} is not a directory of ${url}${ref ? ` at ${ref}` : ""}`);
    return { dir: context, cleanup };
  } catch (e) {
    await cleanup();
    throw new Error(`git context ${spec}: ${(e as Error).message}`);
  }
}

/** A build context sent as a tar (on stdin): read as untrusted input and unpacked into a temp directory. */
export async function tarContext(source: ByteSource, tmpRoot: string): Promise<PreparedContext> {
  const dir = await mkdtemp(join(tmpRoot, "tar-context-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const spool = join(dir, "spool");
    const root = join(dir, "context");
    const layer = await readUntrustedTar(source, spool);
    await mkdir(root);
    await applyLayerEntries(root, layer.entries.filter((e) => e.type !== "whiteout" && e.type !== "opaque"), (e) => join(spool, e.contentDigest!.slice(7)), { chown: false });
    return { dir: root, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
