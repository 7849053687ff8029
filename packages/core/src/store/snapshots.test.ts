import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import type { Digest } from "./digest.js";
import { ImageStore } from "./image-store.js";
import { ingestLayerTar } from "./layer-ingest.js";
import { layerSnapshots } from "./snapshots.js";
import { tarBuffer } from "../testing/tar-fixtures.js";

describe("layer snapshots for overlayfs (root only, as RUN needs)", () => {
  it("extracts each layer once by ChainID, and overlayfs over them shows the image's filesystem", async () => {
    expect(process.getuid?.()).toBe(0);
    const store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-snap-")));
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("bb:1")!] });
    const base = await store.resolve("bb:1");
    const top = await ingestLayerTar(store, [await tarBuffer([{ name: "etc/.wh.group" }, { name: "tmp/", type: "directory" }, { name: "tmp/.wh..wh..opq" }, { name: "hello.txt", body: "hi" }])]);
    const layers = [
      { digest: base.manifest.layers[0]!.digest as Digest, diffId: base.config.rootfs.diff_ids[0] as Digest },
      { digest: top.digest, diffId: top.diffId },
    ];
    const dirs = await layerSnapshots(store, layers);
    expect(dirs).toHaveLength(2);
    expect(await layerSnapshots(store, layers)).toEqual(dirs);
    const mnt = mkdtempSync(join(tmpdir(), "layerlab-mnt-"));
    const upper = join(mnt, "upper");
    const work = join(mnt, "work");
    const merged = join(mnt, "merged");
    for (const d of [upper, work, merged]) mkdirSync(d);
    execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${[...dirs].reverse().join(":")},upperdir=${upper},workdir=${work}`, merged]);
    try {
      expect(readFileSync(join(merged, "hello.txt"), "utf8")).toBe("hi");
      expect(existsSync(join(merged, "etc/passwd"))).toBe(true);
      expect(existsSync(join(merged, "etc/group"))).toBe(false);
      expect(existsSync(join(merged, "bin/busybox"))).toBe(true);
    } finally {
      execFileSync("umount", [merged]);
    }
  });
});
