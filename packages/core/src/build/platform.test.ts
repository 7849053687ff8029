import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { MEDIA } from "../image/oci-schemas.js";
import type { Digest } from "../store/digest.js";
import { hostPlatform, ImageStore } from "../store/image-store.js";
import { build } from "./engine.js";

let store: ImageStore;
let context: string;
const host = hostPlatform();
const foreign = host.architecture === "arm64" ? "amd64" : "arm64";

/** A multi-platform base: the host's variant and a foreign one, told apart by /etc/arch. */
beforeAll(async () => {
  store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-platform-")));
  const variants = [];
  for (const arch of [host.architecture, foreign]) {
    const { id, manifestDigest } = await importRootfs(store, [await busyboxRootfsTar({ "etc/arch": `${arch}\n` })], { tags: [] });
    const manifest = await store.readManifest(manifestDigest);
    const config = { ...(await store.readConfig(id)), architecture: arch };
    const configBlob = await store.putJson(config);
    const m = await store.putJson({ ...manifest, config: { ...manifest.config, digest: configBlob.digest, size: configBlob.size } });
    variants.push({ mediaType: MEDIA.ociManifest, digest: m.digest, size: m.size, platform: { os: "linux", architecture: arch } });
  }
  const index = await store.putJson({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: variants });
  await store.addImage(index.digest as Digest, MEDIA.ociIndex, index.size, [parseTagName("multi:1")!]);
  context = mkdtempSync(join(tmpdir(), "layerlab-platform-ctx-"));
  mkdirSync(join(context, "src"));
  writeFileSync(join(context, "src", "app"), "app\n");
});

const dockerfile = (text: string) => ({ store, contextDir: context, dockerfilePath: "Dockerfile", dockerfileText: text });

describe("building for a platform", () => {
  it("takes the base variant and the config's architecture from --platform, and sets TARGETARCH", async () => {
    const result = await build({ ...dockerfile("FROM multi:1\nARG TARGETARCH\nCOPY src/app /opt/$TARGETARCH/app\n"), platform: { os: "linux", architecture: foreign }, tags: ["out:foreign"] });
    const image = await store.resolve(result.imageId, { os: "linux", architecture: foreign });
    expect(image.config.architecture).toBe(foreign);
    const base = await store.resolve("multi:1", { os: "linux", architecture: foreign });
    expect(image.config.rootfs.diff_ids[0]).toBe(base.config.rootfs.diff_ids[0]);
    expect(image.config.history?.at(-1)?.created_by).toBe(`COPY src/app /opt/${foreign}/app # buildkit`);
  });

  it("FROM --platform picks the variant per stage; the default is the host's", async () => {
    const result = await build(dockerfile(`FROM --platform=linux/${foreign} multi:1 AS other\nFROM multi:1\nCOPY --from=other /etc/arch /other-arch\n`));
    const image = await store.resolve(result.imageId);
    expect(image.config.architecture).toBe(host.architecture);
    const records = await Promise.all(image.config.rootfs.diff_ids.map((d) => store.layerRecord(d as Digest)));
    expect(records.at(-1)?.entries.map((e) => [e.path, e.size])).toEqual([["other-arch", foreign.length + 1]]);
  });

  it("says which platforms a base has when the wanted one is missing, and why RUN cannot run for a foreign one", async () => {
    await expect(build({ ...dockerfile("FROM multi:1\n"), platform: { os: "linux", architecture: "s390x" } })).rejects.toThrow(`base image multi:1: no linux/s390x image in`);
    await expect(build({ ...dockerfile("FROM multi:1\n"), platform: { os: "linux", architecture: "s390x" } })).rejects.toThrow(`(it has linux/${host.architecture}, linux/${foreign})`);
    await expect(build({ ...dockerfile("FROM multi:1\nRUN true\n"), platform: { os: "linux", architecture: foreign } })).rejects.toThrow(
      `RUN for linux/${foreign} on this linux/${host.architecture} machine needs an emulator registered with binfmt_misc`,
    );
    await expect(build(dockerfile("FROM --platform=linux multi:1\n"))).rejects.toThrow('invalid platform "linux" in FROM --platform: use os/arch[/variant], e.g. linux/arm64');
  });
});
