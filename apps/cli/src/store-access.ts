import { ContainerStore, ImageStore, layerlabHome } from "@layerlab/core/node";

/** The embedded store at $LAYERLAB_HOME (created on first use). */
export function openStore(): Promise<ImageStore> {
  return ImageStore.open(layerlabHome());
}

export async function openContainers(): Promise<ContainerStore> {
  return ContainerStore.open(await openStore());
}
