/** A whitespace-delimited word of an instruction's arguments, quotes and escapes kept as written. */
export interface RawWord {
  text: string;
  start: number;
  end: number;
}

const isSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";

/**
 * Splits arguments the way BuildKit's parser does before any expansion: whitespace separates
 * words unless quoted; quotes and escapes stay in the word (the shell lexer removes them later);
 * a lone escape at the very end is dropped.
 */
export function splitWords(text: string, escapeChar: string): RawWord[] {
  const words: RawWord[] = [];
  let word = "";
  let start = -1;
  let quote: string | null = null;
  let blankOk = false;
  const push = (end: number) => {
    if (blankOk || word.length > 0) words.push({ text: word, start, end });
    word = "";
    start = -1;
    blankOk = false;
  };
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos]!;
    if (quote === null) {
      if (isSpace(ch)) {
        if (start >= 0) push(pos);
        continue;
      }
      if (start < 0) start = pos;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        word += ch;
        continue;
      }
      if (ch === escapeChar) {
        if (pos + 1 === text.length) continue;
        word += ch + text[pos + 1]!;
        pos++;
        continue;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      quote = null;
      word += ch;
      continue;
    }
    if (ch === escapeChar && quote !== "'") {
      if (pos + 1 === text.length) continue;
      word += ch + text[pos + 1]!;
      pos++;
      continue;
    }
    word += ch;
  }
  if (start >= 0) push(text.length);
  return words;
}

export { isSpace };
