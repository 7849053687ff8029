import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "./run-process.js";

export interface OverlayMount {
  /** The merged view a step runs in. */
  merged: string;
  /** Everything the step changed, in overlayfs's format (whiteouts as 0/0 devices). */
  upper: string;
  unmount(): Promise<void>;
}

/**
 * Mounts `lowers` (bottom layer first) read-only under a fresh upper directory. The kernel
 * limits the option string to a page, so very deep images would need staged mounts.
 */
export async function mountOverlay(workRoot: string, lowers: string[]): Promise<OverlayMount> {
  const dir = await mkdtemp(join(workRoot, "mnt-"));
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const merged = join(dir, "merged");
  for (const d of [upper, work, merged]) await mkdir(d, { mode: 0o755 });
  // overlayfs needs at least one lower directory; an empty one stands for `scratch`.
  const lowerList = lowers.length > 0 ? [...lowers].reverse() : [await mkdtemp(join(dir, "empty-"))];
  await runTool("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lowerList.join(":")},upperdir=${upper},workdir=${work}`, merged]);
  let mounted = true;
  return {
    merged,
    upper,
    unmount: async () => {
      if (mounted) await runTool("umount", [merged]);
      mounted = false;
    },
  };
}

export async function removeMountDir(upper: string): Promise<void> {
  await rm(join(upper, ".."), { recursive: true, force: true });
}
