import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseTagName, type TagName } from "../image/image-name.js";
import {
  INDEX_TYPES,
  IndexSchema,
  ImageConfigSchema,
  ManifestSchema,
  MEDIA,
  parseJson,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type Manifest,
  type Platform,
} from "../image/oci-schemas.js";
import type { LayerEntry } from "../layer/layer-entry.js";
import { BuildCache } from "../cache/build-cache.js";
import { writeFileAtomic } from "./atomic-file.js";
import { BlobStore } from "./blob-store.js";
import { isDigest, type Digest } from "./digest.js";
import { StoreError } from "./store-error.js";
import { withStoreLock } from "./store-lock.js";

/** Name annotations in index.json, as containerd and Docker 25 write them. */
export const REF_NAME = "org.opencontainers.image.ref.name";
export const IMAGE_NAME = "io.containerd.image.name";

/** What the store knows about one layer, computed once when the layer enters the store. */
export interface LayerRecord {
  diffId: Digest;
  digest: Digest;
  mediaType: string;
  size: number;
  compressedSize: number;
  entries: LayerEntry[];
}

/** One image: its manifest, config and every tag that names it. */
export interface StoredImage {
  /** Image ID: the config digest. */
  id: Digest;
  manifestDigest: Digest;
  manifest: Manifest;
  config: ImageConfig;
  tags: TagName[];
  /** When it was added to this store (ms since the epoch). */
  addedAt: number;
}

export function hostPlatform(): Platform {
  const arch = process.arch === "x64" ? "amd64" : process.arch === "arm64" ? "arm64" : process.arch === "arm" ? "arm" : process.arch;
  return { os: "linux", architecture: arch };
}

const EMPTY_INDEX: ImageIndex = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };

/**
 * The embedded image store: an OCI image layout (`oci-layout`, `index.json`, `blobs/`) plus
 * Layerlab's own records beside it (`layerlab/layers` file indexes, `layerlab/tmp`, locks).
 * index.json is the one list of images: a descriptor per (image, tag), and one without a name
 * for an image no tag names (dangling). Tags move; images stay until pruned.
 */
const PROCESS_TMP = `${process.pid}-${randomBytes(4).toString("hex")}`;

export class ImageStore {
  readonly blobs: BlobStore;
  private readonly meta: string;
  private readonly records = new Map<Digest, LayerRecord>();

  private constructor(readonly root: string) {
    this.meta = join(root, "layerlab");
    this.blobs = new BlobStore(join(root, "blobs", "sha256"), this.tmpDir);
  }

