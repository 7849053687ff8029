import { Router, type Response } from "express";
import { z } from "zod";
import { Workspace, WorkspaceError } from "../workspace/workspace.js";

const STATUS: Record<WorkspaceError["code"], number> = {
  "invalid-path": 400,
  "outside-workspace": 403,
  "not-found": 404,
  "too-large": 413,
  exists: 409,
  "not-a-file": 400,
};

const PathQuery = z.object({ path: z.string().min(1).max(4096) });
const WriteBody = z.object({ path: z.string().min(1).max(4096), content: z.string().max(2 * 1024 * 1024) });
const RenameBody = z.object({ from: z.string().min(1).max(4096), to: z.string().min(1).max(4096) });

export function sendError(res: Response, e: unknown): void {
  if (e instanceof WorkspaceError) {
    res.status(STATUS[e.code]).json({ error: { code: e.code, message: e.message } });
    return;
  }
  if (e instanceof z.ZodError) {
    res.status(400).json({ error: { code: "invalid-request", message: e.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") } });
    return;
  }
  res.status(500).json({ error: { code: "internal", message: "internal error; see the server log" } });
  console.error(e);
}

export function workspaceRoutes(workspace: Workspace): Router {
  const r = Router();
  r.get("/files", async (_req, res) => {
    try {
      res.json({ root: "workspace", entries: await workspace.list() });
    } catch (e) {
      sendError(res, e);
    }
  });
  r.get("/file", async (req, res) => {
    try {
      const { path } = PathQuery.parse(req.query);
      res.json({ path, content: await workspace.read(path) });
    } catch (e) {
      sendError(res, e);
    }
  });
  r.put("/file", async (req, res) => {
    try {
      const { path, content } = WriteBody.parse(req.body);
      await workspace.write(path, content);
      res.json({ path });
    } catch (e) {
      sendError(res, e);
    }
  });
  r.post("/rename", async (req, res) => {
    try {
      const { from, to } = RenameBody.parse(req.body);
      await workspace.rename(from, to);
      res.json({ from, to });
    } catch (e) {
      sendError(res, e);
    }
  });
  r.delete("/file", async (req, res) => {
    try {
      const { path } = PathQuery.parse(req.query);
      await workspace.remove(path);
      res.json({ path });
    } catch (e) {
      sendError(res, e);
    }
  });
  return r;
}
