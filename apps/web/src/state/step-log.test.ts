import { describe, expect, it } from "vitest";
import { MAX_STEP_LOG, StepLog } from "./step-log.js";

describe("a step's output", () => {
  it("reads back from any offset exactly what came after it", () => {
    const log = new StepLog();
    for (const chunk of ["one\n", "tw", "o\nthree\n"]) log.append(chunk);
    expect(log.since(0)).toBe("one\ntwo\nthree\n");
    expect(log.since(4)).toBe("two\nthree\n");
    expect(log.since(5)).toBe("wo\nthree\n");
    expect(log.since(log.end)).toBe("");
  });

  it("keeps the last 2 MB of a chatty step, with offsets that still count from its first output", () => {
    const log = new StepLog();
    const chunk = "x".repeat(1024 * 1024);
    for (let i = 0; i < 5; i++) log.append(chunk);
    expect(log.end).toBe(5 * chunk.length);
    expect(log.end - log.dropped).toBe(MAX_STEP_LOG);
    expect(log.since(0)).toHaveLength(MAX_STEP_LOG);
    log.append("tail");
    expect(log.since(log.end - 4)).toBe("tail");
  });
});
