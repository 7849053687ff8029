import { mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "./run-process.js";

export interface OverlayMount {
  /** The merged view a step or container runs in. */
  merged: string;
  /** Everything written through `merged`, in overlayfs's format (whiteouts as 0/0 devices). */
  upper: string;
  unmount(): Promise<void>;
}

/**
 * overlayfs's `lowerdir` option: the top layer first. overlayfs needs at least one lower
 * directory, so an empty one under `dir` stands for `scratch`. The kernel limits the option
 * string to a page, so very deep images would need staged mounts.
 */
async function lowerOption(lowersBottomFirst: string[], dir: string): Promise<string> {
  if (lowersBottomFirst.length > 0) return `lowerdir=${[...lowersBottomFirst].reverse().join(":")}`;
  const empty = join(dir, "empty");
  await mkdir(empty, { recursive: true });
  return `lowerdir=${empty}`;
}

function unmounter(merged: string): () => Promise<void> {
  let mounted = true;
  return async () => {
    if (mounted) await runTool("umount", [merged]).catch(() => runTool("umount", ["-l", merged]));
    mounted = false;
  };
}

/**
 * Mounts `lowers` (bottom layer first) read-only under a writable upper directory: a fresh one
 * in `workRoot`, or the one kept in `at` (a container's, reused across starts; a mount a dead
 * process left there is detached first).
 */
export async function mountOverlay(workRoot: string, lowers: string[], options: { at?: string } = {}): Promise<OverlayMount> {
  const dir = options.at ?? (await mkdtemp(join(workRoot, "mnt-")));
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const merged = join(dir, "merged");
  if (options.at) await runTool("umount", ["-l", merged]).catch(() => undefined);
  for (const d of [upper, work, merged]) await mkdir(d, { recursive: true, mode: 0o755 });
  await runTool("mount", ["-t", "overlay", "overlay", "-o", `${await lowerOption(lowers, dir)},upperdir=${upper},workdir=${work}`, merged]);
  return { merged, upper, unmount: unmounter(merged) };
}

/** A read-only view of `lowers` (bottom layer first) at a fresh directory in `workRoot`, for reading only. */
export async function mountView(workRoot: string, lowers: string[]): Promise<{ merged: string; unmount(): Promise<void> }> {
  const dir = await mkdtemp(join(workRoot, "view-"));
  const merged = join(dir, "merged");
  await mkdir(merged);
  await runTool("mount", ["-t", "overlay", "overlay", "-o", `ro,${await lowerOption(lowers, dir)}`, merged]);
  return { merged, unmount: unmounter(merged) };
}
