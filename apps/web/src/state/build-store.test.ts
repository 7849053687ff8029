import type { BuildEvent } from "@layerlab/core";
import { describe, expect, it } from "vitest";
import { applyEvent, emptyBuildView, type BuildView } from "./build-store.js";

const idle: BuildView = emptyBuildView();
const started = (): BuildEvent[] => [
  { type: "build.started", buildId: "b1", seq: 0, time: 1, target: "stage-0", stages: [{ index: 0, label: "stage-0" }] },
  { type: "step.started", buildId: "b1", seq: 1, time: 2, step: "s1", stage: 0, line: 2, instruction: "RUN make" },
];
const log = (seq: number, text: string): BuildEvent => ({ type: "step.log", buildId: "b1", seq, time: 3, step: "s1", stream: "stdout", text });
const fold = (events: BuildEvent[], from = idle) => events.reduce(applyEvent, from);

describe("the build view in the browser", () => {
  it("follows a step from start to its cache result", () => {
    const view = fold([...started(), { type: "step.cache", buildId: "b1", seq: 2, time: 3, step: "s1", cache: "miss", reason: { code: "instruction-changed", message: "the command changed", old: "RUN mak", new: "RUN make" }, fromBuild: null }]);
    expect(view.status).toBe("running");
    expect(view.steps.get("s1")).toMatchObject({ line: 2, status: "running", cache: "miss", reason: "the command changed" });
  });

  it("collects a step's output without touching its steps, so only log views redraw", () => {
    const before = fold(started());
    const after = fold([log(2, "one\n"), log(3, "two\n")], before);
    expect(after.steps).toBe(before.steps);
    expect(after.logs.get("s1")!.since(0)).toBe("one\ntwo\n");
  });

  it("ignores an event it has already applied (a resumed subscription repeats none)", () => {
    const view = fold([...started(), log(2, "once\n")]);
    expect(fold([log(2, "once\n")], view)).toBe(view);
  });

  it("starts over when events of another build arrive", () => {
    const view = fold([...started(), { type: "build.started", buildId: "b2", seq: 0, time: 9, target: "x", stages: [] }]);
    expect(view.id).toBe("b2");
    expect(view.steps.size).toBe(0);
    expect(view.logs.size).toBe(0);
  });
});
