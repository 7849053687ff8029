import { applyConfigChanges } from "../image/config-changes.js";
import type { TagName } from "../image/image-name.js";
import type { ImageConfig } from "../image/oci-schemas.js";
import type { ByteSource, TarLimits } from "../layer/untrusted-tar.js";
import type { Digest } from "../store/digest.js";
import { hostPlatform, type ImageStore } from "../store/image-store.js";
import { ingestLayerTar } from "../store/layer-ingest.js";
import { StoreError } from "../store/store-error.js";

export interface ImportOptions {
  tags: TagName[];
  /** `--change` instructions (CMD, ENV, ...). */
  changes?: string[];
  message?: string;
  limits?: TarLimits;
  /** Where the tar came from, for the history entry (`-` for stdin, a file name...). */
  source?: string;
}

/** `import`: a root filesystem tar becomes a one-layer image, like `docker import`. */
export async function importRootfs(store: ImageStore, tar: ByteSource, options: ImportOptions): Promise<{ id: Digest; manifestDigest: Digest }> {
  const changed = applyConfigChanges({}, options.changes ?? []);
  if (!changed.ok) throw new StoreError("invalid-reference", changed.message);
  const layer = await ingestLayerTar(store, tar, options.limits);
  const lease = await store.lease([layer.digest]);
  try {
    const created = new Date().toISOString();
    const platform = hostPlatform();
    const config: ImageConfig = {
      created,
      architecture: platform.architecture,
      os: platform.os,
      config: changed.config,
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
      history: [{ created, created_by: `layerlab import ${options.source ?? "-"}`, comment: options.message ?? "Imported from " + (options.source ?? "-") }],
    };
    return await store.commit(config, [{ digest: layer.digest, size: layer.compressedSize, mediaType: layer.mediaType }], options.tags);
  } finally {
    await lease.release();
  }
}
