import { existsSync } from "node:fs";
import express, { type Express } from "express";
import { requireToken } from "./security/access-token.js";
import { requireAllowedHost } from "./security/host-allowlist.js";
import { workspaceRoutes } from "./routes/workspace-routes.js";
import type { Workspace } from "./workspace/workspace.js";
import type { ContainerStore, ImageStore } from "@layerlab/core/node";
import { imageRoutes } from "./routes/image-routes.js";
import { buildRoutes } from "./routes/build-routes.js";
import { layerFileRoutes } from "./routes/layer-file-routes.js";
import { archiveRoutes } from "./routes/archive-routes.js";
import { registryRoutes } from "./routes/registry-routes.js";
import { systemRoutes } from "./routes/system-routes.js";
import { containerRoutes } from "./routes/container-routes.js";
import type { BuildHub } from "./builds/build-hub.js";

export interface AppOptions {
  token: string;
  hosts: Set<string>;
  workspace: Workspace;
  store: ImageStore;
  containers: ContainerStore;
  hub: BuildHub;
  /** Directory of the built web app; the API works without it. */
  webDist: string | null;
  /** Largest archive `load` and `import` accept. */
  maxUploadBytes: number;
}

/** The HTTP surface: host check, then token check, then the API and the web app. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requireAllowedHost(options.hosts));
  app.use(requireToken(options.token));
  app.use(express.json({ limit: "3mb" }));
  app.get("/api/health", (_req, res) => {
    res.json({ ok: true });
  });
  app.use("/api/workspace", workspaceRoutes(options.workspace));
  app.use("/api/images", imageRoutes(options.store, options.containers), layerFileRoutes(options.store));
  app.use("/api/containers", containerRoutes(options.containers));
  app.use("/api/archive", archiveRoutes(options.store, options.maxUploadBytes));
  app.use("/api/registry", registryRoutes(options.store));
  app.use("/api/system", systemRoutes(options.store, options.containers));
  app.use("/api/builds", buildRoutes(options.hub));
  app.use("/api", (_req, res) => {
    res.status(404).json({ error: { code: "not-found", message: "no such API route" } });
  });
  if (options.webDist !== null && existsSync(options.webDist)) {
    app.use(express.static(options.webDist, { index: "index.html" }));
    app.use((_req, res) => res.sendFile("index.html", { root: options.webDist! }));
  }
  return app;
}
