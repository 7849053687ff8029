import type { CachedLayer } from "../cache/build-cache.js";
import { MEDIA } from "../image/oci-schemas.js";
import { mergeLayers } from "../layer/merge-layers.js";
import { diffUpperDir, removeMountStubs, type OverlayDiff } from "../layer/overlay-diff.js";
import { writeLayer, type WrittenLayer } from "../layer/write-layer.js";
import type { Digest } from "../store/digest.js";
import type { ImageStore } from "../store/image-store.js";
import { adoptSnapshot, layerSnapshots } from "../store/snapshots.js";
import { mountOverlay } from "../exec/overlay-mount.js";
import type { LayerRef } from "./stage-state.js";
import { lstat, rm } from "node:fs/promises";
import { join } from "node:path";

/** Mount points the runtime may create in a rootfs that lacks them; never part of a layer. */
const MOUNT_STUBS = ["proc", "sys", "dev", "dev/init", "dev/pts", "dev/shm", "dev/mqueue"];

export async function lowerDirs(store: ImageStore, layers: LayerRef[]): Promise<string[]> {
  return layerSnapshots(store, layers.map((l) => ({ digest: l.digest as Digest, diffId: l.diffId as Digest })));
}

/**
 * Writes an upper directory's changes as a gzip layer into the store and records its file
 * index, so it is a layer like any pulled or loaded one.
 */
export async function storeLayer(store: ImageStore, diff: OverlayDiff, level: number): Promise<WrittenLayer> {
  const written = await writeLayer(store.blobs, diff.entries, (e) => diff.files.get(e.path)!, level);
  await store.saveLayerRecord({ diffId: written.diffId, digest: written.digest, mediaType: MEDIA.ociLayerGzip, size: written.size, compressedSize: written.compressedSize, entries: written.entries });
  return written;
}

/**
 * Runs `change` in an overlay over `layers` and turns what it changed into a layer in the
 * store (with its file index), with counts of added, modified and deleted paths relative to
 * the filesystem below.
 */
export async function commitChange(store: ImageStore, layers: LayerRef[], change: (merged: string) => Promise<void>, extraStubs: string[] = []): Promise<CachedLayer> {
  const mount = await mountOverlay(store.tmpDir, await lowerDirs(store, layers));
  try {
    const existed = new Set<string>();
    // Mount targets and the directories the runtime made to hold them (like BuildKit's
    // removeMountStubsRecursive); only ones that did not exist before and are still empty go.
    const targets = extraStubs.map((s) => s.replace(/^\/+/, "")).filter(Boolean);
    const ancestors = targets.flatMap((t) => t.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/")));
    const stubs = [...new Set([...MOUNT_STUBS, ...ancestors])].sort((a, b) => b.split("/").length - a.split("/").length);
    for (const stub of stubs) if (await lstat(join(mount.merged, stub)).catch(() => null)) existed.add(stub);
    try {
      await change(mount.merged);
    } finally {
      await mount.unmount();
    }
    await removeMountStubs(mount.upper, stubs.filter((s) => !existed.has(s)));
    const written = await storeLayer(store, await diffUpperDir(mount.upper), 1);
    await adoptSnapshot(store, [...layers.map((l) => l.diffId as Digest), written.diffId], mount.upper);
    const below = mergeLayers(await Promise.all(layers.map(async (l) => (await store.layerRecord(l.diffId as Digest))?.entries ?? [])));
    const files = { added: 0, modified: 0, deleted: 0 };
    for (const e of written.entries) {
      if (e.type === "whiteout") files.deleted++;
      else if (e.type === "opaque") continue;
      else if (below.has(e.path)) {
        if (e.type !== "dir") files.modified++;
      } else files.added++;
    }
    return { digest: written.digest, diffId: written.diffId, size: written.size, compressedSize: written.compressedSize, mediaType: MEDIA.ociLayerGzip, files };
  } finally {
    await rm(join(mount.upper, ".."), { recursive: true, force: true });
  }
}
