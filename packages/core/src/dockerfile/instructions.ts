import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type {
  ArgInstruction,
  CmdInstruction,
  CommandForm,
  CopyInstruction,
  EntrypointInstruction,
  EnvInstruction,
  ExposeInstruction,
  FromInstruction,
  HealthcheckInstruction,
  InstructionCommon,
  LabelInstruction,
  RunInstruction,
  ShellInstruction,
  SingleValueInstruction,
  UnknownInstruction,
  VolumeInstruction,
  Flag,
  Heredoc,
  Instruction,
  KeyValue,
  Mount,
  Word,
} from "./ast.js";
import { INSTRUCTION_KEYWORDS } from "./ast.js";
import { parseGoDuration } from "./duration.js";
import { parseMaybeJson } from "./exec-form.js";
import { extractFlags, validateFlags } from "./flags.js";
import { parseMount } from "./mount.js";
import { portProblem, signalProblem } from "./value-checks.js";
import type { MappedText, SourceRange } from "./source-range.js";
import { closestMatch } from "./suggest.js";
import { isSpace, splitPlain, splitWords, type RawWord } from "./words.js";

const DOCS = "https://docs.docker.com/reference/dockerfile/";
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** An instruction as the line reader found it, before its arguments are understood. */
export interface RawInstruction {
  keyword: string;
  keywordRange: SourceRange;
  /** Text after the keyword, continuations joined, mapped back to the file. */
  rest: MappedText;
  range: SourceRange;
  heredocs: Heredoc[];
  index: number;
}

class InstructionReader {
  readonly kind: string;

  constructor(
    readonly raw: RawInstruction,
    readonly escapeChar: string,
    readonly diagnostics: Diagnostic[],
  ) {
    this.kind = raw.keyword.toUpperCase();
  }

  error(message: string, range: SourceRange, hint: string, code = "parse/invalid-instruction"): void {
    const known = (INSTRUCTION_KEYWORDS as readonly string[]).includes(this.kind);
    this.diagnostics.push(
      diagnostic(code, "error", message, range, known ? { hint, url: `${DOCS}#${this.kind.toLowerCase()}` } : { hint }),
    );
  }

  word(w: RawWord, text: MappedText): Word {
    return { raw: w.text, range: text.rangeOf(w.start, w.end) };
  }
}

interface ParsedFlags {
  flags: Flag[];
  args: MappedText;
}

function readFlags(r: InstructionReader): ParsedFlags {
  const rest = r.raw.rest;
  const { flags: rawFlags, argsStart } = extractFlags(rest.text, r.escapeChar);
  const unchecked = r.kind === "ARG" || r.kind === "STOPSIGNAL" || (r.kind === "HEALTHCHECK" && /^\s*none\b/i.test(rest.text.slice(argsStart)));
  for (const p of unchecked ? [] : validateFlags(r.kind, rawFlags)) {
    r.error(p.message, rest.rangeOf(p.flag.start, p.flag.end), p.hint, "parse/invalid-flag");
  }
  const flags = rawFlags.map(
    (f): Flag => ({
      name: f.name,
      value: f.value,
      range: rest.rangeOf(f.start, f.end),
      nameRange: rest.rangeOf(f.start, f.nameEnd),
      valueRange: f.value === null ? null : rest.rangeOf(f.valueStart, f.end),
    }),
  );
  const args = rest.slice(argsStart);
  return { flags, args: trimEnd(args) };
}

function trimEnd(text: MappedText): MappedText {
  let end = text.text.length;
  while (end > 0 && isSpace(text.text[end - 1]!)) end--;
  return end === text.text.length ? text : text.slice(0, end);
}

function trimStart(text: MappedText): MappedText {
  let start = 0;
  while (start < text.text.length && isSpace(text.text[start]!)) start++;
  return start === 0 ? text : text.slice(start);
}

function commandForm(r: InstructionReader, args: MappedText): CommandForm | null {
  if (args.text.length === 0) return null;
  const range = args.rangeOf(0, args.text.length);
  const parsed = parseMaybeJson(args.text);
  if (parsed.kind === "error") {
    r.error(parsed.message, range, 'write every element as a "string"', "parse/invalid-json");
    return null;
  }
  return parsed.kind === "exec" ? { form: "exec", args: parsed.args, range } : { form: "shell", text: args.text, range };
}

