/** Node entry: everything in the browser entry plus the parts that touch disks, processes and networks. */
export * from "./index.js";
export { layerlabHome } from "./store/layerlab-home.js";
export { ImageStore, hostPlatform, type LayerRecord, type StoredImage } from "./store/image-store.js";
export { StoreError } from "./store/store-error.js";
export { isDigest, sha256, chainId, type Digest } from "./store/digest.js";
export { diskUsage, imageHistory, imageSize, inspectImage, type DiskUsage, type HistoryRow } from "./store/image-facts.js";
export { fsck, type FsckReport } from "./store/fsck.js";
export { importRootfs } from "./archive/import-rootfs.js";
export { exportRootfs } from "./archive/export-rootfs.js";
export { saveImages, type ArchiveFormat } from "./archive/save-archive.js";
export { loadArchive } from "./archive/load-archive.js";
export { mergeLayers, type MergedEntry } from "./layer/merge-layers.js";
export type { LayerEntry } from "./layer/layer-entry.js";
export { pullImage, type PullProgress, type PullResult } from "./registry/pull.js";
export { pushImage, type PushProgress } from "./registry/push.js";
export { dockerConfigCredentials, type CredentialLookup, type Credentials } from "./registry/credentials.js";
export { readRegistrySettings, RegistrySettingsSchema, type RegistrySettings } from "./registry/registry-settings.js";
export { RegistryError } from "./registry/registry-client.js";
