import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runtimeSpec, type ProcessSpec } from "./oci-runtime-spec.js";
import { runTool } from "./run-process.js";

export const RUNC = "/usr/sbin/runc";
export const DOCKER_INIT = "/usr/bin/docker-init";
/** util-linux's setpriv: runc is started with a parent-death signal so it cannot outlive us. */
const SETPRIV = "/usr/bin/setpriv";

export class ExecUnavailable extends Error {}

/** Why RUN cannot execute here, with what to do, or null when it can. */
export function execUnavailableReason(): string | null {
  if (process.platform !== "linux") return `RUN needs Linux (namespaces and overlayfs); this is ${process.platform}. Build on a Linux machine or VM.`;
  if (process.getuid?.() !== 0) return "RUN needs root here (overlay mounts and runc); run layerlab as root, e.g. in a VM or container with privileges.";
  if (!existsSync(RUNC)) return `RUN needs runc at ${RUNC}: install Debian's runc package.`;
  return null;
}

export interface RunOptions extends Omit<ProcessSpec, "init"> {
  rootfs: string;
  /** Where runc keeps its state and bundles (under the store's tmp). */
  workDir: string;
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs a process in `rootfs` with runc and returns its exit code. Output streams as it comes.
 * Aborting kills the whole container (its PID namespace), so nothing a step started outlives it.
 */
export async function runInRootfs(o: RunOptions): Promise<number> {
  const reason = execUnavailableReason();
  if (reason) throw new ExecUnavailable(reason);
  const bundle = await mkdtemp(join(o.workDir, "bundle-"));
  const state = join(o.workDir, "runc-state");
  await mkdir(state, { recursive: true });
  const id = `layerlab-${randomBytes(6).toString("hex")}`;
  await writeFile(join(bundle, "config.json"), JSON.stringify(runtimeSpec(o.rootfs, { ...o, init: existsSync(DOCKER_INIT) ? DOCKER_INIT : null })));
  const runc = [RUNC, "--root", state, "run", "--bundle", bundle, id];
  const child = existsSync(SETPRIV) ? spawn(SETPRIV, ["--pdeathsig", "KILL", "--", ...runc], { stdio: ["ignore", "pipe", "pipe"] }) : spawn(runc[0]!, runc.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c: Buffer) => o.onOutput("stdout", c.toString()));
  child.stderr.on("data", (c: Buffer) => o.onOutput("stderr", c.toString()));
  const kill = () => void runTool(RUNC, ["--root", state, "kill", id, "KILL"]).catch(() => undefined);
  o.signal?.addEventListener("abort", kill, { once: true });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, sig) => resolve(code ?? (sig ? 128 + 9 : 1)));
    });
  } finally {
    o.signal?.removeEventListener("abort", kill);
    await runTool(RUNC, ["--root", state, "delete", "--force", id]).catch(() => undefined);
    await rm(bundle, { recursive: true, force: true });
  }
}