  static async open(root: string): Promise<ImageStore> {
    const store = new ImageStore(root);
    await mkdir(join(root, "blobs", "sha256"), { recursive: true });
    for (const d of ["tmp", "locks", "layers", "leases"]) await mkdir(join(store.meta, d), { recursive: true });
    await mkdir(store.tmpDir, { recursive: true });
    if ((await stat(join(root, "oci-layout")).catch(() => null)) === null) {
      await writeFileAtomic(join(root, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    }
    if ((await stat(join(root, "index.json")).catch(() => null)) === null) {
      await writeFileAtomic(join(root, "index.json"), JSON.stringify(EMPTY_INDEX));
    }
    return store;
  }

  /**
   * This process's scratch directory (ingest, spools, overlay mounts, runc state). One per
   * process, named for its PID, so what a dead process left behind can be told from what a
   * live one is using.
   */
  get tmpDir(): string {
    return join(this.meta, "tmp", PROCESS_TMP);
  }

  get tmpRoot(): string {
    return join(this.meta, "tmp");
  }

  /** The build cache that lives beside the images. */
  get buildCache(): BuildCache {
    return new BuildCache(join(this.meta, "cache"));
  }

  async readIndex(): Promise<ImageIndex> {
    return parseJson(IndexSchema, await readFile(join(this.root, "index.json")), "the store's index.json");
  }

  /** Read-modify-write of index.json under the store lock, so concurrent processes lose no tag. */
  async updateIndex<T>(change: (index: ImageIndex) => Promise<T> | T): Promise<T> {
    return withStoreLock(join(this.meta, "locks"), "index", async () => {
      const index = await this.readIndex();
      const result = await change(index);
      await writeFileAtomic(join(this.root, "index.json"), JSON.stringify(index));
      return result;
    });
  }

  async putJson(value: unknown): Promise<{ digest: Digest; size: number; bytes: Buffer }> {
    const bytes = Buffer.from(JSON.stringify(value));
    const info = await this.blobs.putBytes(bytes);
    return { ...info, bytes };
  }

  async readManifest(digest: Digest): Promise<Manifest> {
    return parseJson(ManifestSchema, await this.blobs.readBytes(digest, 4 * 1024 * 1024), `manifest ${digest}`);
  }

  async readConfig(digest: Digest): Promise<ImageConfig> {
    return parseJson(ImageConfigSchema, await this.blobs.readBytes(digest, 8 * 1024 * 1024), `config ${digest}`);
  }

  async readImageIndex(digest: Digest): Promise<ImageIndex> {
    return parseJson(IndexSchema, await this.blobs.readBytes(digest, 4 * 1024 * 1024), `image index ${digest}`);
  }

  /** The manifest for a descriptor, choosing a platform when it is a multi-platform index. */
  async manifestFor(desc: Descriptor, platform: Platform = hostPlatform()): Promise<{ digest: Digest; manifest: Manifest }> {
    if (INDEX_TYPES.includes(desc.mediaType)) {
      const index = await this.readImageIndex(desc.digest as Digest);
      const match = index.manifests.find(
        (m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture && (platform.variant === undefined || m.platform.variant === platform.variant),
      );
      if (!match) {
        const have = index.manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : "?")).join(", ");
        throw new StoreError("no-platform", `no ${platform.os}/${platform.architecture} image in ${desc.digest} (it has ${have})`);
      }
      if (!(await this.blobs.has(match.digest as Digest))) {
        throw new StoreError("not-found", `the ${platform.os}/${platform.architecture} image of ${desc.digest} is not in the store; pull it for that platform`);
      }
      return { digest: match.digest as Digest, manifest: await this.readManifest(match.digest as Digest) };
    }
    return { digest: desc.digest as Digest, manifest: await this.readManifest(desc.digest as Digest) };
  }

  /** Every image, newest first, with its tags. Images of other platforms in an index are skipped. */
  async images(platform: Platform = hostPlatform()): Promise<StoredImage[]> {
    const index = await this.readIndex();
    const byDescriptor = new Map<string, { desc: Descriptor; tags: TagName[]; addedAt: number }>();
    for (const desc of index.manifests) {
      const entry = byDescriptor.get(desc.digest) ?? { desc, tags: [], addedAt: Number(desc.annotations?.[ADDED] ?? 0) };
      const name = desc.annotations?.[IMAGE_NAME];
      const tag = name ? parseTagName(name) : null;
      if (tag) entry.tags.push(tag);
      byDescriptor.set(desc.digest, entry);
    }
    const out: StoredImage[] = [];
    for (const { desc, tags, addedAt } of byDescriptor.values()) {
      try {
        const { digest, manifest } = await this.manifestFor(desc, platform);
        const config = await this.readConfig(manifest.config.digest as Digest);
        out.push({ id: manifest.config.digest as Digest, manifestDigest: digest, manifest, config, tags, addedAt });
      } catch (e) {
        if (!(e instanceof StoreError && (e.code === "not-found" || e.code === "no-platform"))) throw e;
      }
    }
    return out.sort((a, b) => (b.config.created ?? "").localeCompare(a.config.created ?? "") || b.addedAt - a.addedAt);
  }

  /**
   * Finds an image by tag (`busybox`, `busybox:1.36`), by ID or ID prefix (`sha256:ab12`,
   * `ab12`, at least 4 hex digits and unambiguous), or by manifest digest. For a multi-platform
   * image, the variant for `platform` (the host's by default); an error names the ones there are.
   */
  async resolve(ref: string, platform?: Platform): Promise<StoredImage> {
    const images = await this.images(platform);
    const tag = parseTagName(ref);
    if (tag) {
      const found = images.find((i) => i.tags.some((t) => t.canonical === tag.canonical));
      if (found) return found;
    }
    const hex = ref.replace(/^sha256:/, "");
    if (/^[a-f0-9]{4,64}$/.test(hex)) {
      const matches = images.filter((i) => i.id.slice(7).startsWith(hex) || i.manifestDigest.slice(7).startsWith(hex));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) throw new StoreError("conflict", `"${ref}" matches ${matches.length} images; give more digits`);
    }
    if (tag) {
      // A tag whose image lacks this platform says which platforms it has, not "no such image".
      const desc = (await this.readIndex()).manifests.find((d) => d.annotations?.[IMAGE_NAME] === tag.canonical);
      if (desc) await this.manifestFor(desc, platform);
    }
    throw new StoreError("not-found", `no such image: ${ref}`);
  }

