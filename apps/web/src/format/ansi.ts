export interface AnsiSegment {
  text: string;
  /** Colour index 0–15 (8–15 bright), or null for the default. */
  fg: number | null;
  bold: boolean;
}

/**
 * Splits terminal output into styled runs by its SGR escape sequences (colours, bold, reset);
 * every other escape sequence is dropped so it never shows as garbage.
 */
export function parseAnsi(text: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let fg: number | null = null;
  let bold = false;
  const pattern = /\x1b\[([0-9;]*)([A-Za-z])|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b./g;
  let last = 0;
  const push = (s: string) => {
    if (s === "") return;
    const prev = out.at(-1);
    if (prev && prev.fg === fg && prev.bold === bold) prev.text += s;
    else out.push({ text: s, fg, bold });
  };
  for (const m of text.matchAll(pattern)) {
    push(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[2] !== "m") continue;
    const codes = (m[1] === "" ? "0" : m[1]!).split(";").map(Number);
    for (const c of codes) {
      if (c === 0) {
        fg = null;
        bold = false;
      } else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c >= 30 && c <= 37) fg = c - 30;
      else if (c >= 90 && c <= 97) fg = c - 90 + 8;
      else if (c === 39) fg = null;
    }
  }
  push(text.slice(last));
  return out;
}
