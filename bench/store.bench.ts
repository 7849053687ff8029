import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { ImageStore, importRootfs, loadArchive, parseTagName, pullImage, pushImage, RegistrySettingsSchema, saveImages } from "@layerlab/core/node";
import { startRegistry } from "@layerlab/core/testing";

const DOCKER = "/usr/bin/docker";

/** A rootfs of `files` files totalling about `bytes`, half random and half zeros (compresses ~2:1). */
async function generateRootfs(path: string, files: number, bytes: number): Promise<void> {
  const pack = tar.pack();
  const out = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(path));
  const per = Math.floor(bytes / files);
  for (let i = 0; i < files; i++) {
    const body = Buffer.concat([randomBytes(per / 2), Buffer.alloc(per - per / 2)]);
    await new Promise<void>((resolve, reject) => pack.entry({ name: `data/d${i % 100}/f${i}.bin`, mode: 0o644, mtime: new Date(0) }, body, (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  await out;
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [(performance.now() - t0) / 1000, r];
}

function timeCommand(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

export interface StoreBench {
  rows: { operation: string; ours: number; peer: string; theirs: number }[];
  imageBytes: number;
  files: number;
  peakRssMb: number;
}

/** save/load against docker save/load, push/pull against skopeo copy, on one ~200 MB, 10,000-file image. */
export async function benchStore(): Promise<StoreBench> {
  if (!existsSync(DOCKER)) throw new Error("the store benchmark needs Debian's docker.io and a running dockerd");
  const dir = mkdtempSync(join(tmpdir(), "layerlab-bench-"));
  const rootfs = join(dir, "rootfs.tar");
  const files = 10_000;
  await generateRootfs(rootfs, files, 200 * 1024 * 1024);
  const store = await ImageStore.open(join(dir, "store"));
  await importRootfs(store, createReadStream(rootfs), { tags: [parseTagName("bench:1")!] });
  const rows: StoreBench["rows"] = [];

  const ourArchive = join(dir, "ours.tar");
  const [saveOurs] = await time(async () => pipeline(await saveImages(store, ["bench:1"]), createWriteStream(ourArchive)));
  const loadTheirs = timeCommand(DOCKER, ["load", "-i", ourArchive]);
  const theirArchive = join(dir, "docker.tar");
  const saveTheirs = timeCommand(DOCKER, ["save", "-o", theirArchive, "bench:1"]);
  rows.push({ operation: "save", ours: saveOurs, peer: "docker save", theirs: saveTheirs });
  const fresh = await ImageStore.open(join(dir, "store2"));
  const [loadOurs] = await time(() => loadArchive(fresh, createReadStream(ourArchive)));
  rows.push({ operation: "load", ours: loadOurs, peer: "docker load", theirs: loadTheirs });

  const registry = await startRegistry();
  try {
    const settings = RegistrySettingsSchema.parse({});
    const none = async () => null;
    await store.tag("bench:1", `${registry.host}/ours/bench:1`);
    const [pushOurs] = await time(() => pushImage(store, `${registry.host}/ours/bench:1`, { credentials: none, settings }));
    const pushTheirs = timeCommand("skopeo", ["copy", "--dest-tls-verify=false", "docker-daemon:bench:1", `docker://${registry.host}/skopeo/bench:1`]);
    rows.push({ operation: "push", ours: pushOurs, peer: "skopeo copy docker-daemon: → registry", theirs: pushTheirs });
    const empty = await ImageStore.open(join(dir, "store3"));
    const [pullOurs] = await time(() => pullImage(empty, `${registry.host}/ours/bench:1`, { credentials: none, settings }));
    const pullTheirs = timeCommand("skopeo", ["copy", "--src-tls-verify=false", `docker://${registry.host}/ours/bench:1`, `oci:${join(dir, "skopeo-oci")}:bench`]);
    rows.push({ operation: "pull", ours: pullOurs, peer: "skopeo copy registry → oci:", theirs: pullTheirs });
  } finally {
    await registry.stop();
    spawnSync(DOCKER, ["rmi", "bench:1"], { stdio: "ignore" });
  }
  return { rows, imageBytes: statSync(rootfs).size, files, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
