import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SourceRange } from "./dockerfile/source-range.js";
import { analyzeDockerfile } from "./lint/lint.js";
import { outlineOf } from "./outline/outline.js";

const CORPUS = new URL("../corpus/", import.meta.url);

function corpusFiles(): string[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => readFileSync(new URL(`${d.name}/Dockerfile`, CORPUS), "utf8"));
}

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = ['"', "'", "\\", "`", "<<", "<<-", "<<EOF", "EOF", "${", "}", "$", "[", "]", "=", "--", "--mount=", "#", " ", "\t", "\n", "\r\n", "\r", "é", "🐳", "\u0000", "\uFEFF", ":-", "##", "%%", "/", ",", "\\\n"];

function mutate(text: string, rnd: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(rnd() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const kind = Math.floor(rnd() * 6);
    if (kind === 0) out = out.slice(0, at);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 20));
    else if (kind === 2) out = out.replace(/\n/g, "\r\n");
    else if (kind === 3) {
      const lines = out.split("\n");
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)] ?? "");
      out = lines.join("\n");
    } else out = out.slice(0, at) + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)]! + out.slice(at);
  }
  return out;
}

function ranges(value: unknown, found: SourceRange[] = [], seen = new Set<unknown>()): SourceRange[] {
  if (value === null || typeof value !== "object" || seen.has(value)) return found;
  seen.add(value);
  const v = value as Record<string, unknown>;
  if (typeof v.line === "number" && typeof v.column === "number" && typeof v.endLine === "number" && typeof v.endColumn === "number") {
    found.push(v as unknown as SourceRange);
  }
  for (const child of Array.isArray(value) ? value : Object.values(v)) ranges(child, found, seen);
  return found;
}

function rangeProblem(text: string, r: SourceRange): string | null {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = body.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  const inside = (line: number, column: number) => line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1]!.length + 1;
  if (!inside(r.line, r.column) || !inside(r.endLine, r.endColumn)) return `out of text: ${JSON.stringify(r)}`;
  if (r.endLine < r.line || (r.endLine === r.line && r.endColumn < r.column)) return `ends before it starts: ${JSON.stringify(r)}`;
  return null;
}

describe("fuzzing the frontend with mutated corpus files", () => {
  it("never throws, and every range lies inside the text, over 10,000 mutations", () => {
    const seeds = corpusFiles();
    expect(seeds.length).toBeGreaterThanOrEqual(60);
    const rnd = prng(20261123);
    for (let i = 0; i < 10_000; i++) {
      const text = mutate(seeds[i % seeds.length]!, rnd);
      let problem: string | null = null;
      try {
        const analysis = analyzeDockerfile(text);
        outlineOf(analysis);
        for (const r of ranges([analysis.dockerfile, analysis.diagnostics])) {
          problem = rangeProblem(text, r);
          if (problem) break;
        }
      } catch (e) {
        problem = `threw ${(e as Error).stack}`;
      }
      if (problem) expect.fail(`mutation ${i}: ${problem}\n--- input ---\n${JSON.stringify(text)}`);
    }
  });
});