  /**
   * Records an image (its blobs must already be stored) and points each tag at it. A tag that
   * named another image moves; that image stays, dangling if nothing else names it.
   */
  async addImage(manifestDigest: Digest, mediaType: string, size: number, tags: TagName[], platform?: Platform, notes: Record<string, string> = {}): Promise<void> {
    const desc: Descriptor = { mediaType, digest: manifestDigest, size, ...(platform ? { platform } : {}) };
    await this.updateIndex((index) => pointTags(index, desc, tags, notes));
  }

  async tag(source: string, target: string): Promise<TagName> {
    const name = parseTagName(target);
    if (name === null) throw new StoreError("invalid-reference", `invalid reference format: "${target}" (repository names must be lowercase)`);
    const image = await this.resolve(source);
    const desc = (await this.readIndex()).manifests.find((d) => d.digest === image.manifestDigest);
    if (!desc) throw new StoreError("not-found", `no such image: ${source}`);
    const { annotations: _names, ...plain } = desc;
    await this.updateIndex((index) => pointTags(index, plain, [name]));
    return name;
  }

  /**
   * `rmi`: a tag reference removes that tag (and the image with its last tag); an ID removes
   * the image, refusing when several tags name it, or when it is in use, unless forced.
   */
  async remove(ref: string, options: { force?: boolean; inUse?: (id: Digest) => Promise<string | null> } = {}): Promise<{ untagged: string[]; deleted: Digest[] }> {
    const image = await this.resolve(ref);
    const tag = parseTagName(ref);
    const byTag = tag !== null && image.tags.some((t) => t.canonical === tag.canonical);
    const untagged: string[] = [];
    const deleted: Digest[] = [];
    const user = options.inUse ? await options.inUse(image.id) : null;
    if (byTag && image.tags.length > 1) {
      await this.updateIndex((index) => {
        index.manifests = index.manifests.filter((d) => d.annotations?.[IMAGE_NAME] !== tag!.canonical);
      });
      return { untagged: [tag!.familiar], deleted };
    }
    if (!byTag && image.tags.length > 1 && !options.force) {
      throw new StoreError("conflict", `image ${image.id.slice(7, 19)} is referenced in multiple repositories (${image.tags.map((t) => t.familiar).join(", ")}); remove the tags or use --force`);
    }
    if (user !== null && !options.force) {
      throw new StoreError("in-use", `image ${image.id.slice(7, 19)} is in use by ${user}; stop and remove it first, or use --force`);
    }
    if (user !== null) {
      // As in Docker, forcing only untags an image a container still needs; prune removes it once unused.
      await this.updateIndex((index) => untagAll(index, image.manifestDigest));
      return { untagged: image.tags.map((t) => t.familiar), deleted };
    }
    await this.updateIndex((index) => {
      index.manifests = index.manifests.filter((d) => d.digest !== image.manifestDigest);
    });
    untagged.push(...image.tags.map((t) => t.familiar));
    deleted.push(image.id);
    await this.collectGarbage();
    return { untagged, deleted };
  }

