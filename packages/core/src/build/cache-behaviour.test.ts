import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { importRootfs } from "../archive/import-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import type { BuildEvent } from "../protocol/build-events.js";
import { ImageStore } from "../store/image-store.js";
import { BuildError } from "./build-error.js";
import { build } from "./engine.js";
import { analyzeDockerfile } from "../lint/lint.js";
import { saveImages } from "../archive/save-archive.js";
import { docker } from "../testing/docker-cli.js";
import { buildkitDecisions } from "../testing/docker-buildkit.js";
import { collect } from "../testing/tar-fixtures.js";

let store: ImageStore;

beforeAll(async () => {
  store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-build-")));
  // A base unique to this run (a nonce file in its layer), so Docker's daemon-wide cache from
  // earlier runs cannot answer for steps this run has not built yet.
  const nonce = `${process.pid}-${Date.now()}`;
  await importRootfs(store, [await busyboxRootfsTar({ "etc/layerlab-test-run": nonce })], { tags: [parseTagName("busybox:1.36")!], changes: ['CMD ["sh"]'] });
  // The same base image for Docker's BuildKit, so both builders start from identical layers.
  docker(["load"], await collect(await saveImages(store, ["busybox:1.36"])));
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-ctx-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface StepView {
  line: number;
  cache: string;
  reason: string | null;
}

/**
 * BuildKit's decision for each of our steps, keyed by line: BuildKit numbers the steps of a
 * stage that have a key ([name k/n], FROM is 1); ours are mapped to the same numbers.
 */
function buildkitByLine(dir: string, options: Parameters<typeof buildkitDecisions>[1]): Map<number, string> {
  const decisions = buildkitDecisions(dir, options);
  const analysis = analyzeDockerfile(readFileSync(join(dir, "Dockerfile"), "utf8"));
  const multi = analysis.graph.stages.length > 1;
  const out = new Map<number, string>();
  for (const stage of analysis.resolution.split.stages) {
    const keyed = stage.instructions.filter((i) => ["RUN", "COPY", "ADD", "WORKDIR"].includes(i.kind));
    keyed.forEach((ins, k) => {
      const label = multi ? (stage.name ?? `stage-${stage.index}`) : "";
      const d = decisions.get(`${label}:${k + 2}`);
      if (d) out.set(ins.range.line, d);
    });
  }
  return out;
}

/** Runs the same build through Docker's BuildKit and checks it decided every step the same way, except `differ`. */
async function runBoth(dir: string, options: { buildArgs?: Record<string, string>; noCache?: boolean; target?: string } = {}, differ: number[] = []) {
  const ours = await run(dir, options);
  const theirs = buildkitByLine(dir, options);
  for (const s of ours.steps) {
    const bk = theirs.get(s.line);
    if (bk === undefined) continue;
    if (differ.includes(s.line)) expect(bk, `line ${s.line}: BuildKit's documented stale hit`).not.toBe(s.cache);
    else expect(bk, `line ${s.line}: BuildKit decided ${bk}, we decided ${s.cache}`).toBe(s.cache);
  }
  return ours;
}

async function run(dir: string, options: { buildArgs?: Record<string, string>; noCache?: boolean; target?: string } = {}): Promise<{ steps: StepView[]; events: BuildEvent[]; id: string }> {
  const events: BuildEvent[] = [];
  const result = await build({
    store,
    contextDir: dir,
    dockerfileText: readFileSync(join(dir, "Dockerfile"), "utf8"),
    dockerfilePath: "Dockerfile",
    tags: [],
    onEvent: (e) => events.push(e),
    ...options,
  });
  const steps = events.flatMap((e) => (e.type === "step.finished" && e.cache !== "none" ? [{ line: e.line, cache: e.cache, reason: e.reason }] : [])).sort((a, b) => a.line - b.line);
  return { steps, events, id: result.imageId };
}

const cacheOf = (steps: StepView[]) => Object.fromEntries(steps.map((s) => [s.line, s.cache]));
const reasonAt = (steps: StepView[], line: number) => steps.find((s) => s.line === line)?.reason;

const BASIC = `FROM busybox:1.36
WORKDIR /app
COPY app/ ./app/
RUN cat app/*.txt > all.txt
COPY notes.md /notes.md
RUN echo done
`;

describe("cache decisions (BuildKit's rules, research §1–§4), checked against Docker's BuildKit in the same run", () => {
  it("first build misses every step; an unchanged rebuild hits every step and names the build it came from", async () => {
    const dir = workspace({ Dockerfile: BASIC, "app/a.txt": "a\n", "app/b.txt": "b\n", "notes.md": "n" });
    const first = await run(dir);
    buildkitByLine(dir, {});
    expect(first.steps.map((s) => s.cache)).toEqual(["miss", "miss", "miss", "miss", "miss"]);
    expect(reasonAt(first.steps, 3)).toBe("no earlier build of this step");
    const second = await runBoth(dir);
    expect(second.steps.map((s) => s.cache)).toEqual(["hit", "hit", "hit", "hit", "hit"]);
    const hit = second.events.find((e) => e.type === "step.cache" && e.cache === "hit");
    expect(hit && hit.type === "step.cache" && hit.fromBuild).toBe(first.events[0]!.buildId);
    expect(second.id).toBe(first.id.length > 0 ? second.id : "");
  });

  it("editing a copied file misses that COPY, naming the file, and every later step in the stage", async () => {
    const dir = workspace({ Dockerfile: BASIC, "app/a.txt": "a\n", "app/b.txt": "b\n", "notes.md": "n" });
    await runBoth(dir);
    writeFileSync(join(dir, "app/b.txt"), "B\n");
    const { steps } = await runBoth(dir);
    expect(cacheOf(steps)).toEqual({ 2: "hit", 3: "miss", 4: "miss", 5: "miss", 6: "miss" });
    expect(reasonAt(steps, 3)).toMatch(/^app\/b\.txt changed \([0-9a-f]{12} → [0-9a-f]{12}\)$/);
    expect(reasonAt(steps, 4)).toBe("the step before it changed");
  });

  it("touching a file (mtime only) hits; chmod of a file misses", async () => {
    const dir = workspace({ Dockerfile: BASIC, "app/a.txt": "a\n", "notes.md": "n" });
    await runBoth(dir);
    utimesSync(join(dir, "app/a.txt"), new Date(1e12), new Date(1e12));
    expect(cacheOf((await runBoth(dir)).steps)[3]).toBe("hit");
    chmodSync(join(dir, "app/a.txt"), 0o600);
    expect(cacheOf((await runBoth(dir)).steps)[3]).toBe("miss");
  });

  it("no stale hits where BuildKit has them: a directory chmod, and a same-size same-mtime edit, both miss", async () => {
    const dir = workspace({ Dockerfile: BASIC, "app/a.txt": "aaaa\n", "notes.md": "n" });
    await runBoth(dir);
    chmodSync(join(dir, "app"), 0o700);
    const dirChmod = await runBoth(dir, {}, [3, 4, 5, 6]);
    expect(cacheOf(dirChmod.steps)[3]).toBe("miss");
    const before = statSync(join(dir, "app/a.txt"));
    writeFileSync(join(dir, "app/a.txt"), "bbbb\n");
    utimesSync(join(dir, "app/a.txt"), before.atime, before.mtime);
    const sneaky = await run(dir);
    expect(cacheOf(sneaky.steps)[3]).toBe("miss");
    expect(reasonAt(sneaky.steps, 3)).toMatch(/^app\/a\.txt changed/);
  });

  it("adding or deleting a file in a copied directory misses; editing a file no COPY reads hits", async () => {
    const dir = workspace({ Dockerfile: BASIC, "app/a.txt": "a\n", "notes.md": "n", "other.txt": "x" });
    await runBoth(dir);
    writeFileSync(join(dir, "other.txt"), "y");
    expect((await runBoth(dir)).steps.every((s) => s.cache === "hit")).toBe(true);
    writeFileSync(join(dir, "app/c.txt"), "c\n");
    const added = await runBoth(dir);
    expect(reasonAt(added.steps, 3)).toBe("app/c.txt was added");
  });

  it("a file excluded by .dockerignore never busts the cache", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nCOPY . /ctx/\nRUN ls /ctx\n", ".dockerignore": "*.log\nDockerfile\n", "a.txt": "a", "sub/b.txt": "b", "debug.log": "1" });
    const first = await runBoth(dir);
    const image = await store.resolve(first.id);
    const copied = (await store.layerRecord(image.config.rootfs.diff_ids[1] as `sha256:${string}`))!.entries.map((e) => e.path).sort();
    expect(copied).toEqual(["ctx", "ctx/.dockerignore", "ctx/a.txt", "ctx/sub", "ctx/sub/b.txt"]);
    writeFileSync(join(dir, "debug.log"), "2");
    expect((await runBoth(dir)).steps.map((s) => s.cache)).toEqual(["hit", "hit"]);
  });

  it("a declared ARG changes every later RUN even when unused; an undeclared build-arg changes nothing", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nARG FLAVOR=a\nCOPY x /x\nRUN echo unrelated\n", x: "x" });
    await runBoth(dir);
    const changed = await runBoth(dir, { buildArgs: { FLAVOR: "b" } });
    expect(cacheOf(changed.steps)).toEqual({ 3: "hit", 4: "miss" });
    expect(reasonAt(changed.steps, 4)).toBe("build-arg FLAVOR changed: a → b");
    expect((await runBoth(dir, { buildArgs: { FLAVOR: "b", NOT_DECLARED: "1" } })).steps.every((s) => s.cache === "hit")).toBe(true);
  });

  it("ENV changes RUN but not COPY; LABEL and CMD change no key", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nENV MODE=dev\nLABEL v=1\nCMD [\"a\"]\nCOPY x /x\nRUN echo $MODE\n", x: "x" });
    await runBoth(dir);
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:1.36\nENV MODE=prod\nLABEL v=2\nCMD [\"b\"]\nCOPY x /x\nRUN echo $MODE\n");
    const { steps } = await runBoth(dir);
    expect(cacheOf(steps)).toEqual({ 5: "hit", 6: "miss" });
    expect(reasonAt(steps, 6)).toBe("env MODE changed: dev → prod");
  });

  it("RUN keys on the command text: extra whitespace misses, a comment line does not", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nRUN echo  hi\n" });
    await runBoth(dir);
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:1.36\n# a comment\nRUN echo  hi\n");
    expect(cacheOf((await runBoth(dir)).steps)).toEqual({ 3: "hit" });
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:1.36\nRUN echo hi\n");
    const { steps } = await runBoth(dir);
    expect(cacheOf(steps)).toEqual({ 2: "miss" });
    expect(reasonAt(steps, 2)).toBe("instruction changed");
  });

  it("a stage that re-runs but writes the same output lets COPY --from hit (content-keyed)", async () => {
    const text = (n: string) => `FROM busybox:1.36 AS gen\nARG N=${n}\nRUN echo same > /out.txt\nFROM busybox:1.36\nCOPY --from=gen /out.txt /out.txt\nRUN cat /out.txt\n`;
    const dir = workspace({ Dockerfile: text("1") });
    await runBoth(dir);
    writeFileSync(join(dir, "Dockerfile"), text("2"));
    const { steps } = await runBoth(dir);
    expect(cacheOf(steps)).toEqual({ 3: "miss", 5: "hit", 6: "hit" });
  });

  it("--target builds only the stages it needs; --no-cache misses everything with that reason", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36 AS one\nRUN echo one\nFROM busybox:1.36 AS broken\nRUN false\nFROM busybox:1.36\nRUN echo final\n" });
    const only = await runBoth(dir, { target: "one" });
    expect(only.steps.map((s) => s.line)).toEqual([2]);
    const all = await runBoth(dir);
    expect(all.steps.map((s) => s.line)).toEqual([6]);
    const fresh = await runBoth(dir, { noCache: true });
    expect(fresh.steps).toEqual([{ line: 6, cache: "miss", reason: "--no-cache" }]);
  });

  it("a failing RUN reports its line, exit code and last output; fixing it resumes from the cache", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nRUN echo prepared > /p\nRUN echo oops >&2; exit 7\n" });
    const failure = await run(dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BuildError);
    expect((failure as BuildError).message).toMatch(/^line 3: process "\/bin\/sh -c echo oops >&2; exit 7" did not complete successfully: exit code: 7\n {2}oops$/);
    expect((failure as BuildError).range?.line).toBe(3);
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:1.36\nRUN echo prepared > /p\nRUN cat /p\n");
    expect(cacheOf((await run(dir)).steps)).toEqual({ 2: "hit", 3: "miss" });
  });
});

