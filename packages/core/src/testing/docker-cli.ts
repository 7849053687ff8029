import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian's docker client; a newer client elsewhere on PATH may demand buildx. */
export const DOCKER = "/usr/bin/docker";

/**
 * Runs the docker CLI against the daemon scripts/test.sh starts. Throws with the output when
 * docker is missing or fails, so interop tests fail loudly instead of skipping.
 */
export function docker(args: string[], input?: Buffer): string {
  if (!existsSync(DOCKER)) throw new Error(`${DOCKER} not found: install Debian's docker.io and start dockerd (scripts/test.sh does)`);
  const r = spawnSync(DOCKER, args, { input, maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.status}): ${r.stderr.toString()}${r.stdout.toString().slice(0, 500)}`);
  return r.stdout.toString();
}

export function dockerBytes(args: string[]): Buffer {
  if (!existsSync(DOCKER)) throw new Error(`${DOCKER} not found: install Debian's docker.io (scripts/test.sh does)`);
  const r = spawnSync(DOCKER, args, { maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}
