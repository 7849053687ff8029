import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createGzip } from "node:zlib";
import { z } from "zod";
import { parseTagName, type TagName } from "../image/image-name.js";
import {
  ImageConfigSchema,
  IndexSchema,
  INDEX_TYPES,
  ManifestSchema,
  MEDIA,
  parseJson,
  type Descriptor,
  type Manifest,
} from "../image/oci-schemas.js";
import { DEFAULT_LIMITS, readUntrustedTar, type ByteSource, type TarLimits } from "../layer/untrusted-tar.js";
import type { Digest } from "../store/digest.js";
import { IMAGE_NAME, type ImageStore } from "../store/image-store.js";
import { indexLayerBlob } from "../store/layer-ingest.js";
import { StoreError } from "../store/store-error.js";

const DockerManifestSchema = z
  .array(
    z.object({
      Config: z.string().max(4096),
      RepoTags: z.array(z.string().max(512)).max(1000).nullish(),
      Layers: z.array(z.string().max(4096)).max(1000),
    }),
  )
  .max(1000);

export interface LoadedImage {
  id: Digest;
  tags: string[];
}

const invalid = (message: string) => new StoreError("invalid-archive", message);

/**
 * `load`: reads `docker save` archives (Docker 20.10's `<id>/layer.tar` layout and Docker 25's
 * OCI-based one), Layerlab's own, and plain OCI layouts. The archive is untrusted: it is read
 * with the same checks as a layer, every blob is verified, every layer's diffID is checked
 * against its config, and nothing is recorded until all of an image's parts are stored.
 */
