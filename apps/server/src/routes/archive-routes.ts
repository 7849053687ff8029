import { exportRootfs, importRootfs, loadArchive, parseTagName, saveImages, StoreError, type ImageStore } from "@layerlab/core/node";
import { Router, type Response } from "express";
import type { Readable } from "node:stream";
import { z } from "zod";
import { handle, sendError } from "./http-errors.js";
import { uploadBody } from "./upload-body.js";

const many = (max: number) => z.union([z.string().min(1).max(max), z.array(z.string().min(1).max(max)).max(100)]).transform((v) => (Array.isArray(v) ? v : [v]));
const SaveQuery = z.object({ ref: many(512), format: z.enum(["docker", "oci"]).default("docker") });
const ExportQuery = z.object({ ref: z.string().min(1).max(512) });
const ImportQuery = z.object({ tag: many(512).optional(), change: many(4096).optional(), message: z.string().max(4096).optional() });

/** Sends a tar as a download; an error before the first byte is a JSON error, after it a cut connection. */
async function download(res: Response, name: string, make: () => Promise<Readable>): Promise<void> {
  let tar: Readable;
  try {
    tar = await make();
  } catch (e) {
    sendError(res, e);
    return;
  }
  res.setHeader("Content-Type", "application/x-tar");
  res.setHeader("Content-Disposition", `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}.tar"`);
  tar.on("error", (e) => {
    console.error(e);
    res.destroy();
  });
  tar.pipe(res);
}

/** save (download), load (streamed upload), import of a root filesystem tar and export of an image's. */
export function archiveRoutes(store: ImageStore, maxUploadBytes: number): Router {
  const r = Router();
  r.get("/save", async (req, res) => {
    const parsed = SaveQuery.safeParse(req.query);
    if (!parsed.success) return sendError(res, parsed.error);
    await download(res, parsed.data.ref.join("_"), () => saveImages(store, parsed.data.ref, parsed.data.format));
  });
  r.get("/export", async (req, res) => {
    const parsed = ExportQuery.safeParse(req.query);
    if (!parsed.success) return sendError(res, parsed.error);
    await download(res, `${parsed.data.ref}-rootfs`, () => exportRootfs(store, parsed.data.ref));
  });
  r.post(
    "/load",
    handle(async (req) => ({ loaded: await loadArchive(store, uploadBody(req, maxUploadBytes)) })),
  );
  r.post(
    "/import",
    handle(async (req) => {
      const q = ImportQuery.parse(req.query);
      const tags = (q.tag ?? []).map((t) => {
        const name = parseTagName(t);
        if (name === null) throw new StoreError("invalid-reference", `invalid reference format: "${t}"`);
        return name;
      });
      return importRootfs(store, uploadBody(req, maxUploadBytes), { tags, changes: q.change ?? [], ...(q.message !== undefined ? { message: q.message } : {}), source: "upload" });
    }),
  );
  return r;
}
