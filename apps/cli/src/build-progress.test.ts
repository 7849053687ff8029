import type { BuildEvent } from "@layerlab/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TtyProgress } from "./build-progress.js";

const base = { buildId: "b", time: 0 };
let seq = 0;
const ev = (e: Record<string, unknown>) => ({ ...base, seq: seq++, ...e }) as BuildEvent;
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the live tty view", () => {
  it("redraws running steps in place with their time and last log lines; finished steps scroll up", () => {
    let clock = 0;
    const frames: string[] = [];
    const view = new TtyProgress((s) => frames.push(s), () => clock, 2, () => 80);
    view.onEvent(ev({ type: "step.started", stage: 0, step: "0:1", line: 2, instruction: "RUN make" }));
    view.onEvent(ev({ type: "step.cache", step: "0:1", cache: "miss", reason: null, fromBuild: null }));
    view.onEvent(ev({ type: "step.log", step: "0:1", stream: "stdout", text: "one\ntwo\nthree\n" }));
    clock = 1500;
    vi.advanceTimersByTime(100);
    expect(strip(frames.at(-1)!)).toBe("=> [0] RUN make  1.5s  running\n   │ two\n   │ three\n");
    clock = 2500;
    vi.advanceTimersByTime(100);
    // The next frame first moves the cursor back over the three lines it drew.
    expect(frames.at(-1)!.startsWith("\x1b[3F\x1b[J")).toBe(true);
    expect(strip(frames.at(-1)!)).toContain("2.5s");
    view.onEvent(ev({ type: "step.finished", step: "0:1", stage: 0, line: 2, instruction: "RUN make", cache: "miss", reason: "no earlier build of this step", durationMs: 2600, layer: null }));
    expect(strip(frames.at(-1)!)).toBe("MISS   line 2    [0] RUN make  2.6s  ← no earlier build of this step\n");
    view.onEvent(ev({ type: "build.finished", imageId: "sha256:abc", tags: ["app:1"], size: 1000, durationMs: 2700 }));
    expect(strip(frames.at(-1)!)).toBe("built sha256:abc (app:1) in 2.7s, 1kB\n");
    const count = frames.length;
    vi.advanceTimersByTime(1000);
    expect(frames.length).toBe(count);
  });
});
