import type { Digest } from "./digest.js";
import { layerRecords } from "./image-facts.js";
import type { ImageStore, StoredImage } from "./image-store.js";
import { StoreError } from "./store-error.js";
import { mergeLayers } from "../layer/merge-layers.js";
import { readLayerFile, type FileContent } from "../layer/read-layer-file.js";

/**
 * A file of an image as seen at layer `index`: in the "layer" view only if that layer wrote it,
 * in the "merged" view from whichever layer last wrote it at or below `index`.
 */
export async function imageFile(store: ImageStore, image: StoredImage, index: number, path: string, view: "layer" | "merged", maxBytes: number): Promise<FileContent & { layer: number }> {
  const records = await layerRecords(store, image);
  if (!Number.isInteger(index) || index < 0 || index >= records.length) throw new StoreError("not-found", `image has no layer ${index} (it has ${records.length})`);
  const clean = path.replace(/^\/+|\/+$/g, "");
  const layers = records.slice(0, index + 1).map((r) => r?.entries ?? []);
  const own = layers[index]!.find((e) => e.path === clean && e.type !== "whiteout" && e.type !== "opaque");
  const found = view === "layer" ? (own ? { ...own, layer: index } : undefined) : mergeLayers(layers).get(clean);
  if (found === undefined) throw new StoreError("not-found", `"/${clean}" is not in ${view === "layer" ? `layer ${index}` : `the image at layer ${index}`}`);
  // A hardlink's content is its target's, an earlier entry of the same layer.
  const stored = found.type === "hardlink" && found.linkname !== undefined ? found.linkname : clean;
  const content = await readLayerFile(store.blobs, image.manifest.layers[found.layer]!.digest as Digest, stored, maxBytes);
  return { ...content, layer: found.layer };
}
