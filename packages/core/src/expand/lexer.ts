import { globToRegexSource, replaceGlob, trimPrefix, trimSuffix } from "./glob-pattern.js";

/** Variable values visible to the lexer; `undefined` means unset (distinct from empty). */
export type EnvLookup = (name: string) => string | undefined;

export interface LexOptions {
  escapeChar?: string;
  /** Keep quote characters in the output (used to detect quoted heredoc delimiters). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output (heredoc bodies, which the shell reads later). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written (used for display names). */
  skipUnsetEnv?: boolean;
}

export interface LexResult {
  value: string;
  words: string[];
  /** Names that were looked up and found. */
  matched: Set<string>;
  /** Names that were looked up and unset. */
  unmatched: Set<string>;
}

export type LexOutcome = { ok: true; result: LexResult } | { ok: false; message: string };

class LexError extends Error {}

const SPECIAL_PARAMS = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);
const EOF = "";

class Words {
  words: string[] = [];
  word = "";
  inWord = false;
  addChar(ch: string): void {
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v") {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  finish(): string[] {
    if (this.word.length > 0) this.words.push(this.word);
    return this.words;
  }
}

/**
 * The Dockerfile shell lexer: quotes, escapes and `$VAR` / `${VAR<op>word}` expansion, with
 * BuildKit's semantics. It never runs commands; it only substitutes and unquotes.
 */
class Lexer {
  private pos = 0;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private readonly escape: string;

  constructor(
    private readonly text: string,
    private readonly env: EnvLookup,
    private readonly opts: LexOptions,
  ) {
    this.escape = opts.escapeChar ?? "\\";
  }

  private peek(): string {
    return this.pos < this.text.length ? this.text[this.pos]! : EOF;
  }

  private next(): string {
    return this.pos < this.text.length ? this.text[this.pos++]! : EOF;
  }

  private lookup(name: string): string | undefined {
    const v = this.env(name);
    if (v === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return v;
  }

  /** Reads up to `stop` (consumed) or the end; returns the text and, for word splitting, the words. */
  process(stop: string | null, rawEscapes: boolean): { value: string; words: string[] } {
    let result = "";
    const words = new Words();
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (stop !== null && ch === stop) {
        this.next();
        return { value: result, words: words.finish() };
      }
      if (ch === "'" || ch === '"' || ch === "$") {
        const piece = ch === "'" ? this.singleQuoted() : ch === '"' ? this.doubleQuoted() : this.dollar();
        result += piece;
        if (ch === "$") words.addString(piece);
        else words.addRaw(piece);
        continue;
      }
      let c = this.next();
      if (c === this.escape) {
        if (rawEscapes) {
          words.addRaw(c);
          result += c;
        }
        c = this.next();
        if (c === EOF) break;
        words.addRaw(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stop !== null) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
    return { value: result, words: words.finish() };
  }

  private singleQuoted(): string {
    let out = "";
    const open = this.next();
    if (this.opts.rawQuotes) out += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") {
        if (this.opts.rawQuotes) out += ch;
        return out;
      }
      out += ch;
    }
  }

