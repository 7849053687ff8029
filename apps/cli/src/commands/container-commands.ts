import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import {
  commitContainer,
  containerChanges,
  containerLogs,
  createContainer,
  describeStatus,
  execInContainer,
  exportContainer,
  killContainer,
  parseTags,
  pruneContainers,
  removeContainer,
  startContainer,
  stopContainer,
  StoreError,
  type ContainerProcess,
  type ContainerRecord,
  type CreateOptions,
} from "@layerlab/core/node";
import { oneOf, option, parseArgs, UsageError, type ParsedArgs } from "../args.js";
import { humanAge, humanSize, table } from "../human.js";
import { openContainers } from "../store-access.js";

type Out = (s: string) => void;

const CREATE_FLAGS = { name: "value", entrypoint: "value", env: "value", workdir: "value", user: "value", interactive: "bool", tty: "bool", network: "value", rm: "bool" } as const;
const CREATE_ALIASES = { e: "env", w: "workdir", u: "user", i: "interactive", t: "tty" };

/** `-e NAME` takes NAME from this process's environment, as Docker's CLI does. */
function envFlags(args: ParsedArgs): string[] {
  return (args.options.get("env") ?? []).flatMap((e) => (e.includes("=") ? [e] : process.env[e] !== undefined ? [`${e}=${process.env[e]}`] : []));
}

function createOptions(args: ParsedArgs): CreateOptions {
  const entrypoint = option(args, "entrypoint");
  const name = option(args, "name");
  const workdir = option(args, "workdir");
  const user = option(args, "user");
  return {
    ...(name !== undefined ? { name } : {}),
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    ...(workdir !== undefined ? { workdir } : {}),
    ...(user !== undefined ? { user } : {}),
    args: args.positionals.slice(1),
    env: envFlags(args),
    tty: args.options.has("tty"),
    interactive: args.options.has("interactive"),
    network: oneOf(option(args, "network"), ["host", "none"] as const, "host", "--network"),
    autoRemove: args.options.has("rm"),
  };
}

/**
 * Connects a container process to this terminal: output to stdout/stderr, stdin when
 * interactive (raw mode with a TTY), window size changes, and Ctrl-C / SIGTERM passed on to
 * the container when it has no TTY (with a TTY, Ctrl-C is a byte the container's terminal reads).
 */
async function attach(start: (o: { onOutput: (s: "stdout" | "stderr", d: Buffer) => void; size: { rows: number; cols: number } }) => Promise<ContainerProcess>, tty: boolean, interactive: boolean, onSignal: (signal: string) => void): Promise<number> {
  const size = { rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 };
  const proc = await start({ onOutput: (s, d) => (s === "stdout" ? process.stdout : process.stderr).write(d), size });
  const raw = tty && interactive && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  const onData = (d: Buffer) => proc.write(d);
  if (interactive) {
    process.stdin.on("data", onData);
    process.stdin.once("end", () => proc.end());
  }
  const onResize = () => proc.resize({ rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 });
  process.stdout.on("resize", onResize);
  const forward = (sig: NodeJS.Signals) => onSignal(sig);
  if (!tty) {
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
  }
  try {
    return await proc.exited;
  } finally {
    if (raw) process.stdin.setRawMode(false);
    process.stdin.off("data", onData);
    process.stdin.pause();
    process.stdout.off("resize", onResize);
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
  }
}

export const createUsage = `Usage: layerlab create [OPTIONS] IMAGE [COMMAND] [ARG...]

Create a container (bound to the image's ID) without starting it. Prints its ID.

Options:
  --name NAME          Name the container
  --entrypoint CMD     Replace the image's ENTRYPOINT ("" clears it)
  -e, --env NAME=VAL   Set an environment variable (NAME alone copies it from here)
  -w, --workdir DIR    Working directory
  -u, --user USER      User name or uid[:gid]
  -i, --interactive    Keep stdin open
  -t, --tty            Give the container a terminal
  --network host|none  Network (default host)
  --rm                 Remove the container when it exits`;

export async function createCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, CREATE_FLAGS, CREATE_ALIASES, { stopAtFirstPositional: true });
  if (args.positionals.length === 0) throw new UsageError("create needs an IMAGE");
  const c = await openContainers();
  out((await createContainer(c, args.positionals[0]!, createOptions(args))).id);
  return 0;
}

