import { INDEX_TYPES, IndexSchema, ImageConfigSchema, ManifestSchema, parseJson, type Platform } from "../image/oci-schemas.js";
import { formatReference, parseImageReference } from "../image/reference.js";
import { parseTagName } from "../image/image-name.js";
import type { Digest } from "../store/digest.js";
import { hostPlatform, IMAGE_NAME, type ImageStore } from "../store/image-store.js";
import { indexLayerBlob } from "../store/layer-ingest.js";
import { StoreError } from "../store/store-error.js";
import type { CredentialLookup } from "./credentials.js";
import { endpointFor, RegistryClient, RegistryError } from "./registry-client.js";
import type { RegistrySettings } from "./registry-settings.js";

export type PullProgress =
  | { kind: "resolved"; source: string; digest: Digest }
  | { kind: "up-to-date"; digest: Digest }
  | { kind: "blob"; digest: Digest; current: number; total: number; cached: boolean };

export interface PullOptions {
  credentials: CredentialLookup;
  settings: RegistrySettings;
  platform?: Platform;
  onProgress?: (p: PullProgress) => void;
  fetchImpl?: typeof fetch;
}

export interface PullResult {
  id: Digest;
  /** Digest the reference resolved to (the index for a multi-platform image). */
  digest: Digest;
  downloaded: number;
  upToDate: boolean;
  source: string;
}

function sources(domain: string, settings: RegistrySettings): { host: string; baseUrl?: string }[] {
  const hub = domain === "docker.io";
  const mirrors = hub ? settings["registry-mirrors"].map((m) => ({ host: new URL(m).host, baseUrl: m.replace(/\/+$/, "") })) : [];
  return [...mirrors, { host: domain }];
}

/**
 * `pull`: resolves the reference (through mirrors first for Docker Hub), picks the platform
 * from an index, verifies every blob against its digest and each layer against the config's
 * diffID, skips blobs already stored, and moves the tag. Pulling a tag whose remote digest
 * equals the local one downloads nothing.
 */
export async function pullImage(store: ImageStore, refText: string, options: PullOptions): Promise<PullResult> {
  const ref = parseImageReference(refText);
  if (ref === null) throw new StoreError("invalid-reference", `invalid reference format: "${refText}"`);
  const wanted = ref.digest ?? ref.tag ?? "latest";
  const tag = ref.digest === null ? parseTagName(formatReference(ref)) : null;
  const errors: string[] = [];
  for (const source of sources(ref.domain, options.settings)) {
    const endpoint = source.baseUrl ? { host: source.host, baseUrl: source.baseUrl } : endpointFor(source.host, options.settings["insecure-registries"]);
    const client = new RegistryClient(endpoint, options.credentials, options.fetchImpl);
    try {
      return await pullFrom(store, client, ref.path, wanted, tag, source.host, options);
    } catch (e) {
      if (e instanceof RegistryError) errors.push(`${endpoint.baseUrl}: ${e.message}`);
      // fetch rejects with a TypeError when the registry cannot be reached at all.
      else if (e instanceof TypeError) errors.push(`${endpoint.baseUrl}: unreachable (${(e.cause as Error | undefined)?.message ?? e.message})`);
      else throw e;
    }
  }
  throw new StoreError("not-found", `pull ${refText} failed: ${errors.join("; ")}`);
}

async function pullFrom(store: ImageStore, client: RegistryClient, repo: string, wanted: string, tag: ReturnType<typeof parseTagName>, sourceHost: string, options: PullOptions): Promise<PullResult> {
  const platform = options.platform ?? hostPlatform();
  const source = `${sourceHost}/${repo}`;
  if (tag !== null) {
    const remote = await client.headManifest(repo, wanted).catch(() => null);
    const local = (await store.readIndex()).manifests.find((d) => d.annotations?.[IMAGE_NAME] === tag.canonical);
    if (remote !== null && local?.digest === remote) {
      options.onProgress?.({ kind: "up-to-date", digest: remote });
      const image = await store.resolve(tag.canonical);
      return { id: image.id, digest: remote, downloaded: 0, upToDate: true, source };
    }
  }
  const lease = await store.lease([]);
  try {
    let downloaded = 0;
    const top = await client.getManifest(repo, wanted);
    options.onProgress?.({ kind: "resolved", source, digest: top.digest });
    let manifestBytes = top.bytes;
    let manifestDigest = top.digest;
    if (INDEX_TYPES.includes(top.mediaType)) {
      const index = parseJson(IndexSchema, top.bytes, `index ${top.digest}`);
      const match = index.manifests.find((m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture && (platform.variant === undefined || m.platform.variant === platform.variant));
      if (!match) {
        throw new RegistryError(404, "PLATFORM_UNKNOWN", `${source}:${wanted} has no ${platform.os}/${platform.architecture} image (it has ${index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).join(", ")})`);
      }
      const inner = await client.getManifest(repo, match.digest);
      manifestBytes = inner.bytes;
      manifestDigest = inner.digest;
    }
    const manifest = parseJson(ManifestSchema, manifestBytes, `manifest ${manifestDigest}`);
    const fetchBlob = async (digest: Digest, size: number) => {
      if (await store.blobs.has(digest)) {
        options.onProgress?.({ kind: "blob", digest, current: size, total: size, cached: true });
        await lease.add([digest]);
        return;
      }
      let current = 0;
      const counted = async function* () {
        for await (const chunk of client.blob(repo, digest, size)) {
          current += chunk.length;
          options.onProgress?.({ kind: "blob", digest, current, total: size, cached: false });
          yield chunk;
        }
      };
      await store.blobs.ingest(counted(), { digest, size });
      await lease.add([digest]);
      downloaded += size;
    };
    await fetchBlob(manifest.config.digest as Digest, manifest.config.size);
    const config = parseJson(ImageConfigSchema, await store.blobs.readBytes(manifest.config.digest as Digest), `config ${manifest.config.digest}`);
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new RegistryError(400, "MANIFEST_INVALID", `${source}: manifest has ${manifest.layers.length} layers but its config lists ${config.rootfs.diff_ids.length}`);
    }
    for (const [i, layer] of manifest.layers.entries()) {
      await fetchBlob(layer.digest as Digest, layer.size);
      await indexLayerBlob(store, layer.digest as Digest, layer.mediaType, config.rootfs.diff_ids[i] as Digest);
    }
    await store.blobs.putBytes(manifestBytes, { digest: manifestDigest });
    if (manifestDigest !== top.digest) await store.blobs.putBytes(top.bytes, { digest: top.digest });
    await lease.add([manifestDigest, top.digest]);
    await store.addImage(top.digest, top.mediaType, top.bytes.length, tag ? [tag] : [], undefined, { "dev.layerlab.source": source });
    return { id: manifest.config.digest as Digest, digest: top.digest, downloaded, upToDate: false, source };
  } finally {
    await lease.release();
  }
}
