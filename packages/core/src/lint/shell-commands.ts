import type { RunInstruction } from "../dockerfile/ast.js";

/** One simple command of a shell script: its words with quotes removed. */
export interface SimpleCommand {
  argv: string[];
  /** Basename of argv[0]: `/usr/bin/apt-get` → `apt-get`. */
  program: string;
}

/**
 * Splits a POSIX shell script into simple commands at `&&`, `||`, `;`, `|`, `&` and newlines,
 * honouring quotes and backslashes. Not a full shell parser: enough to see which programs a
 * RUN calls and with which options, which is all the best-practice rules need.
 */
export function simpleCommands(script: string): SimpleCommand[] {
  const commands: { argv: string[] }[] = [];
  let argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | null = null;
  const endWord = () => {
    if (inWord) argv.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (argv.length > 0) commands.push({ argv });
    argv = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote !== null) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < script.length) word += script[++i]!;
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\") {
      if (script[i + 1] === "\n") i++;
      else if (i + 1 < script.length) {
        word += script[++i]!;
        inWord = true;
      }
    } else if (ch === "#" && !inWord) {
      while (i < script.length && script[i] !== "\n") i++;
      endCommand();
    } else if (ch === ";" || ch === "\n" || ch === "|" || ch === "&" || ch === "(" || ch === ")") {
      endCommand();
    } else if (ch === " " || ch === "\t") {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  const out: SimpleCommand[] = [];
  for (const c of commands) {
    const argv = stripPrefixes(c.argv);
    if (argv.length > 0) out.push({ argv, program: argv[0]!.slice(argv[0]!.lastIndexOf("/") + 1) });
  }
  return out;
}

/** Drops `VAR=value` assignments and wrappers (`env`, `exec`, `time`, `nohup`) before the program name. */
function stripPrefixes(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!) || ["env", "exec", "time", "nohup", "then", "do", "else", "if", "!", "{", "}"].includes(argv[i]!))) i++;
  return argv.slice(i);
}

/** The script a RUN executes: its shell-form text, heredoc bodies included. */
export function runScript(run: RunInstruction): string | null {
  if (run.command === null) return run.heredocs.map((h) => h.content).join("\n") || null;
  if (run.command.form === "exec") {
    const a = run.command.args;
    return a.length >= 3 && /(^|\/)(ba|da|a)?sh$/.test(a[0]!) && a[1] === "-c" ? a[2]! : null;
  }
  return [run.command.text, ...run.heredocs.map((h) => h.content)].join("\n");
}

/** Commands invoking `program` (by basename), optionally with a subcommand such as `install`. */
export function invocations(commands: SimpleCommand[], program: string, subcommand?: string): SimpleCommand[] {
  return commands.filter((c) => c.program === program && (subcommand === undefined || c.argv.indexOf(subcommand, 1) > 0));
}
