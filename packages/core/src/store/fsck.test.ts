import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { fsck } from "./fsck.js";
import { ImageStore } from "./image-store.js";

const WRITER = fileURLToPath(new URL("../testing/crash-writer.ts", import.meta.url));

describe("fsck", () => {
  it("reports a clean store clean, and finds a blob whose content changed", async () => {
    const store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-fsck-")));
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("bb:1")!] });
    expect((await fsck(store)).problems).toEqual([]);
    const image = await store.resolve("bb:1");
    await writeFile(store.blobs.path(image.id), "{}");
    expect((await fsck(store)).problems.map((p) => p.message)).toContain(`blob ${image.id} has content with digest sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a`);
  });

  it("a writer killed at random moments, many times, always leaves a store fsck calls clean", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layerlab-crash-"));
    const root = join(dir, "store");
    const rootfs = join(dir, "rootfs.tar");
    writeFileSync(rootfs, await busyboxRootfsTar());
    const rounds = 25;
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, ["--import", "tsx", WRITER, root, rootfs], { stdio: "ignore" });
      // Kill somewhere between start-up and several completed imports.
      await new Promise((r) => setTimeout(r, 400 + Math.floor(Math.random() * 1200)));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const report = await fsck(await ImageStore.open(root));
      expect(report.problems.filter((p) => p.kind === "corrupt"), `round ${round}`).toEqual([]);
    }
    const store = await ImageStore.open(root);
    const images = await store.images();
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) await store.resolve(image.id);
  }, 300_000);
});
