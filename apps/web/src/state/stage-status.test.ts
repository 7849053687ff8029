import { describe, expect, it } from "vitest";
import type { BuildView, StepView } from "./build-store.js";
import { stageStatuses } from "./stage-status.js";

const step = (stage: number, status: StepView["status"], cache: StepView["cache"]): StepView => ({ step: `${stage}:${Math.random()}`, stage, line: 1, instruction: "RUN x", status, cache, reason: null, durationMs: null, startedAt: 0, layer: null });
const view = (status: BuildView["status"], steps: StepView[]): BuildView => ({
  id: "b",
  status,
  stages: [0, 1, 2].map((index) => ({ index, label: `s${index}` })),
  steps: new Map(steps.map((s) => [s.step, s])),
  logs: new Map(),
  lastSeq: 0,
  imageId: null,
  error: null,
  startedAt: 0,
  durationMs: null,
});

describe("stage status in the graph", () => {
  it("queued before a stage's first step, running while one runs, cached or done after", () => {
    const running = view("running", [step(0, "done", "hit"), step(0, "done", "hit"), step(1, "running", "miss")]);
    expect([...stageStatuses(running)]).toEqual([
      [0, "running"],
      [1, "running"],
      [2, "queued"],
    ]);
    const done = view("succeeded", [step(0, "done", "hit"), step(1, "done", "miss"), step(2, "done", "none")]);
    expect([...stageStatuses(done)]).toEqual([
      [0, "cached"],
      [1, "done"],
      [2, "done"],
    ]);
  });

  it("marks the stage whose step failed", () => {
    expect(stageStatuses(view("failed", [step(0, "done", "hit"), step(1, "failed", "miss")])).get(1)).toBe("failed");
  });
});