export const runUsage = createUsage.replace("layerlab create", "layerlab run").replace(
  "Create a container (bound to the image's ID) without starting it. Prints its ID.",
  "Create a container and run it in this process, attached, until it exits; the exit code is\nthe container's. Containers die with the process that runs them (use the web app to keep one\nrunning).",
);

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, CREATE_FLAGS, CREATE_ALIASES, { stopAtFirstPositional: true });
  if (args.positionals.length === 0) throw new UsageError("run needs an IMAGE");
  const c = await openContainers();
  const options = createOptions(args);
  const record = await createContainer(c, args.positionals[0]!, options);
  return attach((o) => startContainer(c, record.id, o), options.tty ?? false, options.interactive ?? false, (sig) => void killContainer(c, record.id, sig).catch(() => undefined));
}

export const startUsage = `Usage: layerlab start [-i] CONTAINER

Start a created or stopped container in this process, attached, until it exits (like
docker start -a). Its filesystem keeps the changes of earlier runs.`;

export async function startCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { attach: "bool", interactive: "bool" }, { a: "attach", i: "interactive" });
  if (args.positionals.length !== 1) throw new UsageError("start needs exactly one CONTAINER");
  const c = await openContainers();
  const r = await c.get(args.positionals[0]!);
  return attach((o) => startContainer(c, r.id, o), r.config.tty, args.options.has("interactive") || r.config.interactive, (sig) => void killContainer(c, r.id, sig).catch(() => undefined));
}

export const stopUsage = `Usage: layerlab stop [-t SECONDS] CONTAINER [CONTAINER...]

Send the stop signal (the image's STOPSIGNAL, SIGTERM by default), then SIGKILL after the timeout (default 10).`;

export async function stopCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { time: "value" }, { t: "time" });
  const seconds = Number(option(args, "time") ?? "10");
  if (!Number.isInteger(seconds) || seconds < 0) throw new UsageError(`invalid --time "${option(args, "time")}": use whole seconds`);
  if (args.positionals.length === 0) throw new UsageError("stop needs at least one CONTAINER");
  const c = await openContainers();
  for (const ref of args.positionals) {
    await stopContainer(c, ref, seconds);
    out(ref);
  }
  return 0;
}

export const killUsage = `Usage: layerlab kill [-s SIGNAL] CONTAINER [CONTAINER...]

Send a signal (default SIGKILL) to running containers.`;

export async function killCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { signal: "value" }, { s: "signal" });
  if (args.positionals.length === 0) throw new UsageError("kill needs at least one CONTAINER");
  const c = await openContainers();
  for (const ref of args.positionals) {
    await killContainer(c, ref, (option(args, "signal") ?? "KILL").toUpperCase());
    out(ref);
  }
  return 0;
}

export const rmUsage = `Usage: layerlab rm [-f] CONTAINER [CONTAINER...]

Remove containers and their changes. A running container needs -f (it is killed first).`;

export async function rmCommand(argv: string[], out: Out, err: Out): Promise<number> {
  const args = parseArgs(argv, { force: "bool" }, { f: "force" });
  if (args.positionals.length === 0) throw new UsageError("rm needs at least one CONTAINER");
  const c = await openContainers();
  let status = 0;
  for (const ref of args.positionals) {
    try {
      await removeContainer(c, ref, args.options.has("force"));
      out(ref);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      err(`Error: ${e.message}`);
      status = 1;
    }
  }
  return status;
}

export const psUsage = `Usage: layerlab ps [-a] [-q] [--format json]

List running containers (-a: all of them).`;

export async function psCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { all: "bool", quiet: "bool", format: "value" }, { a: "all", q: "quiet" });
  const format = oneOf(option(args, "format"), ["table", "json"] as const, "table", "--format");
  const c = await openContainers();
  const rows = (await c.list()).filter((r) => args.options.has("all") || r.state.status === "running");
  if (args.options.has("quiet")) {
    for (const r of rows) out(r.id.slice(0, 12));
    return 0;
  }
  if (format === "json") {
    for (const r of rows) out(JSON.stringify({ ID: r.id.slice(0, 12), Image: r.imageRef, ImageID: r.image, Command: JSON.stringify(r.config.argv.join(" ")), CreatedAt: r.created, State: r.state.status, Status: describeStatus(r), ExitCode: r.state.exitCode, Names: r.name }));
    return 0;
  }
  const command = (r: ContainerRecord) => {
    const text = r.config.argv.join(" ");
    return JSON.stringify(text.length > 20 ? `${text.slice(0, 19)}…` : text);
  };
  out(table(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"], rows.map((r) => [r.id.slice(0, 12), r.imageRef, command(r), humanAge(r.created), describeStatus(r), r.name])));
  return 0;
}

export const logsUsage = `Usage: layerlab logs [-f] [-t] CONTAINER

Print a container's output (-f: keep following while it runs; -t: with timestamps).`;

export async function logsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { follow: "bool", timestamps: "bool" }, { f: "follow", t: "timestamps" });
  if (args.positionals.length !== 1) throw new UsageError("logs needs exactly one CONTAINER");
  const c = await openContainers();
  const r = await c.get(args.positionals[0]!);
  let shown = 0;
  const show = async () => {
    const lines = await containerLogs(c, r.id);
    for (const l of lines.slice(shown)) (l.s === "stdout" ? process.stdout : process.stderr).write(args.options.has("timestamps") ? l.d.replace(/^(?=.)/gm, `${l.t} `) : l.d);
    shown = lines.length;
  };
  await show();
  if (args.options.has("follow")) {
    while ((await c.get(r.id)).state.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await show();
    }
    await show();
  }
  return 0;
}

