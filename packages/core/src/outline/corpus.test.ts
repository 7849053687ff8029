import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeDockerfile } from "../lint/lint.js";
import { outlineOf } from "./outline.js";

const CORPUS = new URL("../../corpus/", import.meta.url);

interface Expected {
  stages: { index: number; name: string | null; base: string; resolvedBase: string; platform: string | null; baseStage: number | null; deps: number[] }[];
  args: { name: string; default: string | null; scope: "global" | number; line: number }[];
  target: number;
  reachable: number[];
  instructionCount: number;
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("the Dockerfile corpus: outlines match the hand-reviewed expectations", () => {
  it("has at least 60 real-world Dockerfiles", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)("%s", (name) => {
    const text = readFileSync(new URL(`${name}/Dockerfile`, CORPUS), "utf8");
    const expected = JSON.parse(readFileSync(new URL(`${name}/expected.json`, CORPUS), "utf8")) as Expected;
    const analysis = analyzeDockerfile(text);
    expect(analysis.diagnostics.filter((d) => /^(parse|graph)\//.test(d.code))).toEqual([]);
    const outline = outlineOf(analysis);
    expect({
      stages: outline.stages.map((s) => ({ index: s.index, name: s.name, base: s.base, resolvedBase: s.resolvedBase, platform: s.platform, baseStage: s.baseStage, deps: s.deps })),
      args: outline.args.map((a) => ({ name: a.name, default: a.default, scope: a.scope, line: a.line })),
      target: outline.target,
      reachable: outline.reachable,
      instructionCount: analysis.dockerfile.instructions.length,
    }).toEqual(expected);
  });
});
