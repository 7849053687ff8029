import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processAlive } from "./process-alive.js";

const WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A lock shared by every process using one store (a server and a CLI): `mkdir` is atomic, the
 * directory holds the owner's pid, and a lock whose owner died is taken over. Held only for
 * short metadata updates (tags, the image index), never for long transfers.
 */
export async function withStoreLock<T>(lockDir: string, name: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(lockDir, `${name}.lock`);
  const owner = join(dir, "owner");
  const deadline = Date.now() + WAIT_MS;
  let delay = 2;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(owner, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(await readFile(owner, "utf8").catch(() => ""));
      // An owner that died, or one that died between mkdir and writing its pid a while ago.
      const orphan = pid === 0 && Date.now() - ((await stat(dir).catch(() => null))?.mtimeMs ?? Date.now()) > 10_000;
      if ((pid > 0 && !processAlive(pid)) || orphan) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the store lock ${name} held by pid ${pid || "?"}`);
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
