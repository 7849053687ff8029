/** For the concurrency test: adds N tags to base:1. Usage: tagger.ts STORE PREFIX N */
import { ImageStore } from "../store/image-store.js";

const [root, prefix, count] = process.argv.slice(2);
const store = await ImageStore.open(root!);
for (let i = 0; i < Number(count); i++) await store.tag("base:1", `${prefix}:${i}`);
