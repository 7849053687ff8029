/**
 * A store writer for the crash test: imports and tags images in a loop until it is killed.
 * Usage: node --import tsx crash-writer.ts STORE_DIR ROOTFS_TAR
 */
import { readFileSync } from "node:fs";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";

const [root, rootfsPath] = process.argv.slice(2);
const store = await ImageStore.open(root!);
const rootfs = readFileSync(rootfsPath!);
for (let i = 0; ; i++) {
  await importRootfs(store, [rootfs], {
    tags: [parseTagName(`crash:${i % 3}`)!],
    changes: [`ENV ROUND=${process.pid}-${i}`],
  });
  await store.tag(`crash:${i % 3}`, `crash:latest`);
  if (i % 4 === 3) await store.prune();
}
