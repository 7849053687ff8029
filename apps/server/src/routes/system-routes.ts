import { diskUsage, fsck, type ImageStore } from "@layerlab/core/node";
import { Router } from "express";
import { handle } from "./http-errors.js";

/** What the store holds (`df`) and whether it is sound (`fsck`). */
export function systemRoutes(store: ImageStore): Router {
  const r = Router();
  r.get("/df", handle(() => diskUsage(store)));
  r.get("/fsck", handle(() => fsck(store)));
  return r;
}
