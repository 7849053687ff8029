import { StoreError } from "../store/store-error.js";
import { stopContainer } from "./container-runtime.js";
import type { ContainerStore } from "./container-store.js";

/** `rm`: a stopped container goes with its changes; a running one only with `force` (killed first). */
export async function removeContainer(c: ContainerStore, ref: string, force: boolean): Promise<string> {
  const r = await c.get(ref);
  if (r.state.status === "running") {
    if (!force) throw new StoreError("conflict", `cannot remove container ${r.name}: it is running; stop it first, or use --force`);
    await stopContainer(c, r.id, 0);
  }
  await c.remove(r.id);
  return r.id;
}

/** `container prune`: every stopped container, with the bytes their changes took. */
export async function pruneContainers(c: ContainerStore): Promise<{ deleted: string[]; reclaimed: number }> {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const r of await c.list()) {
    if (r.state.status === "running") continue;
    reclaimed += await c.changesSize(r.id);
    await c.remove(r.id);
    deleted.push(r.id);
  }
  return { deleted, reclaimed };
}