  /** Removes dangling images (all images with `all`, except those `keep` says are in use), then unreferenced blobs. */
  async prune(options: { all?: boolean; keep?: (id: Digest) => Promise<boolean> } = {}): Promise<{ deleted: Digest[]; reclaimed: number }> {
    const images = await this.images();
    const victims: StoredImage[] = [];
    for (const image of images) {
      if (image.tags.length > 0 && !options.all) continue;
      if (options.keep && (await options.keep(image.id))) continue;
      victims.push(image);
    }
    const drop = new Set(victims.map((v) => v.manifestDigest));
    await this.updateIndex((index) => {
      index.manifests = index.manifests.filter((d) => !drop.has(d.digest as Digest));
    });
    const reclaimed = await this.collectGarbage();
    return { deleted: victims.map((v) => v.id), reclaimed };
  }

  /** Blobs any image in index.json needs (manifests, indexes, configs, layers). */
  async referencedBlobs(): Promise<Set<Digest>> {
    const index = await this.readIndex();
    const live = new Set<Digest>();
    const visit = async (desc: Descriptor) => {
      const d = desc.digest as Digest;
      if (live.has(d) || !(await this.blobs.has(d))) return;
      live.add(d);
      if (INDEX_TYPES.includes(desc.mediaType)) {
        for (const m of (await this.readImageIndex(d)).manifests) await visit(m);
      } else {
        const manifest = await this.readManifest(d);
        live.add(manifest.config.digest as Digest);
        for (const l of manifest.layers) live.add(l.digest as Digest);
      }
    };
    for (const desc of index.manifests) await visit(desc);
    for (const lease of await this.leases()) for (const d of lease) live.add(d);
    // The build cache keeps the layers its records point at.
    for (const record of await new BuildCache(join(this.meta, "cache")).records()) if (record.layer) live.add(record.layer.digest as Digest);
    return live;
  }