/** COPY/ADD/VOLUME: a JSON array of strings (paths with spaces) or whitespace-separated words (quotes do not group). */
function jsonOrWords(r: InstructionReader, args: MappedText): { words: Word[]; json: boolean } {
  const parsed = parseMaybeJson(args.text);
  if (parsed.kind === "exec") {
    const range = args.rangeOf(0, args.text.length);
    return { words: parsed.args.map((raw) => ({ raw, range })), json: true };
  }
  return { words: splitPlain(args.text).map((w) => r.word(w, args)), json: false };
}

/**
 * ENV and LABEL: `k=v ...`, or the legacy `k v` chosen when the first word has no `=`: the key
 * is the first whitespace-separated token and the value the rest of the line, verbatim.
 */
function nameValues(r: InstructionReader, args: MappedText): KeyValue[] {
  const words = splitWords(args.text, r.escapeChar);
  if (words.length === 0) return [];
  const first = words[0]!;
  if (!first.text.includes("=")) {
    const keyEnd = /^\S*/.exec(args.text)![0].length;
    let valueStart = keyEnd;
    while (valueStart < args.text.length && isSpace(args.text[valueStart]!)) valueStart++;
    if (valueStart >= args.text.length) {
      r.error(`${r.kind} must have two arguments`, args.rangeOf(0, args.text.length), `write ${r.kind} ${first.text}=VALUE`);
      return [];
    }
    const key = { raw: args.text.slice(0, keyEnd), range: args.rangeOf(0, keyEnd) };
    const value = { raw: args.text.slice(valueStart), range: args.rangeOf(valueStart, args.text.length) };
    return [{ key, value, legacy: true, range: args.rangeOf(0, args.text.length) }];
  }
  const pairs: KeyValue[] = [];
  for (const w of words) {
    const eq = w.text.indexOf("=");
    if (eq < 0) {
      r.error(
        `Syntax error - can't find = in "${w.text}". Must be of the form: name=value`,
        args.rangeOf(w.start, w.end),
        `write ${w.text}=VALUE, or quote the value if it contains spaces`,
      );
      continue;
    }
    if (eq === 0) {
      r.error(`${r.kind} names can not be blank`, args.rangeOf(w.start, w.end), "write NAME=VALUE");
      continue;
    }
    pairs.push(keyValue(args, w, eq));
  }
  return pairs;
}

function keyValue(args: MappedText, w: RawWord, eq: number): KeyValue {
  return {
    key: { raw: w.text.slice(0, eq), range: args.rangeOf(w.start, w.start + eq) },
    value: { raw: w.text.slice(eq + 1), range: args.rangeOf(w.start + eq + 1, w.end) },
    legacy: false,
    range: args.rangeOf(w.start, w.end),
  };
}

function argPairs(r: InstructionReader, args: MappedText): KeyValue[] {
  return splitWords(args.text, r.escapeChar).flatMap((w) => {
    const eq = w.text.indexOf("=");
    if (eq === 0) {
      r.error("ARG names can not be blank", args.rangeOf(w.start, w.end), "write ARG NAME or ARG NAME=DEFAULT");
      return [];
    }
    if (eq > 0) return [keyValue(args, w, eq)];
    return [{ key: r.word(w, args), value: null, legacy: false, range: args.rangeOf(w.start, w.end) }];
  });
}

function singleValue(r: InstructionReader, args: MappedText): Word | null {
  if (args.text.length === 0) {
    r.error(`${r.kind} requires exactly one argument`, r.raw.keywordRange, `add the ${r.kind.toLowerCase()} value`);
    return null;
  }
  return { raw: args.text, range: args.rangeOf(0, args.text.length) };
}

function requireArgs(r: InstructionReader, args: MappedText): boolean {
  if (args.text.length > 0) return true;
  r.error(`${r.kind} requires at least one argument`, r.raw.keywordRange, `add arguments after ${r.kind}`);
  return false;
}

function flagValue(flags: Flag[], name: string): Flag | null {
  return flags.findLast((f) => f.name === name) ?? null;
}

function checkHealthcheckFlags(r: InstructionReader, flags: Flag[]): void {
  for (const f of flags) {
    if (f.value === null || f.value === "" || f.valueRange === null) continue;
    if (f.name === "retries") {
      if (!/^[-+]?\d+$/.test(f.value)) r.error(`strconv.ParseInt: parsing "${f.value}": invalid syntax`, f.valueRange, "use a whole number");
      else if (Number(f.value) < 0) r.error(`--retries cannot be negative (${Number(f.value)})`, f.valueRange, "use 0 or more");
      continue;
    }
    const ms = parseGoDuration(f.value);
    if (ms === null) {
      const message = /^[-+]?[\d.]+$/.test(f.value) ? `time: missing unit in duration "${f.value}"` : `time: invalid duration "${f.value}"`;
      r.error(message, f.valueRange, "write a duration such as 30s, 1m30s or 500ms");
    } else if (ms !== 0 && ms < 1) {
      r.error(`Interval "${f.name}" cannot be less than 1ms`, f.valueRange, "use at least 1ms, or 0 for the default");
    }
  }
}

