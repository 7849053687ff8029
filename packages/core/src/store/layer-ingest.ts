import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { createReadStream } from "node:fs";
import { LAYER_TYPES, MEDIA } from "../image/oci-schemas.js";
import { readUntrustedTar, DEFAULT_LIMITS, type ByteSource, type TarLimits } from "../layer/untrusted-tar.js";
import { writeLayer } from "../layer/write-layer.js";
import type { Digest } from "./digest.js";
import type { ImageStore, LayerRecord } from "./image-store.js";
import { StoreError } from "./store-error.js";

/**
 * Indexes a layer blob that is already in the store (pulled or loaded): reads it once as an
 * untrusted tar, checks its diffID, and records its file index so no tree is ever drawn by
 * re-reading the tar.
 */
export async function indexLayerBlob(store: ImageStore, digest: Digest, mediaType: string, expectedDiffId: Digest | null, limits: TarLimits = DEFAULT_LIMITS): Promise<LayerRecord> {
  if (!LAYER_TYPES.includes(mediaType)) throw new StoreError("unsupported", `unsupported layer media type ${mediaType}`);
  if (expectedDiffId !== null) {
    const known = await store.layerRecord(expectedDiffId);
    if (known !== null && known.digest === digest) return known;
  }
  const read = await readUntrustedTar(createReadStream(store.blobs.path(digest)), null, limits);
  if (expectedDiffId !== null && read.diffId !== expectedDiffId) {
    throw new StoreError("digest-mismatch", `layer ${digest} has diffID ${read.diffId}, but the image config says ${expectedDiffId}`);
  }
  const record: LayerRecord = {
    diffId: read.diffId,
    digest,
    mediaType,
    size: read.size,
    compressedSize: await store.blobs.size(digest),
    entries: read.entries,
  };
  await store.saveLayerRecord(record);
  return record;
}

/**
 * Stores an untrusted layer tar (plain or gzip) as a normalised, deterministic gzip layer:
 * validated, re-packed sorted, and indexed. Returns its record.
 */
export async function ingestLayerTar(store: ImageStore, source: ByteSource, limits: TarLimits = DEFAULT_LIMITS): Promise<LayerRecord> {
  const spoolDir = await mkdtemp(join(store.tmpDir, "spool-"));
  try {
    const read = await readUntrustedTar(source, spoolDir, limits);
    const written = await writeLayer(store.blobs, read.entries, (e) => join(spoolDir, e.contentDigest!.slice(7)));
    const record: LayerRecord = {
      diffId: written.diffId,
      digest: written.digest,
      mediaType: MEDIA.ociLayerGzip,
      size: written.size,
      compressedSize: written.compressedSize,
      entries: written.entries,
    };
    await store.saveLayerRecord(record);
    return record;
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}
