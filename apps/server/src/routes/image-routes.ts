import { imageHistory, imageSize, mergeLayers, StoreError, type ImageStore, type LayerEntry, type StoredImage } from "@layerlab/core/node";
import { Router, type Response } from "express";
import { z } from "zod";

const FilesQuery = z.object({
  dir: z.string().max(4096).default(""),
  view: z.enum(["layer", "merged"]).default("layer"),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().positive().max(5000).default(500),
});

function fail(res: Response, e: unknown): void {
  if (e instanceof StoreError) res.status(e.code === "not-found" ? 404 : 400).json({ error: { code: e.code, message: e.message } });
  else if (e instanceof z.ZodError) res.status(400).json({ error: { code: "invalid-request", message: e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } });
  else {
    res.status(500).json({ error: { code: "internal", message: "internal error; see the server log" } });
    console.error(e);
  }
}

async function layerEntries(store: ImageStore, image: StoredImage): Promise<LayerEntry[][]> {
  return Promise.all(image.config.rootfs.diff_ids.map(async (d) => (await store.layerRecord(d as `sha256:${string}`))?.entries ?? []));
}

/** Images, their layers, and each layer's files by directory (from the stored file indexes). */
export function imageRoutes(store: ImageStore): Router {
  const r = Router();
  r.get("/", async (_req, res) => {
    try {
      const images = await store.images();
      res.json({
        images: await Promise.all(images.map(async (i) => ({ id: i.id, tags: i.tags.map((t) => t.familiar), created: i.config.created ?? null, size: await imageSize(store, i) }))),
      });
    } catch (e) {
      fail(res, e);
    }
  });
  r.get("/:ref", async (req, res) => {
    try {
      const image = await store.resolve(req.params.ref);
      const records = await Promise.all(image.config.rootfs.diff_ids.map((d) => store.layerRecord(d as `sha256:${string}`)));
      const layerHistory = (image.config.history ?? []).filter((h) => !h.empty_layer);
      res.json({
        id: image.id,
        tags: image.tags.map((t) => t.familiar),
        manifestDigest: image.manifestDigest,
        manifest: image.manifest,
        config: image.config,
        history: await imageHistory(store, image),
        layers: image.manifest.layers.map((l, i) => ({
          index: i,
          digest: l.digest,
          diffId: image.config.rootfs.diff_ids[i],
          size: records[i]?.size ?? null,
          compressedSize: l.size,
          createdBy: layerHistory[i]?.created_by ?? null,
          entries: records[i]?.entries.length ?? null,
        })),
      });
    } catch (e) {
      fail(res, e);
    }
  });
  r.get("/:ref/layers/:index/files", async (req, res) => {
    try {
      const q = FilesQuery.parse(req.query);
      const image = await store.resolve(req.params.ref);
      const index = Number(req.params.index);
      const layers = await layerEntries(store, image);
      if (!Number.isInteger(index) || index < 0 || index >= layers.length) throw new StoreError("not-found", `image has no layer ${req.params.index} (it has ${layers.length})`);
      const dir = q.dir.replace(/^\/+|\/+$/g, "");
      const below = mergeLayers(layers.slice(0, index));
      const view = q.view === "merged" ? [...mergeLayers(layers.slice(0, index + 1)).values()] : layers[index]!;
      const own = new Set(layers[index]!.map((e) => e.path));
      const inDir = view.filter((e) => {
        const parent = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : "";
        return parent === dir && e.type !== "opaque";
      });
      inDir.sort((a, b) => (a.path < b.path ? -1 : 1));
      const change = (e: LayerEntry) => (e.type === "whiteout" ? "deleted" : !own.has(e.path) ? "unchanged" : below.has(e.path) ? "modified" : "added");
      res.json({
        dir,
        total: inDir.length,
        entries: inDir.slice(q.offset, q.offset + q.limit).map((e) => ({
          name: e.path.slice(dir === "" ? 0 : dir.length + 1),
          path: e.path,
          type: e.type === "whiteout" ? (below.get(e.path)?.type ?? "file") : e.type,
          size: e.size,
          mode: e.mode,
          uid: e.uid,
          gid: e.gid,
          linkname: e.linkname ?? null,
          change: change(e),
        })),
      });
    } catch (e) {
      fail(res, e);
    }
  });
  return r;
}
