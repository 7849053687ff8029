import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { tarBuffer } from "../testing/tar-fixtures.js";
import { imageFile } from "./image-file.js";
import { ImageStore } from "./image-store.js";

describe("reading a file out of an image's layer", () => {
  it("streams the file from the layer blob, capped, following hardlinks", async () => {
    const store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-file-")));
    const tar = await tarBuffer([
      { name: "etc/", type: "directory" },
      { name: "etc/motd", body: "hello\n" },
      { name: "etc/big", body: "x".repeat(5000) },
      { name: "etc/same", type: "link", linkname: "etc/motd" },
    ]);
    await importRootfs(store, [tar], { tags: [parseTagName("files:1")!] });
    const image = await store.resolve("files:1");
    expect(await imageFile(store, image, 0, "/etc/motd", "layer", 1024)).toMatchObject({ head: Buffer.from("hello\n"), size: 6, truncated: false, layer: 0 });
    expect(await imageFile(store, image, 0, "etc/same", "merged", 1024)).toMatchObject({ head: Buffer.from("hello\n"), layer: 0 });
    const big = await imageFile(store, image, 0, "etc/big", "layer", 100);
    expect([big.head.length, big.size, big.truncated]).toEqual([100, 5000, true]);
    await expect(imageFile(store, image, 0, "etc/nope", "layer", 10)).rejects.toThrow('"/etc/nope" is not in layer 0');
    await expect(imageFile(store, image, 0, "etc", "layer", 10)).rejects.toThrow('"etc" is a directory, not a regular file');
    await expect(imageFile(store, image, 3, "etc/motd", "layer", 10)).rejects.toThrow("image has no layer 3 (it has 1)");
  });
});
