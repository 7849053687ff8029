import { describe, expect, it } from "vitest";
import { parseAnsi } from "./ansi.js";

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
});
