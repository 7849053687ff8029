import { dockerConfigCredentials, layerlabHome, parseImageReference, pullImage, pushImage, readRegistrySettings, StoreError, type ImageStore } from "@layerlab/core/node";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { errorBody, sendError } from "./http-errors.js";

const RefBody = z.object({ ref: z.string().min(1).max(512) });

/**
 * A long operation whose progress streams as NDJSON lines: `progress` lines, then one `done`
 * or `error` line. Request errors found before it starts are ordinary JSON errors.
 */
async function streamed(req: Request, res: Response, run: (ref: string, progress: (p: object) => void) => Promise<object>): Promise<void> {
  const parsed = RefBody.safeParse(req.body);
  if (!parsed.success) return sendError(res, parsed.error);
  if (parseImageReference(parsed.data.ref) === null) return sendError(res, new StoreError("invalid-reference", `invalid reference format: "${parsed.data.ref}"`));
  res.setHeader("Content-Type", "application/x-ndjson");
  res.setHeader("Cache-Control", "no-store");
  const line = (value: object) => res.write(`${JSON.stringify(value)}\n`);
  try {
    line({ type: "done", ...(await run(parsed.data.ref, (p) => line({ type: "progress", ...p }))) });
  } catch (e) {
    line({ type: "error", error: errorBody(e).error });
  }
  res.end();
}

/** pull and push, with credentials from the Docker config and registry settings from $LAYERLAB_HOME. */
export function registryRoutes(store: ImageStore): Router {
  const r = Router();
  r.post("/pull", (req, res) =>
    streamed(req, res, async (ref, progress) => {
      const result = await pullImage(store, ref, { credentials: dockerConfigCredentials(), settings: await readRegistrySettings(layerlabHome()), onProgress: progress });
      return { ...result };
    }),
  );
  r.post("/push", (req, res) =>
    streamed(req, res, async (ref, progress) => pushImage(store, ref, { credentials: dockerConfigCredentials(), settings: await readRegistrySettings(layerlabHome()), onProgress: progress })),
  );
  return r;
}
