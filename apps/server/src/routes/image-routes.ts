import { diffImages, imageEfficiency, imageHistory, imageSize, layerRecords, type ContainerStore, type ImageStore, type StoredImage } from "@layerlab/core/node";
import { Router } from "express";
import { z } from "zod";
import { handle } from "./http-errors.js";

const TagBody = z.object({ tag: z.string().min(1).max(512) });
const RemoveQuery = z.object({ force: z.enum(["true", "false"]).default("false") });
const PruneBody = z.object({ all: z.boolean().default(false) });
const LimitQuery = z.object({ limit: z.coerce.number().int().positive().max(10_000).default(200) });
const DiffQuery = LimitQuery.extend({ to: z.string().min(1).max(512) });

async function layersOf(store: ImageStore, image: StoredImage) {
  return { diffIds: image.config.rootfs.diff_ids, layers: (await layerRecords(store, image)).map((r) => r?.entries ?? []) };
}

/** Images: list, detail, tag, remove, prune, efficiency and the diff of two images. */
export function imageRoutes(store: ImageStore, containers: ContainerStore): Router {
  const r = Router();
  r.get(
    "/",
    handle(async () => ({
      images: await Promise.all((await store.images()).map(async (i) => ({ id: i.id, tags: i.tags.map((t) => t.familiar), created: i.config.created ?? null, size: await imageSize(store, i) }))),
    })),
  );
  r.post(
    "/prune",
    handle(async (req) => {
      const { all } = PruneBody.parse(req.body ?? {});
      const used = await containers.imagesInUse();
      return store.prune({ all, keep: async (id) => used.has(id) });
    }),
  );
  r.get(
    "/:ref",
    handle(async (req) => {
      const image = await store.resolve(req.params.ref!);
      const records = await layerRecords(store, image);
      const layerHistory = (image.config.history ?? []).filter((h) => !h.empty_layer);
      return {
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
      };
    }),
  );
  r.post(
    "/:ref/tag",
    handle(async (req) => {
      const { tag } = TagBody.parse(req.body);
      return { tag: (await store.tag(req.params.ref!, tag)).familiar };
    }),
  );
  r.delete(
    "/:ref",
    handle(async (req) => {
      const { force } = RemoveQuery.parse(req.query);
      return store.remove(req.params.ref!, { force: force === "true", inUse: (id) => containers.userOf(id) });
    }),
  );
  r.get(
    "/:ref/efficiency",
    handle(async (req) => {
      const { limit } = LimitQuery.parse(req.query);
      const e = imageEfficiency((await layersOf(store, await store.resolve(req.params.ref!))).layers);
      return { ...e, inefficiencies: e.inefficiencies.slice(0, limit), inefficientPaths: e.inefficiencies.length };
    }),
  );
  r.get(
    "/:ref/diff",
    handle(async (req) => {
      const { to, limit } = DiffQuery.parse(req.query);
      const [a, b] = await Promise.all([store.resolve(req.params.ref!), store.resolve(to)]);
      const d = diffImages(await layersOf(store, a), await layersOf(store, b));
      return { from: a.id, to: b.id, ...d, changes: d.changes.slice(0, limit), totalChanges: d.changes.length };
    }),
  );
  return r;
}
