export interface AnsiSegment {
  text: string;
  /** Colour index 0–15 (8–15 bright), or null for the default. */
  fg: number | null;
  bold: boolean;
}

const SEQUENCE = /\x1b\[([0-9;]*)([A-Za-z])|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[^\]PX^_[]/g;
/** The start of a sequence that the next chunk may finish. */
const UNFINISHED = /^\x1b(?:\[[0-9;]*|[\]PX^_][^\x07\x1b]*\x1b?)?$/;
/** An unterminated title or similar longer than this is garbage, not a sequence to wait for. */
const MAX_CARRY = 4096;

/**
 * Splits terminal output into styled runs by its SGR escape sequences (colours, bold, reset);
 * every other escape sequence is dropped so it never shows as garbage. Output arrives in
 * chunks that can cut a sequence in two, so colour state and an unfinished sequence carry
 * over from one `push` to the next.
 */
export class AnsiStream {
  private fg: number | null = null;
  private bold = false;
  private carry = "";

  push(chunk: string): AnsiSegment[] {
    const text = this.carry + chunk;
    this.carry = "";
    const out: AnsiSegment[] = [];
    const emit = (s: string) => {
      if (s === "") return;
      const prev = out.at(-1);
      if (prev && prev.fg === this.fg && prev.bold === this.bold) prev.text += s;
      else out.push({ text: s, fg: this.fg, bold: this.bold });
    };
    let last = 0;
    for (const m of text.matchAll(SEQUENCE)) {
      emit(text.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[2] === "m") this.applySgr(m[1]!);
    }
    let rest = text.slice(last);
    const escape = rest.lastIndexOf("\x1b");
    if (escape >= 0 && UNFINISHED.test(rest.slice(escape)) && rest.length - escape <= MAX_CARRY) {
      this.carry = rest.slice(escape);
      rest = rest.slice(0, escape);
    }
    emit(rest.replaceAll("\x1b", ""));
    return out;
  }

  private applySgr(params: string) {
    for (const c of (params === "" ? "0" : params).split(";").map(Number)) {
      if (c === 0) {
        this.fg = null;
        this.bold = false;
      } else if (c === 1) this.bold = true;
      else if (c === 22) this.bold = false;
      else if (c >= 30 && c <= 37) this.fg = c - 30;
      else if (c >= 90 && c <= 97) this.fg = c - 90 + 8;
      else if (c === 39) this.fg = null;
    }
  }
}

/** Styled runs of a whole text; an escape sequence cut off at its end is dropped. */
export const parseAnsi = (text: string): AnsiSegment[] => new AnsiStream().push(text);
