import { Router } from "express";
import { z } from "zod";
import type { Workspace } from "../workspace/workspace.js";
import { handle } from "./http-errors.js";

const PathQuery = z.object({ path: z.string().min(1).max(4096) });
const WriteBody = z.object({ path: z.string().min(1).max(4096), content: z.string().max(2 * 1024 * 1024) });
const RenameBody = z.object({ from: z.string().min(1).max(4096), to: z.string().min(1).max(4096) });

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
