import { ContainerStore, ImageStore, layerlabHome, type Digest } from "@layerlab/core/node";

/** The embedded store at $LAYERLAB_HOME (created on first use). */
export function openStore(): Promise<ImageStore> {
  return ImageStore.open(layerlabHome());
}

export async function openContainers(): Promise<ContainerStore> {
  return ContainerStore.open(await openStore());
}

/** Who uses an image, for rmi's refusal ("container 1a2b3c4d5e6f"), or null. */
export function containerUsing(containers: ContainerStore): (id: Digest) => Promise<string | null> {
  return async (id) => {
    const user = (await containers.imagesInUse()).get(id);
    return user ? `container ${user.slice(0, 12)}` : null;
  };
}
