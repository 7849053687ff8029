import type { BuildEvent } from "@layerlab/core";

export interface StepComparison {
  line: number;
  instruction: string;
  before: "hit" | "miss" | "none" | null;
  after: "hit" | "miss" | "none" | null;
  /** Why the later build missed, when it did. */
  reason: string | null;
  changed: boolean;
}

type Finished = Extract<BuildEvent, { type: "step.finished" }>;

/**
 * Two builds step by step: each instruction (by stage, line and text) with its cache result in
 * the earlier and the later build, and the later build's reason for a miss. Steps only one of
 * the builds ran show null for the other.
 */
export function compareBuilds(before: BuildEvent[], after: BuildEvent[]): StepComparison[] {
  const finished = (events: BuildEvent[]) => new Map(events.filter((e): e is Finished => e.type === "step.finished").map((e) => [`${e.stage}\0${e.line}\0${e.instruction}`, e]));
  const a = finished(before);
  const b = finished(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .map((k) => {
      const x = a.get(k);
      const y = b.get(k);
      const any = (y ?? x)!;
      return { line: any.line, instruction: any.instruction, before: x?.cache ?? null, after: y?.cache ?? null, reason: y?.cache === "miss" ? y.reason : null, changed: x?.cache !== y?.cache };
    })
    .sort((p, q) => p.line - q.line);
}
