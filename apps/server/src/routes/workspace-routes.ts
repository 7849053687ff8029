import { Router, type Request, type Response } from "express";
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

/** Runs a handler and turns what it throws into the right status and a message (never a stack). */
const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      res.json(await fn(req, res));
    } catch (e) {
      sendError(res, e);
    }
  };

export function workspaceRoutes(workspace: Workspace): Router {
  const r = Router();
  r.get("/files", handle(async () => ({ root: "workspace", entries: await workspace.list() })));
  r.get(
    "/file",
    handle(async (req) => {
      const { path } = PathQuery.parse(req.query);
      return { path, content: await workspace.read(path) };
    }),
  );
  r.put(
    "/file",
    handle(async (req) => {
      const { path, content } = WriteBody.parse(req.body);
      await workspace.write(path, content);
      return { path };
    }),
  );
  r.post(
    "/rename",
    handle(async (req) => {
      const { from, to } = RenameBody.parse(req.body);
      await workspace.rename(from, to);
      return { from, to };
    }),
  );
  r.delete(
    "/file",
    handle(async (req) => {
      const { path } = PathQuery.parse(req.query);
      await workspace.remove(path);
      return { path };
    }),
  );
  return r;
}