describe("ADD", () => {
  it("unpacks a local tar archive into the destination; the key is the archive's checksum", async () => {
    const { tarBuffer } = await import("../testing/tar-fixtures.js");
    const { gzipSync } = await import("node:zlib");
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nADD bundle.tar.gz /opt/\nRUN cat /opt/pkg/version\n" });
    writeFileSync(join(dir, "bundle.tar.gz"), gzipSync(await tarBuffer([{ name: "pkg/", type: "directory" }, { name: "pkg/version", body: "1.2.3" }])));
    const first = await run(dir);
    const log = first.events.filter((e) => e.type === "step.log").map((e) => (e.type === "step.log" ? e.text : "")).join("");
    expect(log).toContain("1.2.3");
    utimesSync(join(dir, "bundle.tar.gz"), new Date(1e12), new Date(1e12));
    expect(cacheOf((await run(dir)).steps)).toEqual({ 2: "hit", 3: "hit" });
  });

  it("refuses URLs that resolve to loopback, private or link-local addresses", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nADD http://127.0.0.1:9/secret /s\nADD http://169.254.169.254/latest/meta-data /m\n" });
    const e = (await run(dir).catch((x: unknown) => x)) as BuildError;
    expect(e.message).toBe("refusing to fetch http://127.0.0.1:9/secret: 127.0.0.1 resolves to 127.0.0.1, a loopback address");
    expect(e.range?.line).toBe(2);
  });

  it("COPY refuses URLs", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nCOPY https://example.com/x /x\n" });
    expect(((await run(dir).catch((x: unknown) => x)) as BuildError).message).toBe("source can't be a URL for COPY: use ADD https://example.com/x");
  });
});