  private doubleQuoted(): string {
    let out = "";
    const open = this.next();
    if (this.opts.rawQuotes) out += open;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError("unexpected end of statement while looking for matching double-quote");
      if (p === '"') {
        const ch = this.next();
        if (this.opts.rawQuotes) out += ch;
        return out;
      }
      if (p === "$") {
        out += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.escape) {
        if (this.opts.rawEscapes) out += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === "$" || after === this.escape) ch = this.next();
      }
      out += ch;
    }
  }

  private name(): string {
    let name = "";
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && /[0-9]/.test(ch)) {
        while (/[0-9]/.test(this.peek()) && this.peek() !== EOF) name += this.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.has(ch)) return this.next();
      if (!/[\p{L}\p{N}_]/u.test(ch)) break;
      name += this.next();
    }
    return name;
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.name();
      if (name === "") return "$";
      const value = this.lookup(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "$" + name;
      return value ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexError("syntax error: bad substitution");
    const name = this.name();
    let op = this.next();
    if (op === "}") {
      const value = this.lookup(name);
      if (value === undefined && this.opts.skipUnsetEnv) return "${" + name + "}";
      return value ?? "";
    }
    if (op === EOF) throw new LexError("syntax error: missing '}'");
    if (op === "/") return this.substitute(name);
    let opText = op;
    const colon = op === ":";
    if (colon) {
      op = this.next();
      opText += op;
    }
    if (!["+", "-", "?", "#", "%"].includes(op)) throw new LexError(`unsupported modifier (${opText}) in substitution`);
    const trims = op === "#" || op === "%";
    if (colon && trims) throw new LexError(`unsupported modifier (${opText}) in substitution`);
    const word = this.nested("}", trims);
    const value = this.lookup(name);
    if (this.opts.skipUnsetEnv && value === undefined) return "${" + name + opText + word + "}";
    const empty = value === undefined || (colon && value === "");
    switch (op) {
      case "-":
        return empty ? word : value!;
      case "+":
        return empty ? "" : word;
      case "?":
        if (value === undefined) throw new LexError(`${name}: ${word || "is not allowed to be unset"}`);
        if (colon && value === "") throw new LexError(`${name}: ${word || "is not allowed to be empty"}`);
        return value;
      default: {
        const longest = word.startsWith(op);
        const pattern = longest ? word.slice(1) : word;
        const out =
          op === "#"
            ? trimPrefix(value ?? "", pattern, longest, this.escape)
            : trimSuffix(value ?? "", pattern, longest, this.escape);
        if (out === null) throw new LexError(`invalid pattern (${pattern}) in substitution`);
        return out;
      }
    }
  }

  private nested(stop: string, rawEscapes: boolean): string {
    try {
      return this.process(stop, rawEscapes).value;
    } catch (e) {
      if (e instanceof LexError && this.peek() === EOF) throw new LexError(stop === "}" ? "syntax error: missing '}'" : "syntax error: missing '/' in ${}");
      throw e;
    }
  }

  private substitute(name: string): string {
    const all = this.peek() === "/";
    if (all) this.next();
    const pattern = this.nested("/", true);
    const replacement = this.nested("}", true);
    const value = this.lookup(name);
    if (this.opts.skipUnsetEnv && value === undefined) return "${" + name + "/" + pattern + "/" + replacement + "}";
    if (globToRegexSource(pattern, this.escape) === null) throw new LexError(`invalid pattern (${pattern}) in substitution`);
    return replaceGlob(value ?? "", pattern, replacement, all, this.escape)!;
  }
}

const NO_SPECIALS = /^[^$'"\\`]*$/;

function run(text: string, env: EnvLookup, opts: LexOptions): LexOutcome {
  // Most words have nothing to expand or unquote; they need no lexing at all.
  if (NO_SPECIALS.test(text)) {
    const words = text.split(/[ \t\n\r\f\v]+/).filter((w) => w.length > 0);
    return { ok: true, result: { value: text, words, matched: new Set(), unmatched: new Set() } };
  }
  const lexer = new Lexer(text, env, opts);
  try {
    const { value, words } = lexer.process(null, opts.rawEscapes ?? false);
    return { ok: true, result: { value, words, matched: lexer.matched, unmatched: lexer.unmatched } };
  } catch (e) {
    if (e instanceof LexError) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * Expands and unquotes `text`. `value` is the whole result (ENV values, WORKDIR, COPY paths);
 * `words` is the result split on unquoted whitespace, including whitespace that came from
 * unquoted variable values (EXPOSE ports, heredoc delimiters).
 */
export function lex(text: string, env: EnvLookup, opts: LexOptions = {}): LexOutcome {
  return run(text, env, opts);
}

export function envFromEntries(entries: Iterable<readonly [string, string]>): EnvLookup {
  const map = new Map(entries);
  return (name) => map.get(name);
}
