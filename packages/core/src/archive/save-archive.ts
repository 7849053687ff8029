import { Readable } from "node:stream";
import tar from "tar-stream";
import { MEDIA, type Descriptor, type ImageIndex } from "../image/oci-schemas.js";
import type { Digest } from "../store/digest.js";
import { IMAGE_NAME, REF_NAME, type ImageStore, type StoredImage } from "../store/image-store.js";

export type ArchiveFormat = "docker" | "oci";

interface Planned {
  image: StoredImage;
  /** Tags to write: those the user named, or all of the image's tags when it was named by ID. */
  tags: string[];
}

/**
 * `save`: images to a tar. The default is the hybrid Docker archive: an OCI image layout
 * (`oci-layout`, `index.json`, `blobs/sha256/`) plus the `manifest.json` that `docker load`
 * (20.10 and later) reads, pointing into the same blobs. `oci` writes the layout alone.
 * Blobs are written once each, in sorted order, with fixed headers.
 */
export async function saveImages(store: ImageStore, refs: string[], format: ArchiveFormat = "docker"): Promise<Readable> {
  const planned: Planned[] = [];
  for (const ref of refs) {
    const image = await store.resolve(ref);
    const named = image.tags.find((t) => t.canonical === ref || t.familiar === ref || t.familiar === `${ref}:latest`);
    const existing = planned.find((p) => p.image.manifestDigest === image.manifestDigest);
    const tags = named ? [named.familiar] : image.tags.map((t) => t.familiar);
    if (existing) existing.tags.push(...tags.filter((t) => !existing.tags.includes(t)));
    else planned.push({ image, tags });
  }
  const blobs = new Map<Digest, number>();
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };
  const dockerManifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  for (const { image, tags } of planned) {
    blobs.set(image.manifestDigest, await store.blobs.size(image.manifestDigest));
    blobs.set(image.id, await store.blobs.size(image.id));
    for (const l of image.manifest.layers) blobs.set(l.digest as Digest, l.size);
    const desc: Descriptor = { mediaType: image.manifest.mediaType ?? MEDIA.ociManifest, digest: image.manifestDigest, size: blobs.get(image.manifestDigest)! };
    if (tags.length === 0) index.manifests.push(desc);
    for (const t of tags) {
      const tag = image.tags.find((x) => x.familiar === t)!;
      index.manifests.push({ ...desc, annotations: { [IMAGE_NAME]: tag.canonical, [REF_NAME]: tag.tag } });
    }
    dockerManifest.push({
      Config: `blobs/sha256/${image.id.slice(7)}`,
      RepoTags: tags.length > 0 ? tags : null,
      Layers: image.manifest.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
    });
  }
  const pack = tar.pack();
  const mtime = new Date(0);
  const file = (name: string, data: string | Buffer) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime, uid: 0, gid: 0, uname: "", gname: "" }, data, (e) => (e ? reject(e) : resolve())));
  (async () => {
    await new Promise<void>((resolve, reject) => pack.entry({ name: "blobs/", type: "directory", mode: 0o755, mtime }, (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve, reject) => pack.entry({ name: "blobs/sha256/", type: "directory", mode: 0o755, mtime }, (e) => (e ? reject(e) : resolve())));
    for (const [digest, size] of [...blobs].sort(([a], [b]) => a.localeCompare(b))) {
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ name: `blobs/sha256/${digest.slice(7)}`, size, mode: 0o644, mtime, uid: 0, gid: 0, uname: "", gname: "" }, (e) => (e ? reject(e) : resolve()));
        store.blobs.stream(digest).on("error", reject).pipe(sink);
      });
    }
    await file("index.json", JSON.stringify(index));
    if (format === "docker") await file("manifest.json", JSON.stringify(dockerManifest));
    await file("oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    pack.finalize();
  })().catch((e) => pack.destroy(e));
  return Readable.from(pack as AsyncIterable<Buffer>);
}