describe("RUN --mount", () => {
  it("cache mounts persist between builds and stay out of the layer; secrets are readable but never stored; bind mounts read the context", async () => {
    const secret = join(mkdtempSync(join(tmpdir(), "layerlab-secret-")), "token");
    writeFileSync(secret, "s3cr3t-value");
    const dir = workspace({
      Dockerfile: [
        "FROM busybox:1.36",
        "ARG ROUND=1",
        "RUN --mount=type=cache,target=/cache echo $ROUND >> /cache/rounds && cat /cache/rounds > /seen",
        "RUN --mount=type=secret,id=token,required=true cat /run/secrets/token | wc -c > /secret-length",
        "RUN --mount=type=bind,source=conf,target=/conf cp /conf/app.conf /app.conf",
        "RUN --mount=type=tmpfs,target=/scratch echo temp > /scratch/t && test ! -e /cache/rounds",
        "",
      ].join("\n"),
      "conf/app.conf": "mode=test",
    });
    const build1 = await build({ store, contextDir: dir, dockerfileText: readFileSync(join(dir, "Dockerfile"), "utf8"), dockerfilePath: "Dockerfile", secrets: { token: secret } });
    const build2 = await build({ store, contextDir: dir, dockerfileText: readFileSync(join(dir, "Dockerfile"), "utf8"), dockerfilePath: "Dockerfile", secrets: { token: secret }, buildArgs: { ROUND: "2" } });
    const image = await store.resolve(build1.imageId);
    const entries = (await Promise.all(image.config.rootfs.diff_ids.map((d) => store.layerRecord(d as `sha256:${string}`)))).flatMap((r) => r!.entries.map((e) => e.path));
    expect(entries).toEqual(expect.arrayContaining(["seen", "secret-length", "app.conf"]));
    expect(entries.filter((p) => /^(cache|run|conf|scratch)(\/|$)/.test(p))).toEqual([]);
    const { exportRootfs } = await import("../archive/export-rootfs.js");
    const flat = await collect(await exportRootfs(store, build1.imageId));
    expect(flat.includes(Buffer.from("s3cr3t-value"))).toBe(false);
    const second = await collect(await exportRootfs(store, build2.imageId));
    expect(second.includes(Buffer.from("1\n2\n"))).toBe(true);
    expect(second.includes(Buffer.from("mode=test"))).toBe(true);
    const missing = (await run(dir, { noCache: true }).catch((e: unknown) => e)) as BuildError;
    expect(missing.message).toBe("secret token is required but was not given (pass --secret id=token,src=FILE)");
  });
});

