import type { LayerEntry } from "../layer/layer-entry.js";
import { mergeLayers } from "../layer/merge-layers.js";

export interface PathChange {
  path: string;
  kind: "added" | "modified" | "deleted";
  type: LayerEntry["type"];
  /** Size in the second image (in the first for a deletion). */
  size: number;
  /** Size change from the first image to the second. */
  delta: number;
}

export interface ImageDiff {
  /** Layers both images start with, by diffID. */
  sharedLayers: number;
  changes: PathChange[];
  added: number;
  modified: number;
  deleted: number;
  /** Size of the second image's filesystem minus the first's. */
  sizeDelta: number;
}

function differs(a: LayerEntry, b: LayerEntry): boolean {
  return a.type !== b.type || a.contentDigest !== b.contentDigest || a.size !== b.size || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.linkname !== b.linkname;
}

/**
 * What changes in the filesystem from one image to another, path by path, like `docker diff`
 * between two images. Directories count as modified only when their own attributes change, not
 * when something inside them does; mtimes are ignored, as in build cache checksums.
 */
export function diffImages(from: { diffIds: string[]; layers: LayerEntry[][] }, to: { diffIds: string[]; layers: LayerEntry[][] }): ImageDiff {
  let sharedLayers = 0;
  while (sharedLayers < from.diffIds.length && from.diffIds[sharedLayers] === to.diffIds[sharedLayers]) sharedLayers++;
  const a = mergeLayers(from.layers);
  const b = mergeLayers(to.layers);
  const changes: PathChange[] = [];
  let sizeDelta = 0;
  for (const [path, e] of b) {
    const old = a.get(path);
    sizeDelta += e.size - (old?.size ?? 0);
    if (!old) changes.push({ path, kind: "added", type: e.type, size: e.size, delta: e.size });
    else if (differs(old, e)) changes.push({ path, kind: "modified", type: e.type, size: e.size, delta: e.size - old.size });
  }
  for (const [path, e] of a) {
    if (b.has(path)) continue;
    sizeDelta -= e.size;
    changes.push({ path, kind: "deleted", type: e.type, size: e.size, delta: -e.size });
  }
  changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const count = (k: PathChange["kind"]) => changes.filter((c) => c.kind === k).length;
  return { sharedLayers, changes, added: count("added"), modified: count("modified"), deleted: count("deleted"), sizeDelta };
}
