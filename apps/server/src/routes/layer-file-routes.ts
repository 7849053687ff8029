import { imageFile, layerRecords, mergeLayers, StoreError, type ImageStore, type LayerEntry } from "@layerlab/core/node";
import { Router } from "express";
import { z } from "zod";
import { handle } from "./http-errors.js";
import { hexDump, isText } from "./file-preview.js";

const View = z.enum(["layer", "merged"]).default("layer");
const FilesQuery = z.object({
  dir: z.string().max(4096).default(""),
  view: View,
  /** Only names containing this text (case-insensitive). */
  q: z.string().max(256).default(""),
  sort: z.enum(["name", "size"]).default("name"),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().positive().max(5000).default(500),
});
const ContentQuery = z.object({
  path: z.string().min(1).max(4096),
  view: View,
  max: z.coerce.number().int().positive().max(1024 * 1024).default(64 * 1024),
});
/** Hex takes four times the bytes of text on the wire, so it shows less. */
const MAX_HEX_BYTES = 16 * 1024;

/** A layer's files by directory (from the stored file index) and one file's content (from the layer blob). */
export function layerFileRoutes(store: ImageStore): Router {
  const r = Router();
  r.get(
    "/:ref/layers/:index/files",
    handle(async (req) => {
      const q = FilesQuery.parse(req.query);
      const image = await store.resolve(req.params.ref!);
      const index = Number(req.params.index);
      const layers = (await layerRecords(store, image)).map((rec) => rec?.entries ?? []);
      if (!Number.isInteger(index) || index < 0 || index >= layers.length) throw new StoreError("not-found", `image has no layer ${req.params.index} (it has ${layers.length})`);
      const dir = q.dir.replace(/^\/+|\/+$/g, "");
      const below = mergeLayers(layers.slice(0, index));
      const view = q.view === "merged" ? [...mergeLayers(layers.slice(0, index + 1)).values()] : layers[index]!;
      const own = new Set(layers[index]!.map((e) => e.path));
      // A directory's size is everything under it in this view, so sorting by size finds the heavy subtrees.
      const subtree = new Map<string, number>();
      for (const e of view) {
        if (e.type !== "file") continue;
        for (let cut = e.path.lastIndexOf("/"); cut > 0; cut = e.path.lastIndexOf("/", cut - 1)) {
          const d = e.path.slice(0, cut);
          subtree.set(d, (subtree.get(d) ?? 0) + e.size);
        }
      }
      const needle = q.q.toLowerCase();
      const inDir = view.filter((e) => {
        const parent = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : "";
        return parent === dir && e.type !== "opaque" && (needle === "" || e.path.slice(parent === "" ? 0 : parent.length + 1).toLowerCase().includes(needle));
      });
      const sizeOf = (e: LayerEntry) => (e.type === "dir" ? (subtree.get(e.path) ?? 0) : e.size);
      inDir.sort(q.sort === "size" ? (a, b) => sizeOf(b) - sizeOf(a) || (a.path < b.path ? -1 : 1) : (a, b) => (a.path < b.path ? -1 : 1));
      const change = (e: LayerEntry) => (e.type === "whiteout" ? "deleted" : !own.has(e.path) ? "unchanged" : below.has(e.path) ? "modified" : "added");
      return {
        dir,
        total: inDir.length,
        entries: inDir.slice(q.offset, q.offset + q.limit).map((e) => ({
          name: e.path.slice(dir === "" ? 0 : dir.length + 1),
          path: e.path,
          type: e.type === "whiteout" ? (below.get(e.path)?.type ?? "file") : e.type,
          size: sizeOf(e),
          mode: e.mode,
          uid: e.uid,
          gid: e.gid,
          linkname: e.linkname ?? null,
          change: change(e),
        })),
      };
    }),
  );
  r.get(
    "/:ref/layers/:index/content",
    handle(async (req) => {
      const q = ContentQuery.parse(req.query);
      const image = await store.resolve(req.params.ref!);
      const file = await imageFile(store, image, Number(req.params.index), q.path, q.view, q.max);
      const text = isText(file.head);
      const shown = text ? file.head : file.head.subarray(0, MAX_HEX_BYTES);
      return {
        path: q.path.replace(/^\/+/, ""),
        layer: file.layer,
        size: file.size,
        encoding: text ? "text" : "hex",
        truncated: file.truncated || shown.length < file.head.length,
        shownBytes: shown.length,
        content: text ? shown.toString("utf8") : hexDump(shown),
      };
    }),
  );
  return r;
}