describe("images the builder makes", () => {
  it("have BuildKit's history and config, and empty layers marked", async () => {
    const dir = workspace({ Dockerfile: "FROM busybox:1.36\nARG V=1\nENV A=x\nWORKDIR /w\nCOPY f .\nRUN echo $V > v\nUSER user\nEXPOSE 80\nCMD echo hi\n", f: "f" });
    const { id } = await run(dir);
    const image = await store.resolve(id);
    const mine = image.config.history!.slice(1);
    expect(mine.map((h) => [h.created_by, h.empty_layer ?? false])).toEqual([
      ["ARG V=1", true],
      ["ENV A=x", true],
      ["WORKDIR /w", false],
      ["COPY f . # buildkit", false],
      ["RUN |1 V=1 /bin/sh -c echo $V > v # buildkit", false],
      ["USER user", true],
      ["EXPOSE [80/tcp]", true],
      ['CMD ["/bin/sh" "-c" "echo hi"]', true],
    ]);
    expect(image.config.config).toMatchObject({ Env: expect.arrayContaining(["A=x"]), WorkingDir: "/w", User: "user", Cmd: ["/bin/sh", "-c", "echo hi"], ExposedPorts: { "80/tcp": {} } });
    expect(image.config.config!.Env!.some((e) => e.startsWith("V="))).toBe(false);
    expect(image.manifest.layers).toHaveLength(4);
  });

  it("ONBUILD triggers are recorded, run when the image is used as a base, and not inherited further", async () => {
    const baseDir = workspace({ Dockerfile: "FROM busybox:1.36\nONBUILD COPY app.txt /app.txt\nONBUILD RUN cat /app.txt > /seen\n" });
    const baseBuild = await build({ store, contextDir: baseDir, dockerfileText: readFileSync(join(baseDir, "Dockerfile"), "utf8"), dockerfilePath: "Dockerfile", tags: ["onbuild-base:1"] });
    const base = await store.resolve(baseBuild.imageId);
    expect(base.config.config?.OnBuild).toEqual(["COPY app.txt /app.txt", "RUN cat /app.txt > /seen"]);
    expect(base.config.history!.slice(1)).toEqual([]);
    const child = workspace({ Dockerfile: "FROM onbuild-base:1\nRUN cat /seen\n", "app.txt": "from the child context" });
    const result = await run(child);
    const logs = result.events.filter((e) => e.type === "step.log").map((e) => (e.type === "step.log" ? e.text : "")).join("");
    expect(logs).toContain("from the child context");
    const started = result.events.filter((e) => e.type === "step.started").map((e) => (e.type === "step.started" ? e.instruction : ""));
    expect(started).toEqual(["FROM onbuild-base:1", "ONBUILD COPY app.txt /app.txt", "ONBUILD RUN cat /app.txt > /seen", "RUN cat /seen"]);
    expect((await store.resolve(result.id)).config.config?.OnBuild ?? null).toBeNull();
  });

  it("RUN cannot see host files outside its rootfs, cannot write into the store, nor leave processes behind", async () => {
    const secretDir = mkdtempSync(join(tmpdir(), "layerlab-host-"));
    writeFileSync(join(secretDir, "host-secret"), "nope");
    const index = readFileSync(join(store.root, "index.json"), "utf8");
    const tries = [`test ! -e ${secretDir}/host-secret`, `! test -e ${store.root}/index.json`, `mkdir -p ${store.root} && echo overwritten > ${store.root}/index.json`, "echo isolated > /r", "(sleep 300.123 &)", "true"];
    const dir = workspace({ Dockerfile: `FROM busybox:1.36\nRUN ${tries.join(" && ")}\n` });
    const { events } = await run(dir, { noCache: true });
    expect(events.some((e) => e.type === "build.finished")).toBe(true);
    // What the step wrote at the store's path went into its own layer, not into the store.
    expect(readFileSync(join(store.root, "index.json"), "utf8").includes("overwritten")).toBe(false);
    expect(JSON.parse(readFileSync(join(store.root, "index.json"), "utf8")).manifests.length).toBeGreaterThanOrEqual(JSON.parse(index).manifests.length);
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })).not.toMatch(/^sleep 300\.123$/m);
  });
});
