import { Router } from "express";
import type { BuildHub } from "../builds/build-hub.js";

/** Build history with settings and outcome, and one build's full event log. */
export function buildRoutes(hub: BuildHub): Router {
  const r = Router();
  r.get("/", async (_req, res) => {
    res.json({ builds: await hub.history() });
  });
  r.get("/:id/events", async (req, res) => {
    const events = await hub.events(req.params.id);
    if (events === null) res.status(404).json({ error: { code: "not-found", message: `no build ${req.params.id}` } });
    else res.json({ events });
  });
  return r;
}
