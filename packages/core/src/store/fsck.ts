import { reapStaleTmp } from "./stale-tmp.js";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { INDEX_TYPES } from "../image/oci-schemas.js";
import type { Digest } from "./digest.js";
import type { ImageStore } from "./image-store.js";
import { indexLayerBlob } from "./layer-ingest.js";

export interface FsckProblem {
  /** What is wrong, with the object it concerns. */
  message: string;
  /** How bad: `corrupt` breaks an image; `stale` is leftover data fsck can remove. */
  kind: "corrupt" | "stale";
}

export interface FsckReport {
  images: number;
  blobs: number;
  problems: FsckProblem[];
  /** Leftover temporary files removed (writes that a crash interrupted). */
  cleaned: number;
}

async function hashFile(path: string): Promise<Digest> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}

/**
 * Checks the whole store: index.json and oci-layout parse, every blob's content matches its
 * name, every image's manifest, config and layers are present and consistent, and every layer
 * has its file index. Temp files left by interrupted writes are removed (they were never
 * visible). A clean store reports no problems.
 */
export async function fsck(store: ImageStore, options: { repair?: boolean } = {}): Promise<FsckReport> {
  const problems: FsckProblem[] = [];
  const corrupt = (message: string) => problems.push({ message, kind: "corrupt" });
  let cleaned = 0;
  cleaned += await reapStaleTmp(store.tmpRoot);
  for (const dir of [store.root, join(store.root, "layerlab", "layers")]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (/^\..*\.tmp$/.test(name)) {
        await rm(join(dir, name), { force: true });
        cleaned++;
      }
    }
  }
  try {
    JSON.parse(await readFile(join(store.root, "oci-layout"), "utf8"));
  } catch {
    corrupt("oci-layout is missing or not JSON");
  }
  const blobs = await store.blobs.list();
  for (const d of blobs) {
    const actual = await hashFile(store.blobs.path(d));
    if (actual !== d) corrupt(`blob ${d} has content with digest ${actual}`);
  }
  let index;
  try {
    index = await store.readIndex();
  } catch (e) {
    corrupt((e as Error).message);
    return { images: 0, blobs: blobs.length, problems, cleaned };
  }
  const have = new Set(blobs);
  const seen = new Set<string>();
  for (const desc of index.manifests) {
    if (seen.has(desc.digest)) continue;
    seen.add(desc.digest);
    if (!have.has(desc.digest as Digest)) {
      corrupt(`image ${desc.digest} is in index.json but its manifest blob is missing`);
      continue;
    }
    const manifests = INDEX_TYPES.includes(desc.mediaType)
      ? (await store.readImageIndex(desc.digest as Digest)).manifests.filter((m) => have.has(m.digest as Digest))
      : [desc];
    for (const m of manifests) {
      try {
        const manifest = await store.readManifest(m.digest as Digest);
        if (!have.has(manifest.config.digest as Digest)) {
          corrupt(`image ${m.digest}: config ${manifest.config.digest} is missing`);
          continue;
        }
        const config = await store.readConfig(manifest.config.digest as Digest);
        if (config.rootfs.diff_ids.length !== manifest.layers.length) corrupt(`image ${m.digest}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diffIDs`);
        for (const [i, layer] of manifest.layers.entries()) {
          if (!have.has(layer.digest as Digest)) corrupt(`image ${m.digest}: layer ${layer.digest} is missing`);
          else if ((await stat(store.blobs.path(layer.digest as Digest))).size !== layer.size) corrupt(`image ${m.digest}: layer ${layer.digest} has the wrong size`);
          const diffId = config.rootfs.diff_ids[i] as Digest | undefined;
          if (diffId && (await store.layerRecord(diffId)) === null) {
            if (options.repair) await indexLayerBlob(store, layer.digest as Digest, layer.mediaType, diffId);
            else problems.push({ message: `layer ${diffId} has no file index (run fsck --repair)`, kind: "stale" });
          }
        }
      } catch (e) {
        corrupt(`image ${m.digest}: ${(e as Error).message}`);
      }
    }
  }
  return { images: seen.size, blobs: blobs.length, problems, cleaned };
}
