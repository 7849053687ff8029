import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";
import { collect } from "../testing/tar-fixtures.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { exportRootfs } from "./export-rootfs.js";
import { importRootfs } from "./import-rootfs.js";
import { loadArchive } from "./load-archive.js";
import { saveImages } from "./save-archive.js";

const newStore = () => ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));

async function names(archive: Buffer): Promise<string[]> {
  const extract = tar.extract();
  Readable.from([archive]).pipe(extract);
  const out: string[] = [];
  for await (const e of extract) {
    out.push(e.header.name);
    e.resume();
  }
  return out;
}

let source: ImageStore;
let rootfs: Buffer;

beforeAll(async () => {
  source = await newStore();
  rootfs = await busyboxRootfsTar();
  await importRootfs(source, [rootfs], { tags: [parseTagName("busybox:1.36")!, parseTagName("localhost:5000/team/bb:v1")!], changes: ['CMD ["sh"]'] });
});

describe("save and load", () => {
  it("save writes an OCI layout plus the manifest.json docker load reads", async () => {
    const archive = await collect(await saveImages(source, ["busybox:1.36"]));
    const files = await names(archive);
    expect(files).toEqual(expect.arrayContaining(["oci-layout", "index.json", "manifest.json"]));
    expect(files.filter((f) => f.startsWith("blobs/sha256/") && f.length > 20)).toHaveLength(3);
    expect(await collect(await saveImages(source, ["busybox:1.36"]))).toEqual(archive);
  });

  it("--format oci writes the layout alone", async () => {
    expect(await names(await collect(await saveImages(source, ["busybox:1.36"], "oci")))).not.toContain("manifest.json");
  });

  it("load into an empty store gives the same image ID, tags and files", async () => {
    const original = await source.resolve("busybox:1.36");
    const target = await newStore();
    const loaded = await loadArchive(target, [await collect(await saveImages(source, ["busybox:1.36", "localhost:5000/team/bb:v1"]))]);
    expect(loaded).toEqual([{ id: original.id, tags: ["busybox:1.36", "localhost:5000/team/bb:v1"] }]);
    const again = await target.resolve("localhost:5000/team/bb:v1");
    expect(again.config.rootfs.diff_ids).toEqual(original.config.rootfs.diff_ids);
    expect(await collect(await exportRootfs(target, "busybox:1.36"))).toEqual(await collect(await exportRootfs(source, "busybox:1.36")));
  });

  it("loads an OCI layout (no manifest.json), keeping its names", async () => {
    const target = await newStore();
    const loaded = await loadArchive(target, [await collect(await saveImages(source, ["busybox:1.36"], "oci"))]);
    expect(loaded[0]!.tags).toEqual(["busybox:1.36"]);
  });

  it("loads a Docker 20.10 style archive: <id>/layer.tar uncompressed, config by ID, gzip archive", async () => {
    const original = await source.resolve("busybox:1.36");
    const configBytes = await source.blobs.readBytes(original.id);
    const diffId = original.config.rootfs.diff_ids[0]!;
    const { gunzipSync } = await import("node:zlib");
    const layerTar = gunzipSync(await source.blobs.readBytes(original.manifest.layers[0]!.digest as `sha256:${string}`, 1e9));
    const pack = tar.pack();
    const id = "30eab922" + "0".repeat(56);
    pack.entry({ name: `${id}/VERSION` }, "1.0");
    pack.entry({ name: `${id}/json` }, "{}");
    pack.entry({ name: `${id}/layer.tar` }, layerTar);
    pack.entry({ name: `${original.id.slice(7)}.json` }, configBytes);
    pack.entry({ name: "manifest.json" }, JSON.stringify([{ Config: `${original.id.slice(7)}.json`, RepoTags: ["old:style"], Layers: [`${id}/layer.tar`] }]));
    pack.entry({ name: "repositories" }, JSON.stringify({ old: { style: id } }));
    pack.finalize();
    const target = await newStore();
    const loaded = await loadArchive(target, [gzipSync(await collect(pack as unknown as AsyncIterable<Buffer>))]);
    expect(loaded).toEqual([{ id: original.id, tags: ["old:style"] }]);
    expect((await target.resolve("old:style")).config.rootfs.diff_ids).toEqual([diffId]);
  });

  it("refuses an archive whose layer does not match the config's diffID, and stores nothing", async () => {
    const original = await source.resolve("busybox:1.36");
    const config = JSON.parse((await source.blobs.readBytes(original.id)).toString());
    config.rootfs.diff_ids = ["sha256:" + "0".repeat(64)];
    const pack = tar.pack();
    pack.entry({ name: "config.json" }, JSON.stringify(config));
    pack.entry({ name: "layer.tar" }, await collect(await exportRootfs(source, "busybox:1.36")));
    pack.entry({ name: "manifest.json" }, JSON.stringify([{ Config: "config.json", RepoTags: ["bad:one"], Layers: ["layer.tar"] }]));
    pack.finalize();
    const target = await newStore();
    await expect(loadArchive(target, [await collect(pack as unknown as AsyncIterable<Buffer>)])).rejects.toThrow(/diffID/);
    expect(await target.images()).toEqual([]);
  });

  it("refuses invalid tags and archives that are not images", async () => {
    const target = await newStore();
    const pack = tar.pack();
    pack.entry({ name: "hello.txt" }, "hi");
    pack.finalize();
    await expect(loadArchive(target, [await collect(pack as unknown as AsyncIterable<Buffer>)])).rejects.toThrow(/not an image archive/);
  });
});
