import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";
import { collect } from "../testing/tar-fixtures.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { docker, dockerBytes } from "../testing/docker-cli.js";
import { exportRootfs } from "./export-rootfs.js";
import { importRootfs } from "./import-rootfs.js";
import { loadArchive } from "./load-archive.js";
import { saveImages } from "./save-archive.js";

const TAG = `layerlab-interop-${process.pid}`;
let store: ImageStore;

beforeAll(async () => {
  store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName(`${TAG}:a`)!], changes: ['CMD ["echo", "hello from layerlab"]', "ENV WHO=layerlab"] });
});

describe("interoperability with real Docker (Debian docker.io, daemon started by scripts/test.sh)", () => {
  it("docker load accepts our save, and docker run runs the image", async () => {
    const archive = await collect(await saveImages(store, [`${TAG}:a`]));
    expect(docker(["load"], archive)).toContain(`Loaded image: ${TAG}:a`);
    const ours = await store.resolve(`${TAG}:a`);
    expect(docker(["image", "inspect", "--format", "{{.Id}}", `${TAG}:a`]).trim()).toBe(ours.id);
    expect(docker(["run", "--rm", "--network=none", `${TAG}:a`]).trim()).toBe("hello from layerlab");
    expect(docker(["run", "--rm", "--network=none", `${TAG}:a`, "sh", "-c", "echo $WHO; cat /etc/passwd | head -1"]).trim()).toBe("layerlab\nroot:x:0:0:root:/root:/bin/sh");
  });

  it("our load accepts what docker save wrote, with the same ID, layers and files", async () => {
    docker(["tag", `${TAG}:a`, `${TAG}:from-docker`]);
    const saved = dockerBytes(["save", `${TAG}:from-docker`]);
    const target = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));
    const loaded = await loadArchive(target, [saved]);
    const original = await store.resolve(`${TAG}:a`);
    expect(loaded).toEqual([{ id: original.id, tags: [`${TAG}:from-docker`] }]);
    expect(await collect(await exportRootfs(target, `${TAG}:from-docker`))).toEqual(await collect(await exportRootfs(store, `${TAG}:a`)));
  });

  it("an image committed by Docker (a second layer with a whiteout) loads and exports correctly", async () => {
    const name = `${TAG}-commit`;
    docker(["rm", "-f", name]);
    docker(["run", "--name", name, "--network=none", `${TAG}:a`, "sh", "-c", "rm /etc/group && echo changed > /root/note && chmod 600 /root/note"]);
    docker(["commit", name, `${TAG}:committed`]);
    docker(["rm", "-f", name]);
    const target = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));
    await loadArchive(target, [dockerBytes(["save", `${TAG}:committed`])]);
    const image = await target.resolve(`${TAG}:committed`);
    expect(image.manifest.layers).toHaveLength(2);
    const top = await target.layerRecord(image.config.rootfs.diff_ids[1]! as `sha256:${string}`);
    expect(top!.entries).toEqual(expect.arrayContaining([expect.objectContaining({ type: "whiteout", path: "etc/group" }), expect.objectContaining({ path: "root/note", mode: 0o600 })]));
    const { Readable } = await import("node:stream");
    const tar = (await import("tar-stream")).default;
    const extract = tar.extract();
    Readable.from(await exportRootfs(target, `${TAG}:committed`)).pipe(extract);
    const paths: string[] = [];
    for await (const e of extract) {
      paths.push(e.header.name);
      e.resume();
    }
    expect(paths).toContain("root/note");
    expect(paths).not.toContain("etc/group");
    expect(paths.some((p) => p.includes(".wh."))).toBe(false);
  });
});
