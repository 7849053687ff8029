import { imageSize, StoreError, type ImageStore } from "@layerlab/core/node";
import { Router } from "express";

/** Images in the embedded store (the full image API comes with the layer explorer). */
export function imageRoutes(store: ImageStore): Router {
  const r = Router();
  r.get("/", async (_req, res) => {
    try {
      const images = await store.images();
      res.json({
        images: await Promise.all(
          images.map(async (i) => ({ id: i.id, tags: i.tags.map((t) => t.familiar), created: i.config.created ?? null, size: await imageSize(store, i) })),
        ),
      });
    } catch (e) {
      if (e instanceof StoreError) res.status(500).json({ error: { code: e.code, message: e.message } });
      else res.status(500).json({ error: { code: "internal", message: "internal error; see the server log" } });
    }
  });
  return r;
}
