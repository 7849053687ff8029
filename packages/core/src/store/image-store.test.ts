import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { diskUsage, imageHistory } from "./image-facts.js";
import { ImageStore } from "./image-store.js";

const tag = (n: string) => parseTagName(n)!;
let rootfs: Buffer;
const fresh = () => ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));

beforeAll(async () => {
  rootfs = await busyboxRootfsTar();
});

describe("the image store", () => {
  it("image ID is the config digest; tags are normalised references", async () => {
    const store = await fresh();
    const { id } = await importRootfs(store, [rootfs], { tags: [tag("busybox")] });
    const image = await store.resolve("docker.io/library/busybox:latest");
    expect(image.id).toBe(id);
    expect(image.tags.map((t) => [t.familiar, t.canonical])).toEqual([["busybox:latest", "docker.io/library/busybox:latest"]]);
    expect((await store.resolve(id.slice(7, 19))).id).toBe(id);
    await expect(store.resolve("nope")).rejects.toThrow("no such image: nope");
  });

  it("moving a tag leaves the old image dangling, not deleted", async () => {
    const store = await fresh();
    const first = await importRootfs(store, [rootfs], { tags: [tag("app:1")], changes: ["ENV V=1"] });
    const second = await importRootfs(store, [rootfs], { tags: [tag("app:1")], changes: ["ENV V=2"] });
    const images = await store.images();
    expect(images.map((i) => [i.id, i.tags.map((t) => t.familiar)])).toEqual(
      expect.arrayContaining([
        [second.id, ["app:1"]],
        [first.id, []],
      ]),
    );
    await store.tag(first.id, "app:old");
    expect((await store.resolve("app:old")).id).toBe(first.id);
  });

  it("rmi of one of several tags only untags; of the last tag deletes; of an ID with several tags needs --force", async () => {
    const store = await fresh();
    const { id } = await importRootfs(store, [rootfs], { tags: [tag("a:1"), tag("b:1")] });
    expect(await store.remove("a:1")).toEqual({ untagged: ["a:1"], deleted: [] });
    await store.tag("b:1", "c:1");
    await expect(store.remove(id)).rejects.toThrow(/referenced in multiple repositories/);
    expect(await store.remove("b:1")).toEqual({ untagged: ["b:1"], deleted: [] });
    expect(await store.remove("c:1")).toEqual({ untagged: ["c:1"], deleted: [id] });
    expect(await store.images()).toEqual([]);
  });

  it("rmi refuses an image in use unless forced, and forced only untags it (the user still needs it)", async () => {
    const store = await fresh();
    const { id } = await importRootfs(store, [rootfs], { tags: [tag("used:1")] });
    const inUse = async (i: string) => (i === id ? "container happy_turing" : null);
    await expect(store.remove("used:1", { inUse })).rejects.toThrow("is in use by container happy_turing");
    expect(await store.remove("used:1", { inUse, force: true })).toEqual({ untagged: ["used:1"], deleted: [] });
    expect((await store.resolve(id)).tags).toEqual([]);
  });

  it("prune removes dangling images; -a removes every unused image; blobs go with them", async () => {
    const store = await fresh();
    await importRootfs(store, [rootfs], { tags: [tag("p:1")], changes: ["ENV V=1"] });
    await importRootfs(store, [rootfs], { tags: [tag("p:1")], changes: ["ENV V=2"] });
    const before = (await store.blobs.list()).length;
    const dangling = await store.prune();
    expect(dangling.deleted).toHaveLength(1);
    expect((await store.images()).map((i) => i.tags.map((t) => t.familiar))).toEqual([["p:1"]]);
    const all = await store.prune({ all: true });
    expect(all.deleted).toHaveLength(1);
    expect(await store.images()).toEqual([]);
    expect(before).toBeGreaterThan(0);
  });

  it("history shows empty steps as 0 B and layer steps with their size; df counts shared layers once", async () => {
    const store = await fresh();
    await importRootfs(store, [rootfs], { tags: [tag("h:1")] });
    await importRootfs(store, [rootfs], { tags: [tag("h:2")], changes: ["ENV X=1"] });
    const rows = await imageHistory(store, await store.resolve("h:1"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.size).toBeGreaterThan(1_000_000);
    const usage = await diskUsage(store);
    expect(usage.images.total).toBe(2);
    expect(usage.layers).toHaveLength(1);
    expect(usage.shared).toBe(usage.images.size);
  });

  it("GC never removes blobs a running operation holds (a lease) or a tag references", async () => {
    const store = await fresh();
    await importRootfs(store, [rootfs], { tags: [tag("kept:1")] });
    const orphan = await store.blobs.putBytes("not referenced by any image");
    const held = await store.blobs.putBytes("held by a running operation");
    const lease = await store.lease([held.digest]);
    const old = new Date(Date.now() - 3_600_000);
    const { utimes } = await import("node:fs/promises");
    for (const d of [orphan.digest, held.digest]) await utimes(store.blobs.path(d), old, old);
    await store.collectGarbage();
    expect(await store.blobs.has(orphan.digest)).toBe(false);
    expect(await store.blobs.has(held.digest)).toBe(true);
    expect((await store.resolve("kept:1")).id).toMatch(/^sha256:/);
    await lease.release();
    await store.collectGarbage();
    expect(await store.blobs.has(held.digest)).toBe(false);
  });

  it("two processes tagging at once lose no tag", async () => {
    const root = mkdtempSync(join(tmpdir(), "layerlab-store-"));
    const store = await ImageStore.open(root);
    await importRootfs(store, [rootfs], { tags: [tag("base:1")] });
    const script = fileURLToPath(new URL("../testing/tagger.ts", import.meta.url));
    const run = (prefix: string) =>
      new Promise<number>((resolve) => spawn(process.execPath, ["--import", "tsx", script, root, prefix, "30"], { stdio: "ignore" }).once("exit", (c) => resolve(c ?? 1)));
    expect(await Promise.all([run("left"), run("right")])).toEqual([0, 0]);
    const tags = (await store.resolve("base:1")).tags.map((t) => t.familiar);
    expect(tags).toHaveLength(61);
  }, 120_000);
});
