import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CAPS, runtimeSpec } from "../exec/oci-runtime-spec.js";
import { DOCKER_INIT, execUnavailableReason, RUNC } from "../exec/run-in-rootfs.js";
import { runTool } from "../exec/run-process.js";
import { resolveUser } from "../build/image-user.js";
import { imageSnapshots } from "../store/snapshots.js";
import { mountOverlay, type OverlayMount } from "../exec/overlay-mount.js";
import { StoreError } from "../store/store-error.js";
import type { ContainerRecord } from "./container-record.js";
import type { ContainerStore } from "./container-store.js";

const SETPRIV = "/usr/bin/setpriv";
const RELAY = fileURLToPath(new URL("../exec/pty-relay.py", import.meta.url));

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** A process in a container that this Layerlab process runs: its input, terminal size and exit. */
export interface ContainerProcess {
  write(data: string | Buffer): void;
  /** Ends the process's input (stdin EOF). */
  end(): void;
  resize(size: TerminalSize): void;
  /** Kills this process (for an exec, also hangs up its terminal). */
  kill(): void;
  exited: Promise<number>;
}

export interface AttachOptions {
  onOutput?: (stream: "stdout" | "stderr", data: Buffer) => void;
  size?: TerminalSize;
}

function unavailable(): void {
  const reason = execUnavailableReason();
  if (reason) throw new StoreError("unsupported", reason.replace(/^RUN needs/, "containers need"));
}

/** runc, started so that it dies with this process (and the container's init with it). */
function runcCommand(args: string[]): string[] {
  return existsSync(SETPRIV) ? [SETPRIV, "--pdeathsig", "KILL", "--", RUNC, ...args] : [RUNC, ...args];
}

/**
 * Spawns runc for a process: with a terminal, under the PTY relay (runc in the foreground ties
 * the container's PTY to its own terminal); without, with plain pipes.
 */
function spawnRunc(args: string[], tty: boolean, size: TerminalSize): ChildProcess {
  if (!tty) {
    const [cmd, ...rest] = runcCommand(args);
    return spawn(cmd!, rest, { stdio: ["pipe", "pipe", "pipe"] });
  }
  const relay = ["python3", RELAY, String(size.rows), String(size.cols), "--", ...runcCommand(args)];
  const [cmd, ...rest] = existsSync(SETPRIV) ? [SETPRIV, "--pdeathsig", "KILL", "--", ...relay] : relay;
  return spawn(cmd!, rest, { stdio: ["pipe", "pipe", "pipe", "pipe"] });
}

function processHandle(child: ChildProcess, tty: boolean, o: AttachOptions, log?: (stream: "stdout" | "stderr", data: Buffer) => void): ContainerProcess {
  child.stdout!.on("data", (d: Buffer) => {
    log?.("stdout", d);
    o.onOutput?.("stdout", d);
  });
  child.stderr!.on("data", (d: Buffer) => {
    log?.("stderr", d);
    o.onOutput?.("stderr", d);
  });
  child.stdin!.on("error", () => undefined);
  const control = tty ? (child.stdio[3] as NodeJS.WritableStream | null) : null;
  control?.on("error", () => undefined);
  return {
    write: (data) => void child.stdin!.write(data),
    end: () => void child.stdin!.end(),
    resize: (size) => {
      if (control && Number.isInteger(size.rows) && Number.isInteger(size.cols)) control.write(`resize ${size.rows} ${size.cols}\n`);
    },
    kill: () => void child.kill("SIGKILL"),
    exited: new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve(code ?? (signal === "SIGKILL" ? 137 : 128)));
    }),
  };
}

/** The container's filesystem: its own upper directory over the image's snapshots. */
async function mountRootfs(c: ContainerStore, r: ContainerRecord): Promise<OverlayMount> {
  const lowers = await imageSnapshots(c.images, await c.images.resolve(r.image));
  return mountOverlay(c.images.tmpDir, lowers, { at: c.dir(r.id) });
}

/**
 * Starts a created or stopped container in this process: its changes live in its own upper
 * directory over the image's snapshots; PID 1 is tini, which dies if runc does, and runc dies
 * with this process, so nothing outlives Layerlab. Output goes to the container's log and to
 * `onOutput`; when it exits, the record gets the exit code (and `--rm` removes it).
 */
