import type { LayerEntry } from "../layer/layer-entry.js";
import { mergeLayers } from "../layer/merge-layers.js";

export interface InefficientPath {
  path: string;
  /** Layers in which the path appears. */
  count: number;
  /** Bytes of every copy together. */
  cumulative: number;
  /** Bytes a single copy at its smallest would take. */
  min: number;
}

export interface Efficiency {
  /** dive's score: Σ min / Σ cumulative over every path, 1 when there are no bytes. */
  score: number;
  /** dive's "potential wasted space": every copy of every path stored more than once. */
  wastedBytes: number;
  /** Bytes stored in layers that the final filesystem does not show (overwritten or deleted): what squashing would save. */
  reclaimableBytes: number;
  sizeBytes: number;
  /** Bytes above the first layer, dive's denominator for the user wasted percent. */
  userSizeBytes: number;
  /** wastedBytes / userSizeBytes, 0 when nothing was added above the first layer. */
  wastedUserPercent: number;
  /** Paths stored more than once, largest cumulative first. */
  inefficiencies: InefficientPath[];
}

/** Entries of one layer that have no children in that layer: files, links, empty dirs, whiteouts. */
function leaves(entries: LayerEntry[]): LayerEntry[] {
  const parents = new Set<string>();
  for (const e of entries) {
    const cut = e.path.lastIndexOf("/");
    if (cut > 0) parents.add(e.path.slice(0, cut));
  }
  return entries.filter((e) => e.type !== "opaque" && !(e.type === "dir" && parents.has(e.path)));
}

/**
 * The efficiency figures dive computes (dive/filetree/efficiency.go): a whiteout of a directory
 * costs the bytes it hides, a whiteout of a file costs nothing, and a path counts once per
 * layer it appears in. dive's wasted bytes count every copy, even the one the image shows, so
 * reclaimable bytes are given beside them: what the layers store that the final image hides.
 */
export function imageEfficiency(layers: LayerEntry[][]): Efficiency {
  const byPath = new Map<string, InefficientPath>();
  let sizeBytes = 0;
  let userSizeBytes = 0;
  layers.forEach((entries, index) => {
    const layerBytes = entries.reduce((sum, e) => sum + e.size, 0);
    sizeBytes += layerBytes;
    if (index > 0) userSizeBytes += layerBytes;
    let below: Map<string, LayerEntry> | null = null;
    for (const e of leaves(entries)) {
      let size = e.size;
      if (e.type === "whiteout") {
        below ??= mergeLayers(layers.slice(0, index));
        const prefix = `${e.path}/`;
        size = below.get(e.path)?.type === "dir" ? [...below.values()].filter((b) => b.path.startsWith(prefix)).reduce((s, b) => s + b.size, 0) : 0;
      }
      const seen = byPath.get(e.path);
      if (seen) {
        seen.count++;
        seen.cumulative += size;
        seen.min = Math.min(seen.min, size);
      } else byPath.set(e.path, { path: e.path, count: 1, cumulative: size, min: size });
    }
  });
  let minSum = 0;
  let cumulativeSum = 0;
  let wastedBytes = 0;
  const inefficiencies: InefficientPath[] = [];
  for (const p of byPath.values()) {
    minSum += p.min;
    cumulativeSum += p.cumulative;
    if (p.count < 2) continue;
    inefficiencies.push(p);
    wastedBytes += p.cumulative;
  }
  inefficiencies.sort((a, b) => b.cumulative - a.cumulative || (a.path < b.path ? -1 : 1));
  return {
    score: cumulativeSum === 0 ? 1 : minSum / cumulativeSum,
    wastedBytes,
    reclaimableBytes: sizeBytes - [...mergeLayers(layers).values()].reduce((sum, e) => sum + e.size, 0),
    sizeBytes,
    userSizeBytes,
    wastedUserPercent: userSizeBytes === 0 ? 0 : wastedBytes / userSizeBytes,
    inefficiencies,
  };
}
