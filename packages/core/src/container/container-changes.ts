import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { parseTagName, type TagName } from "../image/image-name.js";
import { applyConfigChanges } from "../image/config-changes.js";
import { MEDIA, type ImageConfig } from "../image/oci-schemas.js";
import { compareEntries, type LayerEntry } from "../layer/layer-entry.js";
import { mergeLayers } from "../layer/merge-layers.js";
import { diffUpperDir, type OverlayDiff } from "../layer/overlay-diff.js";
import { layerTar, orderHardlinks } from "../layer/write-layer.js";
import { storeLayer } from "../build/layer-commit.js";
import type { Digest } from "../store/digest.js";
import { layerRecords } from "../store/image-facts.js";
import { imageSnapshots } from "../store/snapshots.js";
import { mountView } from "../exec/overlay-mount.js";
import { StoreError } from "../store/store-error.js";
import type { ContainerRecord } from "./container-record.js";
import type { ContainerStore } from "./container-store.js";

export interface Change {
  kind: "A" | "C" | "D";
  path: string;
}

/** The container's changes as a layer would hold them, without the runtime's mount stubs. */
async function containerDiff(c: ContainerStore, r: ContainerRecord): Promise<OverlayDiff> {
  const diff = await diffUpperDir(join(c.dir(r.id), "upper"));
  const stubs = new Set(r.stubs);
  const isStub = (p: string) => [...stubs].some((s) => p === s || p.startsWith(`${s}/`));
  return { entries: diff.entries.filter((e) => !isStub(e.path)), files: diff.files };
}

/** `diff`: what changed in the container's filesystem, like `docker diff` (A added, C changed, D deleted). */
export async function containerChanges(c: ContainerStore, ref: string): Promise<Change[]> {
  const r = await c.get(ref);
  const image = await c.images.resolve(r.image);
  const below = mergeLayers((await layerRecords(c.images, image)).map((x) => x?.entries ?? []));
  const diff = await containerDiff(c, r);
  const changes: Change[] = [];
  for (const e of diff.entries) {
    if (e.type === "opaque") continue;
    changes.push({ kind: e.type === "whiteout" ? "D" : below.has(e.path) ? "C" : "A", path: `/${e.path}` });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface CommitOptions {
  tags: TagName[];
  changes?: string[];
  message?: string;
  author?: string;
}

/**
 * `commit`: a new image whose last layer is exactly the container's changes (whiteouts for
 * deletions), over the image the container was created from. Its config is the container's
 * (env, command, user and workdir as it was run) with `--change` applied, as `docker commit`
 * does, and its history gets one entry with the command, author and message.
 */
export async function commitContainer(c: ContainerStore, ref: string, o: CommitOptions): Promise<{ id: Digest; manifestDigest: Digest; layer: Digest }> {
  const r = await c.get(ref);
  const image = await c.images.resolve(r.image);
  const diff = await containerDiff(c, r);
  const written = await storeLayer(c.images, diff, 6);
  const lease = await c.images.lease([written.digest]);
  try {
    const runConfig = {
      ...image.config.config,
      Env: r.config.env,
      Entrypoint: r.config.entrypoint.length > 0 ? r.config.entrypoint : null,
      Cmd: r.config.cmd.length > 0 ? r.config.cmd : null,
      WorkingDir: r.config.workdir,
      User: r.config.user,
    };
    const changed = applyConfigChanges(runConfig, o.changes ?? []);
    if (!changed.ok) throw new StoreError("invalid-reference", changed.message);
    const created = new Date().toISOString();
    const config: ImageConfig = {
      ...image.config,
      created,
      ...(o.author ? { author: o.author } : {}),
      config: changed.config,
      rootfs: { type: "layers", diff_ids: [...image.config.rootfs.diff_ids, written.diffId] },
      history: [
        ...(image.config.history ?? []),
        { created, created_by: r.config.argv.join(" "), ...(o.author ? { author: o.author } : {}), ...(o.message ? { comment: o.message } : {}) },
      ],
    };
    const layers = [...image.manifest.layers.map((l) => ({ digest: l.digest as Digest, size: l.size, mediaType: l.mediaType })), { digest: written.digest, size: written.compressedSize, mediaType: MEDIA.ociLayerGzip }];
    const result = await c.images.commit(config, layers, o.tags);
    return { ...result, layer: written.diffId };
  } finally {
    await lease.release();
  }
}

/**
 * `export`: the container's whole filesystem (its image with its changes on top) as one tar,
 * read through a read-only overlay with the container's upper directory as the top layer.
 */
export async function exportContainer(c: ContainerStore, ref: string): Promise<Readable> {
  const r = await c.get(ref);
  const lowers = await imageSnapshots(c.images, await c.images.resolve(r.image));
  // The container's upper directory as the top lower: overlayfs reads its whiteouts as deletions.
  const view = await mountView(c.images.tmpDir, [...lowers, join(c.dir(r.id), "upper")]);
  const release = () => view.unmount().catch(() => undefined).finally(() => rm(join(view.merged, ".."), { recursive: true, force: true }));
  try {
    const tree = await diffUpperDir(view.merged);
    const stubs = new Set(r.stubs);
    const entries: LayerEntry[] = orderHardlinks(tree.entries.filter((e) => e.type !== "opaque" && e.type !== "whiteout" && !stubs.has(e.path)).sort(compareEntries));
    const tar = layerTar(entries, (e) => tree.files.get(e.path)!);
    tar.once("close", () => void release());
    tar.once("error", () => void release());
    return tar;
  } catch (e) {
    await release();
    throw e;
  }
}

export function parseTags(texts: string[]): TagName[] {
  return texts.map((t) => {
    const name = parseTagName(t);
    if (name === null) throw new StoreError("invalid-reference", `invalid reference format: "${t}" (repository names must be lowercase)`);
    return name;
  });
}
