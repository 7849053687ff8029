import { closestMatch } from "./suggest.js";
import { isSpace } from "./words.js";

export type FlagType = "string" | "bool" | "strings";

/**
 * Flags each instruction accepts under the current stable Dockerfile syntax. ARG, STOPSIGNAL
 * and HEALTHCHECK NONE are absent on purpose: BuildKit never validates their flags.
 */
export const FLAG_SPECS: Record<string, Record<string, FlagType>> = {
  FROM: { platform: "string" },
  RUN: { mount: "strings", network: "string", security: "string" },
  COPY: {
    from: "string",
    chown: "string",
    chmod: "string",
    link: "bool",
    parents: "bool",
    exclude: "strings",
  },
  ADD: {
    chown: "string",
    chmod: "string",
    link: "bool",
    "keep-git-dir": "bool",
    checksum: "string",
    unpack: "bool",
    exclude: "strings",
  },
  HEALTHCHECK: {
    interval: "string",
    timeout: "string",
    "start-period": "string",
    "start-interval": "string",
    retries: "string",
  },
};

export interface RawFlag {
  /** Text between `--` and `=` (or the end of the word). */
  name: string;
  value: string | null;
  start: number;
  end: number;
  nameEnd: number;
  valueStart: number;
}

/**
 * Reads leading `--flag[=value]` words the way BuildKit does: quotes inside a flag word group
 * whitespace and are removed, the escape character escapes the next one, a bare `--` ends the
 * flags, and the first word not starting with `--` starts the arguments.
 */
export function extractFlags(text: string, escapeChar: string): { flags: RawFlag[]; argsStart: number } {
  const flags: RawFlag[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isSpace(text[pos]!)) pos++;
    if (pos >= text.length) return { flags, argsStart: text.length };
    if (!(text[pos] === "-" && text[pos + 1] === "-")) return { flags, argsStart: pos };
    const start = pos;
    let word = "";
    let quote: string | null = null;
    let nameEnd = -1;
    let valueStart = -1;
    for (; pos < text.length; pos++) {
      const ch = text[pos]!;
      if (quote === null && isSpace(ch)) break;
      if (quote === null && (ch === "'" || ch === '"')) {
        quote = ch;
        continue;
      }
      if (quote !== null && ch === quote) {
        quote = null;
        continue;
      }
      if (ch === escapeChar) {
        if (pos + 1 >= text.length) continue;
        pos++;
        word += text[pos]!;
        continue;
      }
      if (ch === "=" && nameEnd < 0) {
        nameEnd = pos;
        valueStart = pos + 1;
      }
      word += ch;
    }
    if (word === "--") {
      while (pos < text.length && isSpace(text[pos]!)) pos++;
      return { flags, argsStart: pos };
    }
    const body = word.slice(2);
    const eq = body.indexOf("=");
    flags.push({
      name: eq < 0 ? body : body.slice(0, eq),
      value: eq < 0 ? null : body.slice(eq + 1),
      start,
      end: pos,
      nameEnd: nameEnd < 0 ? pos : nameEnd,
      valueStart: valueStart < 0 ? pos : valueStart,
    });
  }
}

export type FlagProblem = { flag: RawFlag; message: string; hint: string };

/** Checks flags against an instruction's spec, with BuildKit's error wording. */
export function validateFlags(keyword: string, flags: RawFlag[]): FlagProblem[] {
  const spec = FLAG_SPECS[keyword] ?? {};
  const known = Object.keys(spec);
  const seen = new Set<string>();
  const problems: FlagProblem[] = [];
  for (const flag of flags) {
    const type = spec[flag.name];
    const name = `--${flag.name}`;
    if (type === undefined) {
      const guess = closestMatch(flag.name, known, false);
      problems.push({
        flag,
        message: `unknown flag: ${name}${guess ? ` (did you mean ${guess}?)` : ""}`,
        hint:
          known.length === 0
            ? `${keyword} takes no flags; remove ${name}`
            : `${keyword} accepts ${known.map((k) => `--${k}`).join(", ")}`,
      });
      continue;
    }
    if (type !== "strings" && seen.has(flag.name)) {
      problems.push({ flag, message: `duplicate flag specified: ${name}`, hint: `keep one ${name}` });
    }
    seen.add(flag.name);
    if (type === "bool") {
      if (flag.value === "") {
        problems.push({ flag, message: `missing a value on flag: ${name}`, hint: `write ${name} or ${name}=false` });
      } else if (flag.value !== null && !/^(true|false)$/i.test(flag.value)) {
        problems.push({
          flag,
          message: `expecting boolean value for flag ${name}, not: ${flag.value}`,
          hint: `write ${name} or ${name}=false`,
        });
      }
    } else if (flag.value === null) {
      problems.push({ flag, message: `missing a value on flag: ${name}`, hint: `write ${name}=VALUE` });
    }
  }
  return problems;
}
