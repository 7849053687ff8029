import type { BuildView } from "./build-store.js";

export type StageStatus = "queued" | "running" | "cached" | "done" | "failed";

/**
 * Each built stage's state from the build's steps: failed if a step failed, running while a
 * step runs, cached when every step with a cache key hit, done when it finished otherwise,
 * queued before its first step. Stages the build does not need have no status.
 */
export function stageStatuses(view: Pick<BuildView, "steps" | "stages" | "status">): Map<number, StageStatus> {
  const out = new Map<number, StageStatus>();
  const steps = [...view.steps.values()];
  for (const { index } of view.stages) {
    const mine = steps.filter((s) => s.stage === index);
    const finished = view.status === "succeeded" || (view.status === "failed" && mine.length > 0 && mine.every((s) => s.status !== "running"));
    let status: StageStatus;
    if (mine.some((s) => s.status === "failed")) status = "failed";
    else if (mine.some((s) => s.status === "running")) status = "running";
    else if (mine.length === 0) status = "queued";
    else if (!finished && view.status === "running") status = "running";
    else {
      const keyed = mine.filter((s) => s.cache === "hit" || s.cache === "miss");
      status = keyed.length > 0 && keyed.every((s) => s.cache === "hit") ? "cached" : "done";
    }
    out.set(index, status);
  }
  return out;
}
