import { RegistryError, StoreError } from "@layerlab/core/node";
import type { Request, Response } from "express";
import { z } from "zod";
import { WorkspaceError } from "../workspace/workspace.js";

const WORKSPACE_STATUS: Record<WorkspaceError["code"], number> = {
  "invalid-path": 400,
  "outside-workspace": 403,
  "not-found": 404,
  "too-large": 413,
  exists: 409,
  "not-a-file": 400,
};

const STORE_STATUS: Record<StoreError["code"], number> = {
  "not-found": 404,
  "digest-mismatch": 422,
  "size-mismatch": 422,
  "too-large": 413,
  "invalid-reference": 400,
  "invalid-archive": 400,
  "unsafe-entry": 400,
  "in-use": 409,
  conflict: 409,
  unsupported: 415,
  "not-a-file": 400,
  "no-platform": 404,
};

/** The status and body for an error: the error's own code and message, never a stack or a host path. */
export function errorBody(e: unknown): { status: number; error: { code: string; message: string } } {
  if (e instanceof WorkspaceError) return { status: WORKSPACE_STATUS[e.code], error: { code: e.code, message: e.message } };
  if (e instanceof StoreError) return { status: STORE_STATUS[e.code], error: { code: e.code, message: e.message } };
  if (e instanceof RegistryError) return { status: 502, error: { code: "registry", message: e.message } };
  if (e instanceof z.ZodError) return { status: 400, error: { code: "invalid-request", message: e.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") } };
  console.error(e);
  return { status: 500, error: { code: "internal", message: "internal error; see the server log" } };
}

export function sendError(res: Response, e: unknown): void {
  const { status, error } = errorBody(e);
  res.status(status).json({ error });
}

/** Runs a handler and sends what it returns as JSON, or what it throws as an error with the right status. */
export const handle =
  (fn: (req: Request<Record<string, string>>, res: Response) => Promise<unknown>) =>
  async (req: Request<Record<string, string>>, res: Response): Promise<void> => {
    try {
      res.json(await fn(req, res));
    } catch (e) {
      sendError(res, e);
    }
  };