export async function loadArchive(store: ImageStore, source: ByteSource, limits: TarLimits = DEFAULT_LIMITS): Promise<LoadedImage[]> {
  const spoolDir = await mkdtemp(join(store.tmpDir, "load-"));
  const lease = await store.lease([]);
  try {
    const archive = await readUntrustedTar(source, spoolDir, { ...limits, maxEntries: Math.min(limits.maxEntries, 100_000) });
    const files = new Map(archive.entries.filter((e) => e.type === "file").map((e) => [e.path, join(spoolDir, e.contentDigest!.slice(7))]));
    const read = async (path: string, what: string) => {
      const file = files.get(path.replace(/^\.?\/+/, ""));
      if (file === undefined) throw invalid(`the archive has no ${what} "${path}"`);
      return readFile(file);
    };
    if (files.has("manifest.json")) {
      const list = parseJsonOrThrow(DockerManifestSchema, await read("manifest.json", "file"), "manifest.json");
      const loaded: LoadedImage[] = [];
      for (const item of list) {
        const configBytes = await read(item.Config, "config");
        const config = parseJsonOrThrow(ImageConfigSchema, configBytes, item.Config);
        if (config.rootfs.diff_ids.length !== item.Layers.length) {
          throw invalid(`${item.Config} lists ${config.rootfs.diff_ids.length} layers but manifest.json gives ${item.Layers.length}`);
        }
        const layers: Descriptor[] = [];
        for (const [i, path] of item.Layers.entries()) {
          const file = files.get(path.replace(/^\.?\/+/, ""));
          if (file === undefined) throw invalid(`the archive has no layer "${path}"`);
          layers.push(await storeLayer(store, file, config.rootfs.diff_ids[i] as Digest, limits));
          await lease.add([layers[i]!.digest as Digest]);
        }
        const cfg = await store.blobs.putBytes(configBytes);
        await lease.add([cfg.digest]);
        const manifest: Manifest = {
          schemaVersion: 2,
          mediaType: MEDIA.ociManifest,
          config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size },
          layers,
        };
        const tags = tagNames(item.RepoTags ?? []);
        const man = await store.putJson(manifest);
        await store.addImage(man.digest, MEDIA.ociManifest, man.size, tags, { os: config.os, architecture: config.architecture });
        loaded.push({ id: cfg.digest, tags: tags.map((t) => t.familiar) });
      }
      return loaded;
    }
    if (files.has("index.json")) return await loadOciLayout(store, files, read, limits, lease.add);
    throw invalid("not an image archive: it has neither manifest.json (docker save) nor index.json (OCI layout)");
  } finally {
    await lease.release();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

function parseJsonOrThrow<T>(schema: z.ZodType<T>, bytes: Buffer, what: string): T {
  try {
    return parseJson(schema, bytes, what);
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

function tagNames(names: string[]): TagName[] {
  return names.map((n) => {
    const t = parseTagName(n);
    if (t === null) throw new StoreError("invalid-reference", `invalid reference format: "${n}" (repository names must be lowercase)`);
    return t;
  });
}

/** A layer from an archive: gzip blobs are kept byte for byte; plain tars are gzipped (same diffID). */
async function storeLayer(store: ImageStore, file: string, diffId: Digest, limits: TarLimits): Promise<Descriptor> {
  const head = Buffer.alloc(4);
  const fh = await open(file, "r");
  await fh.read(head, 0, 4, 0);
  await fh.close();
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const blob = gzipped ? await store.blobs.ingest(createReadStream(file)) : await store.blobs.ingest(createReadStream(file).pipe(createGzip()));
  const record = await indexLayerBlob(store, blob.digest, MEDIA.ociLayerGzip, diffId, limits);
  return { mediaType: MEDIA.ociLayerGzip, digest: blob.digest, size: record.compressedSize };
}

async function loadOciLayout(
  store: ImageStore,
  files: Map<string, string>,
  read: (path: string, what: string) => Promise<Buffer>,
  limits: TarLimits,
  protect: (d: Digest[]) => Promise<void>,
): Promise<LoadedImage[]> {
  const index = parseJsonOrThrow(IndexSchema, await read("index.json", "file"), "index.json");
  const blob = async (desc: Descriptor): Promise<Digest> => {
    const path = files.get(`blobs/sha256/${desc.digest.slice(7)}`);
    if (path === undefined) throw invalid(`the archive is missing blob ${desc.digest}`);
    const stored = await store.blobs.ingest(createReadStream(path), { digest: desc.digest as Digest, size: desc.size });
    await protect([stored.digest]);
    return stored.digest;
  };
  const loaded: LoadedImage[] = [];
  const byDigest = new Map<string, string[]>();
  for (const desc of index.manifests) {
    const name = desc.annotations?.[IMAGE_NAME];
    byDigest.set(desc.digest, [...(byDigest.get(desc.digest) ?? []), ...(name ? [name] : [])]);
  }
  for (const desc of index.manifests.filter((d, i, all) => all.findIndex((x) => x.digest === d.digest) === i)) {
    const manifests: Descriptor[] = [];
    if (INDEX_TYPES.includes(desc.mediaType)) {
      await blob(desc);
      const inner = parseJsonOrThrow(IndexSchema, await read(`blobs/sha256/${desc.digest.slice(7)}`, "blob"), `index ${desc.digest}`);
      manifests.push(...inner.manifests.filter((m) => files.has(`blobs/sha256/${m.digest.slice(7)}`)));
    } else manifests.push(desc);
    let id: Digest | null = null;
    for (const m of manifests) {
      const manifest = parseJsonOrThrow(ManifestSchema, await read(`blobs/sha256/${m.digest.slice(7)}`, "manifest"), `manifest ${m.digest}`);
      const configBytes = await read(`blobs/sha256/${manifest.config.digest.slice(7)}`, "config");
      const config = parseJsonOrThrow(ImageConfigSchema, configBytes, `config ${manifest.config.digest}`);
      for (const [i, layer] of manifest.layers.entries()) {
        const d = await blob(layer);
        await indexLayerBlob(store, d, layer.mediaType, (config.rootfs.diff_ids[i] ?? null) as Digest | null, limits);
      }
      id ??= await blob(manifest.config);
      await blob(m);
    }
    const tags = tagNames(byDigest.get(desc.digest) ?? []);
    await store.addImage(desc.digest as Digest, desc.mediaType, desc.size, tags, desc.platform);
    if (id !== null) loaded.push({ id, tags: tags.map((t) => t.familiar) });
  }
  return loaded;
}