export const execUsage = `Usage: layerlab exec [-i] [-t] [-u USER] [-w DIR] [-e NAME=VAL] CONTAINER COMMAND [ARG...]

Run a command in a running container (-it for an interactive shell with a terminal).`;

export async function execCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { interactive: "bool", tty: "bool", user: "value", workdir: "value", env: "value" }, { i: "interactive", t: "tty", u: "user", w: "workdir", e: "env" }, { stopAtFirstPositional: true });
  if (args.positionals.length < 2) throw new UsageError("exec needs a CONTAINER and a COMMAND");
  const c = await openContainers();
  const ref = args.positionals[0]!;
  const user = option(args, "user");
  const workdir = option(args, "workdir");
  const tty = args.options.has("tty");
  return attach(
    (o) => execInContainer(c, ref, args.positionals.slice(1), { ...o, tty, env: envFlags(args), ...(user !== undefined ? { user } : {}), ...(workdir !== undefined ? { workdir } : {}) }),
    tty,
    args.options.has("interactive"),
    () => undefined,
  );
}

export const diffUsage = `Usage: layerlab diff CONTAINER

List the changes to a container's filesystem: A added, C changed, D deleted.`;

export async function diffCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, {});
  if (args.positionals.length !== 1) throw new UsageError("diff needs exactly one CONTAINER");
  for (const ch of await containerChanges(await openContainers(), args.positionals[0]!)) out(`${ch.kind} ${ch.path}`);
  return 0;
}

export const commitUsage = `Usage: layerlab commit [-c CHANGE] [-m MESSAGE] [-a AUTHOR] CONTAINER [REPOSITORY[:TAG]]

Make an image from a container: its image plus one layer with exactly the container's changes.
  -c, --change   Dockerfile instruction for the config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, ...)
  -m, --message  Commit message (the history entry's comment)
  -a, --author   Author (e.g. "Ada <ada@example.com>")`;

export async function commitCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { change: "value", message: "value", author: "value" }, { c: "change", m: "message", a: "author" });
  if (args.positionals.length < 1 || args.positionals.length > 2) throw new UsageError("commit needs a CONTAINER and optionally a REPOSITORY[:TAG]");
  const message = option(args, "message");
  const author = option(args, "author");
  const result = await commitContainer(await openContainers(), args.positionals[0]!, {
    tags: parseTags(args.positionals.slice(1)),
    changes: args.options.get("change") ?? [],
    ...(message !== undefined ? { message } : {}),
    ...(author !== undefined ? { author } : {}),
  });
  out(result.id);
  return 0;
}

export const containerUsage = `Usage: layerlab container prune [-f]

Remove all stopped containers and their changes.`;

export async function containerCommand(argv: string[], out: Out): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "prune") throw new UsageError(`unknown container command "${sub ?? ""}": use prune`);
  parseArgs(rest, { force: "bool" }, { f: "force" });
  const { deleted, reclaimed } = await pruneContainers(await openContainers());
  if (deleted.length > 0) out(["Deleted Containers:", ...deleted, ""].join("\n"));
  out(`Total reclaimed space: ${humanSize(reclaimed)}`);
  return 0;
}

/** `export` of a container (Docker's meaning); images are handled by the image command. */
export async function exportContainerIfAny(ref: string, output: string | undefined): Promise<boolean> {
  const c = await openContainers();
  const found = await c.get(ref).catch(() => null);
  if (found === null) return false;
  const tar = await exportContainer(c, found.id);
  if (output === undefined && process.stdout.isTTY) throw new UsageError("refusing to write a tar to a terminal: use -o FILE or redirect the output");
  await pipeline(tar, output === undefined ? process.stdout : createWriteStream(output));
  return true;
}

