import type { ArgInstruction, Dockerfile, FromInstruction, Instruction, Word } from "../dockerfile/ast.js";

export interface Stage {
  index: number;
  /** Lower-cased, as BuildKit stores it; null for an unnamed stage. */
  name: string | null;
  nameWord: Word | null;
  from: FromInstruction;
  /** The stage's instructions after FROM. */
  instructions: Instruction[];
}

export interface StageSplit {
  /** ARG instructions before the first FROM (the global scope). */
  globalArgs: ArgInstruction[];
  /** Anything else before the first FROM: an error BuildKit reports. */
  strayBeforeFrom: Instruction[];
  stages: Stage[];
}

export function splitStages(df: Dockerfile): StageSplit {
  const globalArgs: ArgInstruction[] = [];
  const strayBeforeFrom: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of df.instructions) {
    if (ins.kind === "FROM") {
      stages.push({
        index: stages.length,
        name: ins.stageName ? ins.stageName.raw.toLowerCase() : null,
        nameWord: ins.stageName,
        from: ins,
        instructions: [],
      });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current) current.instructions.push(ins);
    else if (ins.kind === "ARG") globalArgs.push(ins);
    else strayBeforeFrom.push(ins);
  }
  return { globalArgs, strayBeforeFrom, stages };
}

/** How a stage is named in messages and progress: its name, or `stage-N` as BuildKit prints it. */
export function stageLabel(stage: Pick<Stage, "index" | "name">): string {
  return stage.name ?? `stage-${stage.index}`;
}
