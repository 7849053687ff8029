/** A whitespace-delimited word of an instruction's arguments, quotes and escapes kept as written. */
export interface RawWord {
  text: string;
  start: number;
  end: number;
}

export const isSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";

/**
 * Splits arguments the way BuildKit's parser does before any expansion: whitespace separates
 * words unless quoted; quotes and escapes stay in the word (the shell lexer removes them later);
 * a lone escape at the very end is dropped.
 */
export function splitWords(text: string, escapeChar: string): RawWord[] {
  // Quotes and escapes stay in the word, so a word is exactly its slice of the text; only a
  // lone escape at the very end is dropped.
  const words: RawWord[] = [];
  let start = -1;
  let quote: string | null = null;
  let blankOk = false;
  const n = text.length;
  for (let pos = 0; pos < n; pos++) {
    const ch = text[pos]!;
    if (quote === null) {
      if (isSpace(ch)) {
        if (start >= 0) {
          words.push({ text: text.slice(start, pos), start, end: pos });
          start = -1;
        }
        continue;
      }
      if (start < 0) start = pos;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      } else if (ch === escapeChar) pos++;
      continue;
    }
    if (ch === quote) quote = null;
    else if (ch === escapeChar && quote !== "'") pos++;
  }
  if (start >= 0) {
    let end = n;
    const word = text.slice(start, end);
    if (word.length > 0 || blankOk) {
      if (end - start >= 1 && text[end - 1] === escapeChar && !escapedAt(text, start, end - 1, escapeChar)) end--;
      if (end > start || blankOk) words.push({ text: text.slice(start, end), start, end });
    }
  }
  return words;
}

/** True when the escape character at `at` is itself escaped (preceded by an odd run of escapes). */
function escapedAt(text: string, start: number, at: number, escapeChar: string): boolean {
  let run = 0;
  for (let i = at - 1; i >= start && text[i] === escapeChar; i--) run++;
  return run % 2 === 1;
}

/**
 * Splits on whitespace only, as BuildKit's parser does for FROM, COPY, ADD, VOLUME and
 * EXPOSE: quotes do not group words there (`COPY "a b" /x` has the words `"a`, `b"`, `/x`).
 */
export function splitPlain(text: string): RawWord[] {
  const words: RawWord[] = [];
  const re = /[^\t\v\f\r \n]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return words;
}
