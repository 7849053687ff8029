import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, busyboxRootfsTar, ImageStore, importRootfs, parseTagName, saveImages } from "@layerlab/core/node";
import { scanContext } from "../packages/core/src/context/context-scan.js";

const DOCKER = "/usr/bin/docker";

const DOCKERFILE = `FROM bench-base:1 AS deps
WORKDIR /src
COPY manifest.txt ./
RUN wc -l manifest.txt > deps.txt

FROM bench-base:1 AS build
WORKDIR /src
COPY --from=deps /src/deps.txt ./
COPY src/ ./src/
RUN find src -type f | wc -l > count.txt

FROM bench-base:1
COPY --from=build /src/count.txt /count.txt
CMD ["cat", "/count.txt"]
`;

function context(files: number, bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-bench-ctx-"));
  const per = Math.floor(bytes / files);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, "src", `m${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), randomBytes(per / 2).toString("hex"));
  }
  writeFileSync(join(dir, "manifest.txt"), "dep-a\ndep-b\n");
  writeFileSync(join(dir, "Dockerfile"), DOCKERFILE);
  return dir;
}

function seconds(f: () => void): number {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
}

function dockerBuild(dir: string): number {
  return seconds(() => {
    const r = spawnSync(DOCKER, ["build", "--network=none", "-q", "-t", "bench-out:1", dir], { env: { ...process.env, DOCKER_BUILDKIT: "1" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  });
}

export interface BuildBench {
  rows: { scenario: string; ours: number; buildkit: number }[];
  checksum: { oursMBs: number; sha256sumMBs: number };
  peakRssMb: number;
}

/** Cold, no-op and one-file-edit builds of a 3-stage Dockerfile over a 5,000-file, 50 MB context. */
export async function benchBuild(): Promise<BuildBench> {
  const home = mkdtempSync(join(tmpdir(), "layerlab-bench-home-"));
  const store = await ImageStore.open(home);
  const nonce = randomBytes(8).toString("hex");
  await importRootfs(store, [await busyboxRootfsTar({ "etc/bench-nonce": nonce })], { tags: [parseTagName("bench-base:1")!] });
  const chunks: Buffer[] = [];
  for await (const c of await saveImages(store, ["bench-base:1"])) chunks.push(c as Buffer);
  spawnSync(DOCKER, ["load", "-q"], { input: Buffer.concat(chunks) });
  const dir = context(5000, 50 * 1024 * 1024);
  const ours = () => build({ store, contextDir: dir, dockerfileText: readFileSync(join(dir, "Dockerfile"), "utf8"), dockerfilePath: "Dockerfile", tags: ["bench-out:1"] });
  const time = async () => {
    const t = performance.now();
    await ours();
    return (performance.now() - t) / 1000;
  };
  const rows: BuildBench["rows"] = [];
  rows.push({ scenario: "cold build", ours: await time(), buildkit: dockerBuild(dir) });
  rows.push({ scenario: "no-op rebuild", ours: await time(), buildkit: dockerBuild(dir) });
  writeFileSync(join(dir, "src/m7/f7.txt"), randomBytes(100).toString("hex"));
  rows.push({ scenario: "one file edited", ours: await time(), buildkit: dockerBuild(dir) });

  const t0 = performance.now();
  await scanContext(dir);
  const ourSeconds = (performance.now() - t0) / 1000;
  const shaSeconds = seconds(() => spawnSync("sh", ["-c", `find ${dir}/src -type f -print0 | xargs -0 sha256sum > /dev/null`]));
  const mb = 50 * 1.048576;
  return { rows, checksum: { oursMBs: mb / ourSeconds, sha256sumMBs: mb / shaSeconds }, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
