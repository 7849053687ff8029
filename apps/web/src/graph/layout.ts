import type { StageGraph } from "@layerlab/core";

export interface PlacedNode {
  index: number;
  x: number;
  y: number;
}

export const NODE_W = 170;
export const NODE_H = 52;
const GAP_X = 24;
const GAP_Y = 40;

/** Layered top-down layout: a stage sits one row below the deepest stage it depends on. */
export function layoutStages(graph: StageGraph): PlacedNode[] {
  const depth = new Map<number, number>();
  const visit = (i: number, seen: Set<number>): number => {
    if (depth.has(i)) return depth.get(i)!;
    if (seen.has(i)) return 0;
    seen.add(i);
    const deps = graph.edges.filter((e) => e.from === i && e.to !== null && e.to !== i).map((e) => e.to!);
    const d = deps.length === 0 ? 0 : Math.max(...deps.map((j) => visit(j, seen))) + 1;
    depth.set(i, d);
    return d;
  };
  graph.stages.forEach((s) => visit(s.index, new Set()));
  const rows = new Map<number, number>();
  return graph.stages.map((s) => {
    const layer = depth.get(s.index) ?? 0;
    const slot = rows.get(layer) ?? 0;
    rows.set(layer, slot + 1);
    return { index: s.index, x: 8 + slot * (NODE_W + GAP_X), y: 8 + layer * (NODE_H + GAP_Y) };
  });
}
