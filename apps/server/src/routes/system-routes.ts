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
      return { ...(await diskUsage(store, async (id) => used.has(id))), containers: await containers.usage() };
    }),
  );
  r.get("/fsck", handle(() => fsck(store)));
  return r;
}
