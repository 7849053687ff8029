import { describe, expect, it } from "vitest";
import { AnsiStream, parseAnsi } from "./ansi.js";

describe("ANSI colours in build logs", () => {
  it("splits output into coloured runs and resets", () => {
    expect(parseAnsi("ok \x1b[31merror\x1b[0m done")).toEqual([
      { text: "ok ", fg: null, bold: false },
      { text: "error", fg: 1, bold: false },
      { text: " done", fg: null, bold: false },
    ]);
    expect(parseAnsi("\x1b[1;92mPASS\x1b[m")).toEqual([{ text: "PASS", fg: 10, bold: true }]);
  });

  it("drops other escape sequences (cursor moves, titles)", () => {
    expect(parseAnsi("a\x1b[2Kb\x1b]0;title\x07c")).toEqual([{ text: "abc", fg: null, bold: false }]);
  });

  it("drops an escape sequence cut off at the end of the text", () => {
    expect(parseAnsi("done\x1b[3")).toEqual([{ text: "done", fg: null, bold: false }]);
  });

  it("keeps the colour from one chunk of streamed output to the next", () => {
    const stream = new AnsiStream();
    expect(stream.push("\x1b[33mwarn ")).toEqual([{ text: "warn ", fg: 3, bold: false }]);
    expect(stream.push("still yellow\x1b[0m plain")).toEqual([
      { text: "still yellow", fg: 3, bold: false },
      { text: " plain", fg: null, bold: false },
    ]);
  });

  it("finishes a sequence that a chunk boundary cut in two", () => {
    const stream = new AnsiStream();
    expect(stream.push("a\x1b[3")).toEqual([{ text: "a", fg: null, bold: false }]);
    expect(stream.push("2mgreen")).toEqual([{ text: "green", fg: 2, bold: false }]);
    expect(stream.push("\x1b]0;ti")).toEqual([]);
    expect(stream.push("tle\x07!")).toEqual([{ text: "!", fg: 2, bold: false }]);
  });

  it("gives up waiting for a title that never ends", () => {
    const stream = new AnsiStream();
    const segments = stream.push(`\x1b]0;${"x".repeat(5000)}`);
    expect(segments.map((s) => s.text).join("")).toBe(`]0;${"x".repeat(5000)}`);
    expect(stream.push("next")).toEqual([{ text: "next", fg: null, bold: false }]);
  });
});
