import {
  commitContainer,
  containerChanges,
  containerLogs,
  createContainer,
  describeStatus,
  exportContainer,
  killContainer,
  parseTags,
  pruneContainers,
  removeContainer,
  startContainer,
  stopContainer,
  type ContainerProcess,
  type ContainerRecord,
  type ContainerStore,
} from "@layerlab/core/node";
import { Router } from "express";
import { z } from "zod";
import { handle, sendError } from "./http-errors.js";

const CreateBody = z.object({
  image: z.string().min(1).max(512),
  name: z.string().max(128).optional(),
  cmd: z.array(z.string().max(8192)).max(256).optional(),
  entrypoint: z.string().max(4096).optional(),
  env: z.array(z.string().max(8192)).max(256).optional(),
  workdir: z.string().max(4096).optional(),
  user: z.string().max(256).optional(),
  tty: z.boolean().default(true),
  network: z.enum(["host", "none"]).default("host"),
  start: z.boolean().default(true),
});
const StopBody = z.object({ timeout: z.number().int().min(0).max(600).default(10) });
const KillBody = z.object({ signal: z.string().max(16).default("KILL") });
const RemoveQuery = z.object({ force: z.enum(["true", "false"]).default("false") });
const CommitBody = z.object({ tag: z.string().max(512).optional(), message: z.string().max(4096).optional(), author: z.string().max(512).optional(), changes: z.array(z.string().max(4096)).max(64).default([]) });

function view(r: ContainerRecord) {
  return { id: r.id, name: r.name, image: r.image, imageRef: r.imageRef, command: r.config.argv, created: r.created, state: r.state, status: describeStatus(r), tty: r.config.tty };
}

/**
 * Containers the server runs. They are children of the server process and die with it; a
 * container started here keeps running after its creator's page is closed, and its output goes
 * to its log. The terminal is a WebSocket (/api/terminal).
 */
export function containerRoutes(containers: ContainerStore): Router {
  const running = new Map<string, ContainerProcess>();
  const start = async (id: string) => {
    const p = await startContainer(containers, id, { size: { rows: 24, cols: 80 } });
    running.set(id, p);
    void p.exited.finally(() => running.delete(id));
  };
  const r = Router();
  r.get("/", handle(async () => ({ containers: (await containers.list()).map(view) })));
  r.post(
    "/",
    handle(async (req) => {
      const b = CreateBody.parse(req.body);
      const record = await createContainer(containers, b.image, {
        ...(b.name ? { name: b.name } : {}),
        ...(b.entrypoint !== undefined ? { entrypoint: b.entrypoint } : {}),
        ...(b.workdir !== undefined ? { workdir: b.workdir } : {}),
        ...(b.user !== undefined ? { user: b.user } : {}),
        args: b.cmd ?? [],
        env: b.env ?? [],
        tty: b.tty,
        interactive: b.tty,
        network: b.network,
      });
      if (b.start) await start(record.id);
      return view(await containers.get(record.id));
    }),
  );
  r.post("/prune", handle(() => pruneContainers(containers)));
  r.get("/:ref", handle(async (req) => view(await containers.get(req.params.ref!))));
  r.post(
    "/:ref/start",
    handle(async (req) => {
      const c = await containers.get(req.params.ref!);
      await start(c.id);
      return view(await containers.get(c.id));
    }),
  );
  r.post(
    "/:ref/stop",
    handle(async (req) => {
      const { timeout } = StopBody.parse(req.body ?? {});
      return view(await stopContainer(containers, req.params.ref!, timeout));
    }),
  );
  r.post(
    "/:ref/kill",
    handle(async (req) => {
      const { signal } = KillBody.parse(req.body ?? {});
      return view(await killContainer(containers, req.params.ref!, signal.toUpperCase()));
    }),
  );
  r.delete(
    "/:ref",
    handle(async (req) => {
      const { force } = RemoveQuery.parse(req.query);
      return { removed: await removeContainer(containers, req.params.ref!, force === "true") };
    }),
  );
  r.get("/:ref/diff", handle(async (req) => ({ changes: await containerChanges(containers, req.params.ref!) })));
  r.get("/:ref/logs", handle(async (req) => ({ logs: await containerLogs(containers, req.params.ref!) })));
  r.post(
    "/:ref/commit",
    handle(async (req) => {
      const b = CommitBody.parse(req.body ?? {});
      const result = await commitContainer(containers, req.params.ref!, {
        tags: parseTags(b.tag ? [b.tag] : []),
        changes: b.changes,
        ...(b.message ? { message: b.message } : {}),
        ...(b.author ? { author: b.author } : {}),
      });
      return { id: result.id, tag: b.tag ?? null };
    }),
  );
  r.get("/:ref/export", async (req, res) => {
    try {
      const c = await containers.get(req.params.ref);
      const tar = await exportContainer(containers, c.id);
      res.setHeader("Content-Type", "application/x-tar");
      res.setHeader("Content-Disposition", `attachment; filename="${c.name}.tar"`);
      tar.on("error", () => res.destroy());
      tar.pipe(res);
    } catch (e) {
      sendError(res, e);
    }
  });
  return r;
}
