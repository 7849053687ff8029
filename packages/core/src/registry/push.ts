import { createReadStream } from "node:fs";
import { parseImageReference } from "../image/reference.js";
import type { Digest } from "../store/digest.js";
import { IMAGE_NAME, type ImageStore } from "../store/image-store.js";
import { StoreError } from "../store/store-error.js";
import type { CredentialLookup } from "./credentials.js";
import { endpointFor, RegistryClient } from "./registry-client.js";
import type { RegistrySettings } from "./registry-settings.js";

export type PushProgress = { kind: "blob"; digest: Digest; size: number; result: "exists" | "mounted" | "uploaded" };

export interface PushOptions {
  credentials: CredentialLookup;
  settings: RegistrySettings;
  onProgress?: (p: PushProgress) => void;
  fetchImpl?: typeof fetch;
  chunkSize?: number;
}

/**
 * `push`: layers and config first (skipped when the registry has them, mounted from the
 * repository the image was pulled from when it is on the same registry), the manifest last,
 * byte for byte as stored so its digest does not change.
 */
export async function pushImage(store: ImageStore, refText: string, options: PushOptions): Promise<{ digest: Digest; size: number }> {
  const ref = parseImageReference(refText);
  if (ref === null || ref.digest !== null) throw new StoreError("invalid-reference", `invalid reference format: "${refText}" (push needs NAME[:TAG])`);
  const image = await store.resolve(refText);
  const client = new RegistryClient(endpointFor(ref.domain, options.settings["insecure-registries"]), options.credentials, options.fetchImpl);
  const desc = (await store.readIndex()).manifests.find((d) => d.digest === image.manifestDigest && d.annotations?.[IMAGE_NAME]);
  const from = desc?.annotations?.["dev.layerlab.source"];
  const mountFrom = from && from.startsWith(`${ref.domain}/`) && from !== `${ref.domain}/${ref.path}` ? from.slice(ref.domain.length + 1) : undefined;
  const blobs = [image.manifest.config, ...image.manifest.layers];
  for (const b of blobs) {
    const digest = b.digest as Digest;
    if (await client.hasBlob(ref.path, digest)) {
      options.onProgress?.({ kind: "blob", digest, size: b.size, result: "exists" });
      continue;
    }
    const path = store.blobs.path(digest);
    const result = await client.uploadBlob(ref.path, digest, b.size, (start, end) => createReadStream(path, { start, end }), mountFrom, options.chunkSize);
    options.onProgress?.({ kind: "blob", digest, size: b.size, result });
  }
  const bytes = await store.blobs.readBytes(image.manifestDigest);
  const mediaType = image.manifest.mediaType ?? "application/vnd.oci.image.manifest.v1+json";
  const digest = await client.putManifest(ref.path, ref.tag ?? "latest", bytes, mediaType);
  return { digest, size: bytes.length };
}
