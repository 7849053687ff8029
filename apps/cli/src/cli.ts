import { UsageError } from "./args.js";
import { lintCommand, lintUsage } from "./commands/lint.js";
import { outlineCommand, outlineUsage } from "./commands/outline.js";
import { serveCommand, serveUsage } from "./commands/serve.js";

const USAGE = `Usage: layerlab COMMAND [OPTIONS]

Commands:
  lint      Check a Dockerfile (syntax, BuildKit checks, best practices)
  outline   Show a Dockerfile's stages, build args and targets
  serve     Start the web app and API

Run 'layerlab COMMAND --help' for a command's options.`;

type Command = {
  run: (argv: string[], out: (s: string) => void, err: (s: string) => void) => number | Promise<number>;
  usage: string;
};

const COMMANDS: Record<string, Command> = {
  lint: { run: lintCommand, usage: lintUsage },
  outline: { run: outlineCommand, usage: outlineUsage },
  serve: { run: serveCommand, usage: serveUsage },
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
  if (rest.includes("--help") || rest.includes("-h")) {
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
    throw e;
  }
}

