import { splitWords } from "./words.js";

const MARKER = /^(\d*)<<(-?)\s*([^<]*)$/;

/** Instructions whose arguments may open heredocs (ONBUILD wraps one of these). */
export const HEREDOC_INSTRUCTIONS = new Set(["RUN", "COPY", "ADD"]);

export interface HeredocMarker {
  name: string;
  quoted: boolean;
  stripTabs: boolean;
  fd: number | null;
  start: number;
  end: number;
}

function unquote(word: string): string | null {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (quote === null && (ch === "'" || ch === '"')) quote = ch;
    else if (quote !== null && ch === quote) quote = null;
    else if (ch === "\\" && quote !== "'" && i + 1 < word.length) out += word[++i]!;
    else out += ch;
  }
  return quote === null ? out : null;
}

/**
 * Finds `[n]<<[-]WORD` markers among the words of an instruction line, as BuildKit does:
 * the marker must be a whole word, and a delimiter with any quoted part disables expansion.
 */
export function findHeredocMarkers(args: string): HeredocMarker[] {
  const markers: HeredocMarker[] = [];
  const words = splitWords(args, "\\");
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    const next = words[i + 1];
    // `<< EOF`: the lexer keeps whitespace after `<<` in the marker word.
    if (/^\d*<<-?$/.test(word.text) && next) {
      word = { text: word.text + next.text, start: word.start, end: next.end };
      i++;
    }
    const m = MARKER.exec(word.text);
    if (!m || m[3]!.length === 0) continue;
    const rawName = m[3]!.trim();
    const name = unquote(rawName);
    if (name === null || name.length === 0 || /\s/.test(name)) continue;
    markers.push({
      name,
      quoted: /['"]/.test(rawName),
      stripTabs: m[2] === "-",
      fd: m[1] ? Number(m[1]) : null,
      start: word.start,
      end: word.end,
    });
  }
  return markers;
}

/** The text a heredoc stands for: its body, with leading tabs stripped for `<<-`. */
export function heredocText(h: { content: string; stripTabs: boolean }): string {
  return h.stripTabs ? h.content.replace(/^\t+/gm, "") : h.content;
}
