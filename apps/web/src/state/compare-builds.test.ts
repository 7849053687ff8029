import type { BuildEvent } from "@layerlab/core";
import { describe, expect, it } from "vitest";
import { compareBuilds } from "./compare-builds.js";

const done = (buildId: string, line: number, instruction: string, cache: "hit" | "miss" | "none", reason: string | null = null) =>
  ({ type: "step.finished", buildId, seq: line, time: 0, step: `0:${line}`, stage: 0, line, instruction, cache, reason, durationMs: 1, layer: null }) as BuildEvent;

describe("comparing two builds", () => {
  it("lines up steps by instruction and says which changed status and why", () => {
    const before = [done("a", 1, "FROM x", "none"), done("a", 2, "COPY . /app", "miss"), done("a", 3, "RUN make", "miss")];
    const after = [done("b", 1, "FROM x", "none"), done("b", 2, "COPY . /app", "hit"), done("b", 3, "RUN make", "miss", "the parent step missed"), done("b", 4, "CMD [\"app\"]", "none")];
    expect(compareBuilds(before, after)).toEqual([
      { line: 1, instruction: "FROM x", before: "none", after: "none", reason: null, changed: false },
      { line: 2, instruction: "COPY . /app", before: "miss", after: "hit", reason: null, changed: true },
      { line: 3, instruction: "RUN make", before: "miss", after: "miss", reason: "the parent step missed", changed: false },
      { line: 4, instruction: 'CMD ["app"]', before: null, after: "none", reason: null, changed: true },
    ]);
  });
});
