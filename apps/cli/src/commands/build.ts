import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { analyzeDockerfile, parsePlatform, type BuildEvent } from "@layerlab/core";
import { build, BuildError, dockerConfigCredentials, gitContext, isGitContext, layerlabHome, pullImage, readRegistrySettings, tarContext } from "@layerlab/core/node";
import { oneOf, option, parseArgs, UsageError } from "../args.js";
import { formatDiagnostics } from "../diagnostics-format.js";
import { plainProgress, TtyProgress } from "../build-progress.js";
import { openStore } from "../store-access.js";

export const buildUsage = `Usage: layerlab build [OPTIONS] CONTEXT

Build an image from a Dockerfile with Layerlab's own builder.

Options:
  -f, --file PATH          Dockerfile (default CONTEXT/Dockerfile; - for stdin)
  -t, --tag NAME[:TAG]     Tag the result (repeatable)
      --target STAGE       Build this stage
      --build-arg K=V      Set a build argument (repeatable)
      --secret id=ID,src=FILE   Make FILE available to RUN --mount=type=secret,id=ID
      --no-cache           Do not use the cache
      --platform OS/ARCH   Build for this platform (bases must have it; RUN needs an emulator for a foreign one)
      --progress MODE      tty, plain or json (NDJSON events); default tty on a terminal, else plain

Exit codes: 0 built, 1 build failed, 2 bad usage or Dockerfile errors.`;


export async function buildCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, { file: "value", tag: "value", target: "value", "build-arg": "value", secret: "value", "no-cache": "bool", progress: "value", platform: "value" }, { f: "file", t: "tag" });
  const contextArg = args.positionals[0];
  if (contextArg === undefined || args.positionals.length > 1) throw new UsageError("build needs exactly one CONTEXT directory");
  const progress = oneOf(option(args, "progress"), ["tty", "plain", "json", "auto"] as const, "auto", "--progress");
  const mode = progress === "auto" ? (process.stdout.isTTY ? "tty" : "plain") : progress;
  const file = option(args, "file");
  if (file === "-" && contextArg === "-") throw new UsageError("the Dockerfile and the context cannot both come from stdin");
  const store = await openStore();
  // A context tar on stdin or a git repository URL is prepared into a temp directory first.
  const prepared = contextArg === "-" ? await tarContext(process.stdin, store.tmpDir) : isGitContext(contextArg) ? await gitContext(contextArg, store.tmpDir) : null;
  try {
    return await buildIn(prepared?.dir ?? resolve(contextArg), file, args, mode, store, out, err);
  } finally {
    await prepared?.cleanup();
  }
}

async function buildIn(
  contextDir: string,
  file: string | undefined,
  args: ReturnType<typeof parseArgs>,
  mode: "tty" | "plain" | "json",
  store: Awaited<ReturnType<typeof openStore>>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const dockerfilePath = file === undefined || file === "-" ? "Dockerfile" : file;
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file === undefined ? join(contextDir, "Dockerfile") : resolve(file), "utf8");
  } catch {
    throw new UsageError(`cannot read the Dockerfile ${file ?? "Dockerfile in the context"}: pass it with -f PATH`);
  }
  const buildArgs: Record<string, string> = {};
  for (const a of args.options.get("build-arg") ?? []) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`invalid --build-arg "${a}": use NAME=VALUE`);
    buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const secrets: Record<string, string> = {};
  for (const s of args.options.get("secret") ?? []) {
    const fields = Object.fromEntries(s.split(",").map((kv) => kv.split("=", 2) as [string, string]));
    if (!fields.id || !(fields.src ?? fields.source)) throw new UsageError(`invalid --secret "${s}": use id=ID,src=FILE`);
    secrets[fields.id] = resolve(fields.src ?? fields.source!);
  }
  const errors = analyzeDockerfile(text, { buildArgs }).diagnostics.filter((d) => d.code.startsWith("parse/") || d.code.startsWith("graph/"));
  if (errors.length > 0) {
    err(formatDiagnostics(dockerfilePath, errors));
    return 2;
  }
  const tty = mode === "tty" ? new TtyProgress((t) => process.stdout.write(t)) : null;
  const onEvent = mode === "json" ? (e: BuildEvent) => out(JSON.stringify(e)) : (tty?.onEvent ?? plainProgress(out, err));
  const settings = await readRegistrySettings(layerlabHome());
  const platformText = option(args, "platform");
  const platform = platformText === undefined ? undefined : parsePlatform(platformText);
  if (platform === null) throw new UsageError(`invalid --platform "${platformText}": use os/arch[/variant], e.g. linux/arm64`);
  try {
    await build({
      store,
      contextDir,
      dockerfileText: text,
      dockerfilePath,
      ...(option(args, "target") !== undefined ? { target: option(args, "target")! } : {}),
      buildArgs,
      tags: args.options.get("tag") ?? [],
      noCache: args.options.has("no-cache"),
      secrets,
      ...(platform ? { platform } : {}),
      fetchBase: async (ref, wanted) => {
        await pullImage(store, ref, { credentials: dockerConfigCredentials(), settings, platform: wanted });
      },
      onEvent,
    });
    return 0;
  } catch (e) {
    tty?.stop();
    if (e instanceof BuildError) return e.code === "invalid-option" || e.code === "dockerfile" ? 2 : 1;
    throw e;
  }
}