/**
 * Adds the kind-specific fields to the common ones in place. (Spreading `...base` into a new
 * literal per kind measured 30x slower: it dominated parse time on large files.)
 */
function finish<T extends Instruction>(base: InstructionCommon, fields: DistributiveOmit<T, keyof InstructionCommon>): T {
  return Object.assign(base, fields) as unknown as T;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function buildInstruction(raw: RawInstruction, escapeChar: string, diagnostics: Diagnostic[]): Instruction {
  const r = new InstructionReader(raw, escapeChar, diagnostics);
  const { flags, args } = readFlags(r);
  const base: InstructionCommon = {
    keyword: raw.keyword,
    keywordRange: raw.keywordRange,
    range: raw.range,
    flags,
    argsText: args.text,
    argsRange: args.text.length > 0 ? args.rangeOf(0, args.text.length) : raw.keywordRange,
    heredocs: raw.heredocs,
    index: raw.index,
  };
  switch (r.kind) {
    case "FROM": {
      const words = splitPlain(args.text);
      if (words.length !== 1 && words.length !== 3) {
        r.error("FROM requires either one or three arguments", base.argsRange, "write FROM IMAGE or FROM IMAGE AS NAME");
      }
      let stageName: Word | null = null;
      let asKeyword: Word | null = null;
      if (words.length >= 3) {
        asKeyword = r.word(words[1]!, args);
        if (asKeyword.raw.toLowerCase() !== "as") {
          r.error(`expected AS, found "${asKeyword.raw}"`, asKeyword.range, "write FROM IMAGE AS NAME");
        }
        stageName = r.word(words[2]!, args);
        if (!STAGE_NAME.test(stageName.raw.toLowerCase())) {
          r.error(
            `invalid name for build stage: "${stageName.raw}", name can't start with a number or contain symbols`,
            stageName.range,
            "start with a letter; use letters, digits, '-', '_' and '.'",
          );
        }
      }
      return finish<FromInstruction>(base, { kind: "FROM",
        image: words[0] ? r.word(words[0], args) : null,
        stageName,
        asKeyword,
        platform: flagValue(flags, "platform"),
      });
    }
    case "RUN": {
      const mounts: Mount[] = [];
      for (const f of flags) {
        if (f.name !== "mount" || f.value === null) continue;
        const parsed = parseMount(f.value);
        if ("error" in parsed) r.error(parsed.error, f.valueRange ?? f.range, parsed.hint, "parse/invalid-mount");
        else mounts.push({ ...parsed.mount, range: f.range });
      }
      const network = flagValue(flags, "network");
      if (network?.value != null && !["default", "none", "host"].includes(network.value)) {
        r.error(`invalid network mode "${network.value}"`, network.valueRange!, "use --network=default, none or host");
      }
      const security = flagValue(flags, "security");
      if (security?.value != null && !["sandbox", "insecure"].includes(security.value)) {
        r.error(`security "${security.value}" is not valid`, security.valueRange!, "use --security=sandbox or insecure");
      }
      return finish<RunInstruction>(base, { kind: "RUN",
        command: commandForm(r, args),
        mounts,
        network: network?.value ?? null,
        security: security?.value ?? null,
      });
    }
    case "CMD":
    case "ENTRYPOINT":
      return finish<CmdInstruction | EntrypointInstruction>(base, { kind: r.kind, command: commandForm(r, args) });
    case "SHELL": {
      const parsed = parseMaybeJson(args.text);
      if (parsed.kind !== "exec") {
        if (parsed.kind === "error") r.error(parsed.message, base.argsRange, 'write every element as a "string"', "parse/invalid-json");
        else r.error("SHELL requires the arguments to be in JSON form", base.argsRange, 'write SHELL ["/bin/bash", "-c"]');
        return finish<ShellInstruction>(base, { kind: "SHELL", shell: [] });
      }
      if (parsed.args.length === 0) r.error("SHELL requires at least one argument", base.argsRange, 'write SHELL ["/bin/sh", "-c"]');
      return finish<ShellInstruction>(base, { kind: "SHELL", shell: parsed.args });
    }
    case "ENV":
    case "LABEL": {
      requireArgs(r, args);
      return finish<EnvInstruction | LabelInstruction>(base, { kind: r.kind, pairs: nameValues(r, args) });
    }
    case "ARG": {
      requireArgs(r, args);
      return finish<ArgInstruction>(base, { kind: "ARG", pairs: argPairs(r, args) });
    }
    case "COPY":
    case "ADD": {
      const { words, json } = jsonOrWords(r, args);
      if (words.length < 2) {
        r.error(
          `${r.kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
          base.argsRange,
          `write ${r.kind} SOURCE... DEST`,
        );
      }
      const dest = words.length >= 2 ? words[words.length - 1]! : null;
      if (dest !== null && !json && raw.heredocs.some((h) => h.markerRange.line === dest.range.line && h.markerRange.column === dest.range.column)) {
        r.error(`${r.kind} cannot accept a heredoc as a destination`, dest.range, `write ${r.kind} <<EOF /path/to/file`);
      }
      return finish<CopyInstruction>(base, { kind: r.kind,
        sources: words.slice(0, -1),
        dest,
        json,
      });
    }
    case "EXPOSE": {
      requireArgs(r, args);
      const ports = splitPlain(args.text).map((w) => r.word(w, args));
      for (const p of ports) {
        const problem = p.raw.includes("$") ? null : portProblem(p.raw);
        if (problem) r.error(problem, p.range, "write PORT or PORT/tcp, PORT/udp, START-END/tcp");
      }
      return finish<ExposeInstruction>(base, { kind: "EXPOSE", ports });
    }
    case "VOLUME": {
      requireArgs(r, args);
      const { words, json } = jsonOrWords(r, args);
      for (const w of words) {
        if (w.raw.trim() === "") r.error("VOLUME specified can not be an empty string", w.range, "remove the empty path");
      }
      return finish<VolumeInstruction>(base, { kind: "VOLUME", paths: words, json });
    }
    case "STOPSIGNAL": {
      const value = singleValue(r, args);
      const problem = value === null || value.raw.includes("$") ? null : signalProblem(value.raw);
      if (problem) r.error(problem, value!.range, "use a signal name such as SIGTERM or SIGQUIT, or its number");
      return finish<SingleValueInstruction>(base, { kind: "STOPSIGNAL", value });
    }
    case "USER":
    case "WORKDIR":
    case "MAINTAINER":
      return finish<SingleValueInstruction>(base, { kind: r.kind, value: singleValue(r, args) });
    case "HEALTHCHECK": {
      checkHealthcheckFlags(r, flags);
      const words = splitWords(args.text, escapeChar);
      const first = words[0];
      if (!first) {
        r.error("HEALTHCHECK requires at least one argument", raw.keywordRange, "write HEALTHCHECK CMD ... or HEALTHCHECK NONE");
        return finish<HealthcheckInstruction>(base, { kind: "HEALTHCHECK", test: null });
      }
      const type = first.text.toUpperCase();
      if (type === "NONE") {
        if (words.length > 1) r.error("HEALTHCHECK NONE takes no arguments", base.argsRange, "remove what follows NONE");
        return finish<HealthcheckInstruction>(base, { kind: "HEALTHCHECK", test: { type: "NONE" } });
      }
      if (type !== "CMD") {
        r.error(`Unknown type "${first.text}" in HEALTHCHECK (try CMD)`, r.word(first, args).range, "write HEALTHCHECK CMD ...");
        return finish<HealthcheckInstruction>(base, { kind: "HEALTHCHECK", test: null });
      }
      const cmdArgs = trimStart(args.slice(first.end));
      if (cmdArgs.text.length === 0) r.error("Missing command after HEALTHCHECK CMD", base.argsRange, "add the command to run");
      return finish<HealthcheckInstruction>(base, { kind: "HEALTHCHECK", test: { type: "CMD", command: commandForm(r, cmdArgs) } });
    }
    default:
      return unknown(r, base);
  }
}

function unknown(r: InstructionReader, base: InstructionCommon): Instruction {
  const guess = closestMatch(r.raw.keyword, INSTRUCTION_KEYWORDS);
  r.error(
    `unknown instruction: ${r.raw.keyword}${guess ? ` (did you mean ${guess}?)` : ""}`,
    r.raw.keywordRange,
    guess ? `replace it with ${guess.toUpperCase()}` : "use a Dockerfile instruction such as RUN, COPY or ENV",
    "parse/unknown-instruction",
  );
  return finish<UnknownInstruction>(base, { kind: "UNKNOWN" }) as Instruction;
}