export async function startContainer(c: ContainerStore, ref: string, o: AttachOptions = {}): Promise<ContainerProcess> {
  unavailable();
  const r = await c.get(ref);
  if (r.state.status === "running") throw new StoreError("conflict", `container ${r.name} is already running`);
  const dir = c.dir(r.id);
  const rootfs = await mountRootfs(c, r);
  const merged = rootfs.merged;
  let user;
  try {
    user = await resolveUser(merged, r.config.user);
  } catch (e) {
    await rootfs.unmount().catch(() => undefined);
    throw new StoreError("invalid-reference", (e as Error).message);
  }
  const bundle = join(dir, "bundle");
  await mkdir(bundle, { recursive: true });
  const spec = runtimeSpec(merged, {
    argv: r.config.argv,
    env: r.config.env,
    cwd: r.config.workdir || "/",
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    hostname: r.config.hostname,
    network: r.config.network,
    init: existsSync(DOCKER_INIT) ? DOCKER_INIT : null,
    terminal: r.config.tty,
  });
  await writeFile(join(bundle, "config.json"), JSON.stringify(spec));
  await runTool(RUNC, ["--root", c.runcRoot, "delete", "--force", r.id]).catch(() => undefined);
  const size = o.size ?? { rows: 24, cols: 80 };
  const child = spawnRunc(["--root", c.runcRoot, "run", "--bundle", bundle, r.id], r.config.tty, size);
  if (!r.config.interactive && !r.config.tty) child.stdin!.end();
  const log = createWriteStream(join(dir, "log.jsonl"), { flags: "a" });
  const handle = processHandle(child, r.config.tty, o, (stream, data) => log.write(`${JSON.stringify({ t: new Date().toISOString(), s: stream, d: data.toString("utf8") })}\n`));
  await untilCreated(c, r.id, handle.exited);
  await c.update(r.id, (x) => ({ ...x, state: { status: "running", owner: process.pid, startedAt: new Date().toISOString(), finishedAt: null, exitCode: null, error: null } }));
  const exited = handle.exited.then(async (code) => {
    await runTool(RUNC, ["--root", c.runcRoot, "delete", "--force", r.id]).catch(() => undefined);
    await rootfs.unmount().catch(() => undefined);
    await new Promise((resolve) => log.end(resolve));
    await c.update(r.id, (x) => ({ ...x, state: { ...x.state, status: "exited", owner: null, finishedAt: new Date().toISOString(), exitCode: code } }));
    if (r.config.autoRemove) await c.remove(r.id);
    return code;
  });
  return { ...handle, exited };
}

/** Waits until runc knows the container, so a stop or exec right after start finds it. */
async function untilCreated(c: ContainerStore, id: string, exited: Promise<number>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true), () => (gone = true));
  const deadline = Date.now() + 30_000;
  while (!gone && Date.now() < deadline) {
    if (await runTool(RUNC, ["--root", c.runcRoot, "state", id]).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForExit(c: ContainerStore, id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await c.get(id)).state.status !== "running") return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (await c.get(id)).state.status !== "running";
}

/** Sends a signal to the container's init (tini passes it on). Works from any Layerlab process. */
export async function killContainer(c: ContainerStore, ref: string, signal = "KILL"): Promise<ContainerRecord> {
  unavailable();
  const r = await c.get(ref);
  if (r.state.status !== "running") throw new StoreError("conflict", `container ${r.name} is not running`);
  if (!/^(SIG)?[A-Z0-9]+$/.test(signal)) throw new StoreError("invalid-reference", `invalid signal "${signal}"`);
  await runTool(RUNC, ["--root", c.runcRoot, "kill", r.id, signal.replace(/^SIG/, "")]);
  return r;
}

/** `stop`: the image's STOPSIGNAL (SIGTERM by default), then SIGKILL after `timeoutSeconds`. */
export async function stopContainer(c: ContainerStore, ref: string, timeoutSeconds = 10): Promise<ContainerRecord> {
  const r = await c.get(ref);
  if (r.state.status !== "running") return r;
  await killContainer(c, r.id, r.config.stopSignal || "TERM").catch(() => undefined);
  if (!(await waitForExit(c, r.id, timeoutSeconds * 1000))) {
    await killContainer(c, r.id, "KILL").catch(() => undefined);
    await waitForExit(c, r.id, 10_000);
  }
  return c.get(r.id);
}

export interface ExecOptions extends AttachOptions {
  tty: boolean;
  user?: string;
  env?: string[];
  workdir?: string;
}

/** Runs another process in a running container (`exec`), with the container's env, user and workdir unless overridden. */
export async function execInContainer(c: ContainerStore, ref: string, argv: string[], o: ExecOptions): Promise<ContainerProcess> {
  unavailable();
  const r = await c.get(ref);
  if (r.state.status !== "running") throw new StoreError("conflict", `container ${r.name} is not running`);
  if (argv.length === 0) throw new StoreError("invalid-reference", "exec needs a command");
  const dir = c.dir(r.id);
  const user = await resolveUser(join(dir, "merged"), o.user ?? r.config.user).catch((e: Error) => {
    throw new StoreError("invalid-reference", e.message);
  });
  const env = [...r.config.env.filter((e) => !(o.env ?? []).some((x) => x.split("=")[0] === e.split("=")[0])), ...(o.env ?? [])];
  const processSpec = {
    terminal: o.tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    args: argv,
    env: o.tty && !env.some((e) => e.startsWith("TERM=")) ? [...env, "TERM=xterm"] : env,
    cwd: o.workdir ?? (r.config.workdir || "/"),
    capabilities: { bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS },
    noNewPrivileges: true,
  };
  const file = join(dir, `exec-${process.pid}-${Date.now().toString(36)}.json`);
  await writeFile(file, JSON.stringify(processSpec));
  const child = spawnRunc(["--root", c.runcRoot, "exec", ...(o.tty ? ["--tty"] : []), "--process", file, r.id], o.tty, o.size ?? { rows: 24, cols: 80 });
  const handle = processHandle(child, o.tty, o);
  const exited = handle.exited.finally(() => rm(file, { force: true }));
  return { ...handle, exited };
}

/** The container's log as written: each chunk of output with its stream and time. */
export async function containerLogs(c: ContainerStore, ref: string): Promise<{ t: string; s: "stdout" | "stderr"; d: string }[]> {
  const r = await c.get(ref);
  const text = await readFile(join(c.dir(r.id), "log.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { t: string; s: "stdout" | "stderr"; d: string }];
      } catch {
        return [];
      }
    });
}
