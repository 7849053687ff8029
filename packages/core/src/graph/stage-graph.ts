import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Instruction } from "../dockerfile/ast.js";
import type { SourceRange } from "../dockerfile/source-range.js";
import type { Resolution } from "../expand/resolve.js";
import { stageLabel } from "./stages.js";

export type EdgeKind = "from" | "copy" | "mount";

/** A dependency of one stage on another stage (or on an external image). */
export interface StageEdge {
  kind: EdgeKind;
  /** The stage that depends. */
  from: number;
  /** The stage depended on, or null when the reference names an image. */
  to: number | null;
  /** The reference as written (`builder`, `0`, `nginx:1.25`). */
  ref: string;
  range: SourceRange;
  instruction: Instruction;
  /** The referenced stage is defined later in the file (allowed by BuildKit for --from, never for FROM). */
  forward: boolean;
}

export interface StageNode {
  index: number;
  name: string | null;
  label: string;
  /** Expanded base reference; for a stage base, the stage's label. */
  base: string | null;
  baseStage: number | null;
  platform: string | null;
  range: SourceRange;
  instructions: Instruction[];
}

export interface StageGraph {
  stages: StageNode[];
  edges: StageEdge[];
  /** Default target: the last stage. */
  defaultTarget: number | null;
  diagnostics: Diagnostic[];
}

const NUMERIC = /^\d+$/;

export function buildStageGraph(resolution: Resolution): StageGraph {
  const { split } = resolution;
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, number>();
  // A duplicate name resolves to its first stage; the DuplicateStageName check reports it.
  for (const stage of split.stages) {
    if (stage.name === null) continue;
    if (!byName.has(stage.name)) byName.set(stage.name, stage.index);
  }

  const edges: StageEdge[] = [];
  const stages: StageNode[] = split.stages.map((stage) => {
    const resolved = resolution.stages[stage.index]!;
    if (resolved.baseStage !== null) {
      edges.push({
        kind: "from",
        from: stage.index,
        to: resolved.baseStage,
        ref: resolved.image ?? "",
        range: stage.from.image!.range,
        instruction: stage.from,
        forward: false,
      });
    } else if (resolved.image !== null && byName.has(resolved.image)) {
      diagnostics.push(
        diagnostic(
          "graph/forward-reference",
          "error",
          `FROM ${resolved.image} names a stage defined later; a stage can only be built FROM an earlier stage`,
          stage.from.image!.range,
          { hint: "move that stage above this one, or rename one of them if an image was meant" },
        ),
      );
    } else if (resolved.image === "") {
      diagnostics.push(
        diagnostic("graph/blank-base", "error", `base name (${stage.from.image?.raw ?? ""}) should not be blank`, stage.from.image!.range, {
          hint: "give the ARG used here a default or pass it with --build-arg",
        }),
      );
    }
    const reference = (kind: EdgeKind, ref: string, range: SourceRange, instruction: Instruction) => {
      let to: number | null = null;
      if (NUMERIC.test(ref)) {
        const n = Number(ref);
        if (n >= split.stages.length) {
          diagnostics.push(
            diagnostic("graph/invalid-stage-index", "error", `invalid stage index ${ref}`, range, {
              hint: `stages are numbered 0 to ${split.stages.length - 1}`,
            }),
          );
          return;
        }
        to = n;
      } else {
        to = byName.get(ref.toLowerCase()) ?? null;
      }
      edges.push({ kind, from: stage.index, to, ref, range, instruction, forward: to !== null && to > stage.index });
    };
    for (const ins of stage.instructions) {
      const target = ins.kind === "ONBUILD" ? null : ins;
      if (target === null) continue;
      if (target.kind === "COPY" || target.kind === "ADD") {
        const from = target.flags.findLast((f) => f.name === "from");
        if (from?.value != null) {
          if (/\$/.test(from.value)) {
            diagnostics.push(
              diagnostic(
                "graph/from-expansion",
                "error",
                "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                from.valueRange ?? from.range,
                { hint: "add `FROM ${IMAGE} AS src` and use --from=src" },
              ),
            );
          } else reference("copy", from.value, from.valueRange ?? from.range, target);
        }
      }
      if (target.kind === "RUN") {
        for (const m of target.mounts) if (m.from !== null) reference("mount", m.from, m.range, target);
      }
    }
    return {
      index: stage.index,
      name: stage.name,
      label: stageLabel(stage),
      base: resolved.baseStage !== null ? stageLabel(split.stages[resolved.baseStage]!) : resolved.image,
      baseStage: resolved.baseStage,
      platform: resolved.platform,
      range: { ...stage.from.range, endLine: lastLine(stage), endColumn: lastColumn(stage) },
      instructions: stage.instructions,
    };
  });

  const cycle = findCycle(stages.length, edges);
  if (cycle !== null) {
    const edge = edges.find((e) => e.from === cycle && e.to !== null && e.to >= 0)!;
    diagnostics.push(
      diagnostic("graph/cycle", "error", `circular dependency detected on stage: ${stages[cycle]!.label}`, edge.range, {
        hint: "a stage cannot depend, directly or through others, on itself",
      }),
    );
  }
  return { stages, edges, defaultTarget: stages.length > 0 ? stages.length - 1 : null, diagnostics };
}

function lastLine(stage: { from: Instruction; instructions: Instruction[] }): number {
  return (stage.instructions[stage.instructions.length - 1] ?? stage.from).range.endLine;
}
function lastColumn(stage: { from: Instruction; instructions: Instruction[] }): number {
  return (stage.instructions[stage.instructions.length - 1] ?? stage.from).range.endColumn;
}

/** A stage on a dependency cycle, or null. */
function findCycle(count: number, edges: StageEdge[]): number | null {
  const state = new Array<0 | 1 | 2>(count).fill(0);
  const out = (i: number) => edges.filter((e) => e.from === i && e.to !== null).map((e) => e.to!);
  const visit = (i: number): number | null => {
    state[i] = 1;
    for (const j of out(i)) {
      if (state[j] === 1) return j;
      if (state[j] === 0) {
        const found = visit(j);
        if (found !== null) return found;
      }
    }
    state[i] = 2;
    return null;
  };
  for (let i = 0; i < count; i++) {
    if (state[i] === 0) {
      const found = visit(i);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Stages needed to build `target`: itself and everything it depends on, transitively. */
export function reachableStages(graph: StageGraph, target: number): number[] {
  const seen = new Set<number>();
  const stack = [target];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    for (const e of graph.edges) if (e.from === i && e.to !== null) stack.push(e.to);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Resolves a `--target` name or index to a stage index. */
export function findTarget(graph: StageGraph, target: string): number | null {
  if (NUMERIC.test(target)) {
    const n = Number(target);
    return n < graph.stages.length ? n : null;
  }
  return graph.stages.find((s) => s.name === target.toLowerCase())?.index ?? null;
}
