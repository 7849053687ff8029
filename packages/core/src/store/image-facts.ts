import type { Digest } from "./digest.js";
import type { ImageStore, LayerRecord, StoredImage } from "./image-store.js";

/** Uncompressed sizes of an image's layers (from their file-index records). */
export async function layerRecords(store: ImageStore, image: StoredImage): Promise<(LayerRecord | null)[]> {
  return Promise.all(image.config.rootfs.diff_ids.map((d) => store.layerRecord(d as Digest)));
}

export async function imageSize(store: ImageStore, image: StoredImage): Promise<number> {
  return (await layerRecords(store, image)).reduce((sum, r) => sum + (r?.size ?? 0), 0);
}

export interface HistoryRow {
  /** The image ID on the newest row, null (`<missing>`) on the others, as `docker history` shows. */
  id: Digest | null;
  created: string | null;
  createdBy: string;
  /** Uncompressed size of the layer the step made; 0 for steps without a layer. */
  size: number;
  comment: string;
  emptyLayer: boolean;
}

/** `history`: one row per history entry, newest first, layer sizes matched in order. */
export async function imageHistory(store: ImageStore, image: StoredImage): Promise<HistoryRow[]> {
  const records = await layerRecords(store, image);
  let layer = 0;
  const rows: HistoryRow[] = (image.config.history ?? []).map((h) => {
    const empty = h.empty_layer === true;
    const size = empty ? 0 : (records[layer++]?.size ?? 0);
    return { id: null, created: h.created ?? null, createdBy: h.created_by ?? "", size, comment: h.comment ?? "", emptyLayer: empty };
  });
  // Layers no history entry accounts for still show up, as Docker shows them.
  while (layer < records.length) rows.push({ id: null, created: null, createdBy: "", size: records[layer++]?.size ?? 0, comment: "", emptyLayer: false });
  rows.reverse();
  if (rows[0]) rows[0].id = image.id;
  return rows;
}

/** `inspect`: the fields `docker image inspect` prints, filled from the OCI config. */
export async function inspectImage(store: ImageStore, image: StoredImage): Promise<Record<string, unknown>> {
  const c = image.config;
  return {
    Id: image.id,
    RepoTags: image.tags.map((t) => t.familiar),
    // Docker lists repository digests only for images that went through a registry.
    RepoDigests: [],
    Parent: "",
    Comment: c.history?.[c.history.length - 1]?.comment ?? "",
    Created: c.created ?? "",
    DockerVersion: "",
    Author: c.author ?? "",
    Config: {
      Hostname: "",
      Domainname: "",
      User: c.config?.User ?? "",
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: c.config?.ExposedPorts ?? undefined,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.config?.Env ?? null,
      Cmd: c.config?.Cmd ?? null,
      Healthcheck: c.config?.Healthcheck ?? undefined,
      Image: "",
      Volumes: c.config?.Volumes ?? null,
      WorkingDir: c.config?.WorkingDir ?? "",
      Entrypoint: c.config?.Entrypoint ?? null,
      OnBuild: c.config?.OnBuild ?? null,
      Labels: c.config?.Labels ?? null,
      StopSignal: c.config?.StopSignal,
      Shell: c.config?.Shell ?? undefined,
    },
    Architecture: c.architecture,
    Variant: c.variant,
    Os: c.os,
    Size: await imageSize(store, image),
    VirtualSize: await imageSize(store, image),
    GraphDriver: { Name: "layerlab", Data: null },
    RootFS: { Type: "layers", Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: image.addedAt ? new Date(image.addedAt).toISOString() : "0001-01-01T00:00:00Z" },
    Descriptor: { mediaType: image.manifest.mediaType, digest: image.manifestDigest },
  };
}

export interface DiskUsage {
  images: { total: number; active: number; size: number; reclaimable: number };
  layers: { diffId: Digest; size: number; compressedSize: number; images: number }[];
  /** Bytes in layers used by more than one image, and in layers used by exactly one. */
  shared: number;
  unique: number;
  buildCache: { total: number; size: number; reclaimable: number };
}

/**
 * `df`: what the store holds. Image size counts each layer once; "shared" layers belong to
 * several images. Reclaimable is what `prune -a` would free for images nothing uses (`active`
 * says whether something, such as a container, uses an image).
 */
export async function diskUsage(store: ImageStore, active: (id: Digest) => Promise<boolean> = async () => false): Promise<DiskUsage> {
  const images = await store.images();
  const users = new Map<Digest, { record: LayerRecord | null; images: Set<Digest> }>();
  const activeIds = new Set<Digest>();
  for (const image of images) {
    if (await active(image.id)) activeIds.add(image.id);
    const records = await layerRecords(store, image);
    image.config.rootfs.diff_ids.forEach((d, i) => {
      const u = users.get(d as Digest) ?? { record: records[i] ?? null, images: new Set<Digest>() };
      u.images.add(image.id);
      users.set(d as Digest, u);
    });
  }
  let size = 0;
  let shared = 0;
  let reclaimable = 0;
  const layers = [...users].map(([diffId, u]) => {
    const s = u.record?.size ?? 0;
    size += s;
    if (u.images.size > 1) shared += s;
    if (![...u.images].some((id) => activeIds.has(id))) reclaimable += s;
    return { diffId, size: s, compressedSize: u.record?.compressedSize ?? 0, images: u.images.size };
  });
  // Build cache: layers its records hold that no image uses (those are counted with the images).
  const imageLayers = new Set(images.flatMap((i) => i.manifest.layers.map((l) => l.digest)));
  const records = await store.buildCache.records();
  const cacheOnly = new Map<string, number>();
  for (const r of records) if (r.layer && !imageLayers.has(r.layer.digest)) cacheOnly.set(r.layer.digest, r.layer.size);
  const cacheSize = [...cacheOnly.values()].reduce((a, b) => a + b, 0);
  return {
    images: { total: images.length, active: activeIds.size, size, reclaimable },
    layers,
    shared,
    unique: size - shared,
    buildCache: { total: records.length, size: cacheSize, reclaimable: cacheSize },
  };
}
