import { readFileSync } from "node:fs";

/**
 * Whether a process is running: it exists and is not a zombie (dead, not yet reaped by its
 * parent). Owners of locks, scratch directories and containers are checked with this.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  let stat = "";
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return true;
  }
  // The state letter follows the command name, which is in parentheses and may contain spaces.
  return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
}
