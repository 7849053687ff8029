import { memo } from "react";
import type { StageStatus } from "../state/stage-status.js";
import { reachableStages, type StageGraph as Graph } from "@layerlab/core";
import { layoutStages, NODE_H, NODE_W } from "./layout.js";

const EDGE_STYLE = {
  from: { dash: undefined, label: "FROM" },
  copy: { dash: "6 4", label: "COPY --from" },
  mount: { dash: "2 4", label: "RUN --mount" },
} as const;

interface Props {
  graph: Graph;
  target: number | null;
  onSelectTarget(index: number): void;
  onJump(line: number): void;
  /** Live status of each stage during and after a build of this Dockerfile. */
  statuses?: Map<number, StageStatus>;
}

/** Stages as nodes, dependencies as edges in one style per kind; stages the target does not need are dimmed. */
function StageGraphView({ graph, target, onSelectTarget, onJump, statuses }: Props) {
  const placed = layoutStages(graph);
  const at = new Map(placed.map((p) => [p.index, p]));
  const reachable = new Set(target === null ? [] : reachableStages(graph, target));
  const width = Math.max(...placed.map((p) => p.x + NODE_W + 48), 200);
  const height = Math.max(...placed.map((p) => p.y + NODE_H + 8), 60);
  return (
    <div className="graph">
      <svg width={width} height={height} role="img" aria-label="Stage graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="edge-head" />
          </marker>
        </defs>
        {graph.edges.map((e, i) => {
          if (e.to === null) return null;
          const a = at.get(e.to);
          const b = at.get(e.from);
          if (!a || !b) return null;
          // Edges leave the bottom of the stage depended on and enter the top of the dependent;
          // kinds are offset sideways so parallel edges stay visible.
          const offset = e.kind === "from" ? 0 : e.kind === "copy" ? 14 : -14;
          const x1 = a.x + NODE_W / 2 + offset;
          const y1 = a.y + NODE_H;
          const x2 = b.x + NODE_W / 2 + offset;
          const y2 = b.y;
          const mid = (y1 + y2) / 2;
          // An edge that skips a layer bows out to the right instead of crossing the stages between.
          const skips = y2 - y1 > NODE_H * 1.5 && x1 === x2;
          const d = skips
            ? `M${a.x + NODE_W},${a.y + NODE_H / 2} C${a.x + NODE_W + 40},${a.y + NODE_H / 2} ${b.x + NODE_W + 40},${b.y + NODE_H / 2} ${b.x + NODE_W},${b.y + NODE_H / 2}`
            : `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
          return (
            <path
              key={i}
              d={d}
              className={`edge edge-${e.kind}`}
              strokeDasharray={EDGE_STYLE[e.kind].dash}
              markerEnd="url(#arrow)"
            >
              <title>{`${EDGE_STYLE[e.kind].label} ${e.ref} (line ${e.range.line})`}</title>
            </path>
          );
        })}
        {graph.stages.map((s) => {
          const p = at.get(s.index)!;
          const dim = target !== null && !reachable.has(s.index);
          return (
            <g
              key={s.index}
              transform={`translate(${p.x},${p.y})`}
              className={`node${dim ? " dim" : ""}${target === s.index ? " target" : ""}${statuses?.get(s.index) ? ` stage-${statuses.get(s.index)}` : ""}`}
              role="button"
              tabIndex={0}
              aria-label={`Stage ${s.label}, from ${s.base ?? "?"}${statuses?.get(s.index) ? `, ${statuses.get(s.index)}` : ""}; jump to line ${s.range.line}`}
              onClick={() => onJump(s.range.line)}
              onDoubleClick={() => onSelectTarget(s.index)}
              onKeyDown={(ev) => {
                if (ev.key === "Enter") onJump(s.range.line);
                if (ev.key === "t") onSelectTarget(s.index);
              }}
            >
              <rect width={NODE_W} height={NODE_H} rx={8} />
              <text x={10} y={22} className="node-name">
                {s.label}
              </text>
              {statuses?.get(s.index) && (
                <text x={NODE_W - 8} y={22} className="node-status" textAnchor="end">
                  {statuses.get(s.index)}
                </text>
              )}
              <text x={10} y={42} className="node-base">
                {`FROM ${s.base ?? "?"}`.slice(0, 22)} · {s.instructions.length} steps
              </text>
            </g>
          );
        })}
      </svg>
      <div className="legend" aria-hidden>
        <span className="legend-from">── FROM</span> <span className="legend-copy">- - COPY --from</span> <span className="legend-mount">··· RUN --mount</span>
      </div>
    </div>
  );
}

/** Memoised: the app re-renders whenever a build step starts or finishes. */
export const StageGraph = memo(StageGraphView);
