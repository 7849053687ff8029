import { createReadStream } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyLayerEntries } from "../layer/apply-layer.js";
import { readUntrustedTar } from "../layer/untrusted-tar.js";
import { chainId, type Digest } from "./digest.js";
import type { ImageStore, StoredImage } from "./image-store.js";
import { StoreError } from "./store-error.js";

const COMPLETE = ".layerlab-complete";

/**
 * Each layer of an image extracted once into `layerlab/snapshots/<ChainID>/fs`, in the form
 * overlayfs reads as a lower directory (whiteouts as 0/0 devices, opaque directories marked
 * with an xattr). A RUN mounts these read-only under its own upper directory. Extraction goes
 * to a temp directory first and is renamed into place, so a snapshot is whole or absent.
 */
export async function layerSnapshots(store: ImageStore, layers: { digest: Digest; diffId: Digest }[]): Promise<string[]> {
  if (process.getuid?.() !== 0) throw new StoreError("unsupported", "extracting layer snapshots needs root (overlay whiteouts are device nodes); run as root");
  const dirs: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    const id = chainId(layers.slice(0, i + 1).map((l) => l.diffId))!;
    const base = join(store.root, "layerlab", "snapshots", id.slice(7));
    let pending = inFlight.get(base);
    if (!pending) {
      pending = extract(store, layers[i]!, base).finally(() => inFlight.delete(base));
      inFlight.set(base, pending);
    }
    await pending;
    dirs.push(join(base, "fs"));
  }
  return dirs;
}

/** An image's layer snapshots, bottom first, ready to be overlay lower directories. */
export function imageSnapshots(store: ImageStore, image: StoredImage): Promise<string[]> {
  return layerSnapshots(store, image.manifest.layers.map((l, i) => ({ digest: l.digest as Digest, diffId: image.config.rootfs.diff_ids[i] as Digest })));
}

/** Extractions under way in this process, so concurrent stages share one. */
const inFlight = new Map<string, Promise<void>>();

async function extract(store: ImageStore, layer: { digest: Digest; diffId: Digest }, base: string): Promise<void> {
  if ((await stat(join(base, COMPLETE)).catch(() => null)) !== null) return;
  await mkdir(join(store.root, "layerlab", "snapshots"), { recursive: true });
  const work = await mkdtemp(join(store.tmpDir, "snapshot-"));
  try {
    const spool = join(work, "spool");
    const read = await readUntrustedTar(createReadStream(store.blobs.path(layer.digest)), spool);
    if (read.diffId !== layer.diffId) throw new StoreError("digest-mismatch", `layer ${layer.digest} has diffID ${read.diffId}, expected ${layer.diffId}; run layerlab fsck`);
    const snap = join(work, "snapshot");
    const root = join(snap, "fs");
    await mkdir(root, { recursive: true, mode: 0o755 });
    await chmod(snap, 0o700);
    await applyLayerEntries(root, read.entries, (e) => join(spool, e.contentDigest!.slice(7)), { chown: true, whiteouts: "overlay" });
    await writeFile(join(snap, COMPLETE), layer.diffId);
    // Another process may have finished the same snapshot first: then its copy stays and ours goes.
    await rename(snap, base).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
      if ((await stat(join(base, COMPLETE)).catch(() => null)) === null) {
        await rm(base, { recursive: true, force: true });
        await rename(snap, base);
      }
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Keeps a step's overlay upper directory as the snapshot of the layer it became: it already is
 * in overlayfs's lower-directory format, so the next step need not extract the layer again.
 */
export async function adoptSnapshot(store: ImageStore, diffIds: Digest[], upper: string): Promise<void> {
  const id = chainId(diffIds)!;
  const base = join(store.root, "layerlab", "snapshots", id.slice(7));
  if ((await stat(join(base, COMPLETE)).catch(() => null)) !== null) return;
  await mkdir(join(store.root, "layerlab", "snapshots"), { recursive: true });
  const work = await mkdtemp(join(store.tmpDir, "snapshot-"));
  const snap = join(work, "snapshot");
  await mkdir(snap, { mode: 0o700 });
  await rename(upper, join(snap, "fs"));
  await writeFile(join(snap, COMPLETE), diffIds[diffIds.length - 1]!);
  await rename(snap, base).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
}
