/** Parsed command line: positional arguments and `--flag value` / `--flag=value` / `-f value` options. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
}

export class UsageError extends Error {}

/**
 * Parses argv against the options a command declares: `value` options take an argument,
 * `bool` options do not. Unknown options are usage errors (exit code 2), as in Docker's CLI.
 */
export function parseArgs(argv: string[], spec: Record<string, "value" | "bool">, aliases: Record<string, string> = {}, o: { stopAtFirstPositional?: boolean } = {}): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const add = (name: string, value: string) => options.set(name, [...(options.get(name) ?? []), value]);
  // `-it` is `-i -t` when every letter is a boolean short flag, as in Docker's CLI.
  const expanded = argv.flatMap((arg) => (/^-[a-zA-Z]{2,}$/.test(arg) && [...arg.slice(1)].every((ch) => spec[aliases[ch] ?? ch] === "bool") ? [...arg.slice(1)].map((ch) => `-${ch}`) : [arg]));
  argv = expanded;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      // For `run IMAGE CMD...` and `exec CONTAINER CMD...`, everything after the first positional is the command's.
      if (o.stopAtFirstPositional) {
        positionals.push(...argv.slice(i));
        break;
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const rawName = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1, eq < 0 ? undefined : eq);
    const name = aliases[rawName] ?? rawName;
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown flag: ${arg.slice(0, eq < 0 ? undefined : eq)}`);
    if (kind === "bool") {
      add(name, eq < 0 ? "true" : arg.slice(eq + 1));
      continue;
    }
    if (eq >= 0) add(name, arg.slice(eq + 1));
    else if (i + 1 < argv.length) add(name, argv[++i]!);
    else throw new UsageError(`flag needs an argument: ${arg}`);
  }
  return { positionals, options };
}

export function option(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return v?.[v.length - 1];
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`invalid value "${value}" for ${flag}: use ${allowed.join(" or ")}`);
  }
  return value as T;
}
