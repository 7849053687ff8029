import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";

const SMALL = 4 * 1024 * 1024;

/**
 * sha256 of a file's bytes (hex). Small files are read in one call: opening a stream per file
 * costs more than hashing it, and build contexts are mostly small files.
 */
export async function hashFileHex(path: string, size: number): Promise<string> {
  const h = createHash("sha256");
  if (size <= SMALL) return h.update(await readFile(path)).digest("hex");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}
