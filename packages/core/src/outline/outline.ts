import type { Analysis } from "../lint/lint.js";
import { reachableStages } from "../graph/stage-graph.js";

export interface OutlineStage {
  index: number;
  name: string | null;
  label: string;
  /** The FROM reference as written. */
  base: string | null;
  /** After expanding global ARGs; a stage base is given by its label. */
  resolvedBase: string | null;
  platform: string | null;
  baseStage: number | null;
  /** Earlier or later stages this one needs (FROM, COPY --from, RUN --mount from), sorted. */
  deps: number[];
  line: number;
  /** The `# name description` comment above the FROM, BuildKit's outline convention. */
  description: string | null;
}

export interface OutlineArg {
  name: string;
  default: string | null;
  /** "global" for ARGs before the first FROM, else the stage index. */
  scope: "global" | number;
  line: number;
  /** Lines that reference it (expanded instructions and RUN commands). */
  usedOn: number[];
  description: string | null;
}

export interface Outline {
  stages: OutlineStage[];
  args: OutlineArg[];
  /** Index of the default target (the last stage), or null for a file without stages. */
  target: number | null;
  /** Stages built for the default target. */
  reachable: number[];
}

function describe(analysis: Analysis, line: number, name: string): string | null {
  const c = analysis.dockerfile.comments.find((x) => x.range.line === line - 1);
  if (!c) return null;
  const m = /^#\s*(\S+)\s+(.*)$/.exec(c.text);
  return m && m[1] === name ? m[2]!.trim() : null;
}

function runReferences(text: string, name: string): boolean {
  return new RegExp(`\\$(?:${name}\\b|\\{${name}[}:#%/?+-])`).test(text);
}

/** What `docker buildx build --call=outline` and `--call=targets` tell, in one structure. */
export function outlineOf(analysis: Analysis): Outline {
  const { resolution, graph } = analysis;
  const stages: OutlineStage[] = graph.stages.map((s) => {
    const stage = resolution.split.stages[s.index]!;
    const deps = [...new Set(graph.edges.filter((e) => e.from === s.index && e.to !== null).map((e) => e.to!))].sort((a, b) => a - b);
    return {
      index: s.index,
      name: s.name,
      label: s.label,
      base: stage.from.image?.raw ?? null,
      resolvedBase: s.base,
      platform: stage.from.platform?.value ?? null,
      baseStage: s.baseStage,
      deps,
      line: stage.from.range.line,
      description: s.name ? describe(analysis, stage.from.range.line, s.name) : null,
    };
  });

  const args: OutlineArg[] = [];
  const collect = (scope: "global" | number, instructions: typeof resolution.split.globalArgs | (typeof resolution.split.stages)[number]["instructions"]) => {
    for (const ins of instructions) {
      if (ins.kind !== "ARG") continue;
      for (const pair of ins.pairs) {
        const name = pair.key.raw;
        const lines = new Set<number>();
        for (const u of resolution.uses) {
          if (u.name !== name || u.instruction.range.line <= ins.range.line) continue;
          if (scope === "global" ? u.stage === -1 : u.stage === scope) lines.add(u.instruction.range.line);
        }
        if (scope !== "global") {
          for (const later of resolution.split.stages[scope]!.instructions) {
            if (later.kind === "RUN" && later.range.line > ins.range.line && runReferences(later.argsText + later.heredocs.map((h) => h.content).join(""), name)) {
              lines.add(later.range.line);
            }
          }
        }
        args.push({
          name,
          default: pair.value === null ? null : (resolution.expanded.get(pair.value) ?? pair.value.raw),
          scope,
          line: ins.range.line,
          usedOn: [...lines].sort((a, b) => a - b),
          description: describe(analysis, ins.range.line, name),
        });
      }
    }
  };
  collect("global", resolution.split.globalArgs);
  for (const stage of resolution.split.stages) collect(stage.index, stage.instructions);

  const target = graph.defaultTarget;
  return { stages, args, target, reachable: target === null ? [] : reachableStages(graph, target) };
}
