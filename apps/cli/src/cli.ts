import { UsageError } from "./args.js";
import { buildCommand, buildUsage } from "./commands/build.js";
import { lintCommand, lintUsage } from "./commands/lint.js";
import { outlineCommand, outlineUsage } from "./commands/outline.js";
import { serveCommand, serveUsage } from "./commands/serve.js";
import * as image from "./commands/image-commands.js";
import * as registry from "./commands/registry-commands.js";
import * as container from "./commands/container-commands.js";
import { StoreError } from "@layerlab/core/node";

const USAGE = `Usage: layerlab COMMAND [OPTIONS]

Commands:
  build     Build an image from a Dockerfile
  lint      Check a Dockerfile (syntax, BuildKit checks, best practices)
  outline   Show a Dockerfile's stages, build args and targets
  serve     Start the web app and API

Images:
  images    List images               history   Show an image's steps
  inspect   Image details as JSON     tag       Name an image
  rmi       Remove images             prune     Remove unused images and data
  df        Disk usage                fsck      Check the store
  import    Root filesystem tar → image
  export    Image → flattened root filesystem tar
  save      Images → tar (docker-archive or OCI layout)
  load      Tar → images
  pull      Registry → store          push      Store → registry

Containers:
  run       Create and run a container (attached)
  create    Create a container          start     Run a created or stopped container
  stop      Stop running containers     kill      Signal running containers
  rm        Remove containers           ps        List containers
  logs      A container's output        exec      Run a command in a running container
  diff      A container's changes       commit    Container → image
  export    Container → filesystem tar  container prune   Remove stopped containers

Run 'layerlab COMMAND --help' for a command's options.`;

type Command = {
  run: (argv: string[], out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;
  usage: string;
};

const COMMANDS: Record<string, Command> = {
  build: { run: buildCommand, usage: buildUsage },
  lint: { run: lintCommand, usage: lintUsage },
  outline: { run: outlineCommand, usage: outlineUsage },
  serve: { run: serveCommand, usage: serveUsage },
  images: { run: image.imagesCommand, usage: image.imagesUsage },
  history: { run: image.historyCommand, usage: image.historyUsage },
  inspect: { run: image.inspectCommand, usage: image.inspectUsage },
  tag: { run: image.tagCommand, usage: image.tagUsage },
  rmi: { run: image.rmiCommand, usage: image.rmiUsage },
  prune: { run: image.pruneCommand, usage: image.pruneUsage },
  df: { run: image.dfCommand, usage: image.dfUsage },
  import: { run: image.importCommand, usage: image.importUsage },
  export: { run: image.exportCommand, usage: image.exportUsage },
  save: { run: image.saveCommand, usage: image.saveUsage },
  load: { run: image.loadCommand, usage: image.loadUsage },
  fsck: { run: image.fsckCommand, usage: image.fsckUsage },
  pull: { run: registry.pullCommand, usage: registry.pullUsage },
  push: { run: registry.pushCommand, usage: registry.pushUsage },
  create: { run: container.createCommand, usage: container.createUsage },
  run: { run: container.runCommand, usage: container.runUsage },
  start: { run: container.startCommand, usage: container.startUsage },
  stop: { run: container.stopCommand, usage: container.stopUsage },
  kill: { run: container.killCommand, usage: container.killUsage },
  rm: { run: container.rmCommand, usage: container.rmUsage },
  ps: { run: container.psCommand, usage: container.psUsage },
  logs: { run: container.logsCommand, usage: container.logsUsage },
  exec: { run: container.execCommand, usage: container.execUsage },
  diff: { run: container.diffCommand, usage: container.diffUsage },
  commit: { run: container.commitCommand, usage: container.commitUsage },
  container: { run: container.containerCommand, usage: container.containerUsage },
};

export async function main(argv: string[], out = (s: string) => console.log(s), err = (s: string) => console.error(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`layerlab: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  // After the image or container, `run`, `create` and `exec` pass every argument to the command.
  const ownArgs = ["run", "create", "exec"].includes(name) && rest.findIndex((a) => !a.startsWith("-")) >= 0 ? rest.slice(0, rest.findIndex((a) => !a.startsWith("-"))) : rest;
  if (ownArgs.includes("--help") || ownArgs.includes("-h")) {
    out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`layerlab ${name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    if (e instanceof StoreError) {
      err(`Error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

