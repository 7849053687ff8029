import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { RUNC } from "../exec/run-in-rootfs.js";
import { runTool } from "../exec/run-process.js";
import { processAlive } from "./process-alive.js";

/** Mount points at or under `dir`, deepest first, from the kernel's table. */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  // Field 5 is the mount point, with spaces and other specials written as octal escapes.
  const points = table
    .split("\n")
    .map((line) => line.split(" ")[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)));
  return points.sort((a, b) => b.length - a.length);
}

/**
 * Cleans up after Layerlab processes that died (kill -9, power loss) with work under way: their
 * containers are killed and deleted, their overlay mounts detached, their scratch directories
 * removed. Directories of live processes, such as a CLI build next to the server, are left alone.
 * Returns the number of directories removed.
 */
export async function reapStaleTmp(tmpRoot: string): Promise<number> {
  let reaped = 0;
  for (const name of await readdir(tmpRoot).catch(() => [] as string[])) {
    const owner = /^(\d+)-[0-9a-f]+$/.exec(name);
    if (owner && processAlive(Number(owner[1]))) continue;
    const dir = join(tmpRoot, name);
    const state = join(dir, "runc-state");
    if (existsSync(RUNC)) {
      for (const id of await readdir(state).catch(() => [] as string[])) await runTool(RUNC, ["--root", state, "delete", "--force", id]).catch(() => undefined);
    }
    for (const point of await mountsUnder(dir)) await runTool("umount", ["-l", point]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}