  /** Digests protected by running operations (a build, a pull, a load) that are not yet in index.json. */
  private async leases(): Promise<Digest[][]> {
    const dir = join(this.meta, "leases");
    const out: Digest[][] = [];
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const pid = Number(name.split("-")[0]);
      try {
        process.kill(pid, 0);
      } catch {
        await rm(join(dir, name), { force: true });
        continue;
      }
      const list = JSON.parse(await readFile(join(dir, name), "utf8").catch(() => "[]")) as unknown[];
      out.push(list.filter(isDigest));
    }
    return out;
  }

  /** Protects blobs while an operation writes them; GC keeps them until `release` (or the process dies). */
  async lease(digests: Digest[]): Promise<{ add(d: Digest[]): Promise<void>; release(): Promise<void> }> {
    const file = join(this.meta, "leases", `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    const held = new Set(digests);
    await writeFile(file, JSON.stringify([...held]));
    return {
      add: async (more) => {
        for (const d of more) held.add(d);
        await writeFile(file, JSON.stringify([...held]));
      },
      release: () => rm(file, { force: true }),
    };
  }

  /** Deletes blobs and layer records nothing references. Returns the bytes freed. */
  async collectGarbage(): Promise<number> {
    return withStoreLock(join(this.meta, "locks"), "gc", async () => {
      const live = await this.referencedBlobs();
      let freed = 0;
      for (const d of await this.blobs.list()) {
        if (live.has(d)) continue;
        const st = await stat(this.blobs.path(d)).catch(() => null);
        // A blob written in the last minute may belong to an operation about to record it.
        if (st === null || Date.now() - st.mtimeMs < 60_000) continue;
        freed += st.size;
        await this.blobs.remove(d);
      }
      const liveDiffIds = new Set<string>();
      for (const image of await this.images()) for (const d of image.config.rootfs.diff_ids) liveDiffIds.add(d.slice(7));
      for (const name of await readdir(join(this.meta, "layers")).catch(() => [] as string[])) {
        if (!liveDiffIds.has(name.replace(/\.json$/, ""))) await rm(join(this.meta, "layers", name), { force: true });
      }
      return freed;
    });
  }

  async saveLayerRecord(record: LayerRecord): Promise<void> {
    await writeFileAtomic(join(this.meta, "layers", `${record.diffId.slice(7)}.json`), JSON.stringify(record));
  }

  /**
   * A layer's file index. Records never change once written (they are named by diffID), so the
   * most recently used are kept parsed in memory: the explorer asks for the same large ones
   * again and again.
   */
  async layerRecord(diffId: Digest): Promise<LayerRecord | null> {
    const cached = this.records.get(diffId);
    if (cached) {
      this.records.delete(diffId);
      this.records.set(diffId, cached);
      return cached;
    }
    const text = await readFile(join(this.meta, "layers", `${diffId.slice(7)}.json`), "utf8").catch(() => null);
    if (text === null) return null;
    const record = JSON.parse(text) as LayerRecord;
    this.records.set(diffId, record);
    if (this.records.size > 16) this.records.delete(this.records.keys().next().value!);
    return record;
  }

  /** Stores config and manifest for layers already in the store; returns the manifest digest. */
  async commit(config: ImageConfig, layers: { digest: Digest; size: number; mediaType: string }[], tags: TagName[]): Promise<{ id: Digest; manifestDigest: Digest }> {
    const cfg = await this.putJson(config);
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
    const man = await this.putJson(manifest);
    await this.addImage(man.digest, MEDIA.ociManifest, man.size, tags, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
    return { id: cfg.digest, manifestDigest: man.digest };
  }
}


const ADDED = "dev.layerlab.added";

/**
 * Points `tags` at `desc` inside index.json. Descriptors carrying those names are dropped; an
 * image that loses its last name keeps an unnamed descriptor (dangling), and an image that
 * gains a name loses its unnamed one. With no tags, the image is recorded unnamed.
 */
function pointTags(index: ImageIndex, desc: Descriptor, tags: TagName[], notes: Record<string, string> = {}): void {
  const names = new Set(tags.map((t) => t.canonical));
  const named = (d: Descriptor) => d.annotations?.[IMAGE_NAME];
  const moved = index.manifests.filter((d) => names.has(named(d) ?? "\0"));
  index.manifests = index.manifests.filter((d) => !names.has(named(d) ?? "\0"));
  const added = String(Date.now());
  for (const t of tags) index.manifests.push({ ...desc, annotations: { ...notes, [IMAGE_NAME]: t.canonical, [REF_NAME]: t.tag, [ADDED]: added } });
  if (tags.length > 0) index.manifests = index.manifests.filter((d) => d.digest !== desc.digest || named(d) !== undefined);
  else if (!index.manifests.some((d) => d.digest === desc.digest)) index.manifests.push({ ...desc, annotations: { ...notes, [ADDED]: added } });
  for (const d of moved) {
    if (index.manifests.some((m) => m.digest === d.digest)) continue;
    const { annotations, ...rest } = d;
    index.manifests.push({ ...rest, annotations: { [ADDED]: annotations?.[ADDED] ?? added } });
  }
}

/** Drops every tag of an image and keeps it, unnamed (dangling). */
function untagAll(index: ImageIndex, manifestDigest: Digest): void {
  const named = index.manifests.filter((d) => d.digest === manifestDigest);
  if (named.length === 0) return;
  const { annotations, ...rest } = named[0]!;
  index.manifests = index.manifests.filter((d) => d.digest !== manifestDigest);
  index.manifests.push({ ...rest, annotations: { [ADDED]: annotations?.[ADDED] ?? String(Date.now()) } });
}
