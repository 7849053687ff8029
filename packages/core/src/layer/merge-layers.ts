import type { LayerEntry } from "./layer-entry.js";

/** An entry of the merged filesystem, with the index of the layer that put it there. */
export interface MergedEntry extends LayerEntry {
  layer: number;
}

function removeTree(view: Map<string, MergedEntry>, path: string, keepSelf: boolean): void {
  const prefix = path === "" ? "" : `${path}/`;
  for (const key of view.keys()) {
    if ((!keepSelf && key === path) || (prefix === "" ? key !== "" : key.startsWith(prefix))) view.delete(key);
  }
}

/**
 * The filesystem that results from applying layers in order, as OCI defines it: an opaque
 * marker hides everything below in its directory, a whiteout removes a path and its subtree,
 * a directory over a directory keeps the children, anything else replaces the path.
 */
export function mergeLayers(layers: LayerEntry[][]): Map<string, MergedEntry> {
  const view = new Map<string, MergedEntry>();
  layers.forEach((entries, layer) => {
    for (const e of entries) if (e.type === "opaque") removeTree(view, e.path, true);
    for (const e of entries) if (e.type === "whiteout") removeTree(view, e.path, false);
    for (const e of entries) {
      if (e.type === "opaque" || e.type === "whiteout") continue;
      const existing = view.get(e.path);
      if (existing && existing.type === "dir" && e.type !== "dir") removeTree(view, e.path, false);
      view.set(e.path, { ...e, layer });
    }
  });
  return view;
}
