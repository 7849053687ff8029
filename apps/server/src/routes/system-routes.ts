import { diskUsage, fsck, type ContainerStore, type ImageStore } from "@layerlab/core/node";
import { Router } from "express";
import { handle } from "./http-errors.js";

/** What the store holds (`df`) and whether it is sound (`fsck`). */
export function systemRoutes(store: ImageStore, containers: ContainerStore): Router {
  const r = Router();
  r.get(
    "/df",
    handle(async () => {
      const used = await containers.imagesInUse();
      const records = await containers.list();
      const sizes = await Promise.all(records.map((c) => containers.changesSize(c.id)));
      return {
        ...(await diskUsage(store, async (id) => used.has(id))),
        containers: { total: records.length, running: records.filter((c) => c.state.status === "running").length, size: sizes.reduce((a, b) => a + b, 0), reclaimable: sizes.filter((_, i) => records[i]!.state.status !== "running").reduce((a, b) => a + b, 0) },
      };
    }),
  );
  r.get("/fsck", handle(() => fsck(store)));
  return r;
}
