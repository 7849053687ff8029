import { ImageStore, layerlabHome } from "@layerlab/core/node";

/** The embedded store at $LAYERLAB_HOME (created on first use). */
export function openStore(): Promise<ImageStore> {
  return ImageStore.open(layerlabHome());
}
