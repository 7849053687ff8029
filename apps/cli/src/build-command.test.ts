import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "./cli.js";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out, err: err.join("\n") };
}

let ctx: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-cli-build-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!] });
  ctx = join(dir, "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "Dockerfile"), "FROM busybox:1.36 AS base\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n");
  writeFileSync(join(ctx, "hello.txt"), "hello\n");
});

describe("layerlab build", () => {
  it("--progress=json prints NDJSON events; every instruction's final event has line, stage, instruction, cache, reason, duration and layer", async () => {
    const r = await run(["build", "--progress=json", "-t", "hello:1", ctx]);
    expect(r.code).toBe(0);
    const events = r.out.map((l) => JSON.parse(l));
    const finished = events.filter((e) => e.type === "step.finished");
    expect(finished.map((e) => [e.line, e.instruction, e.cache])).toEqual([
      [1, "FROM busybox:1.36 AS base", "none"],
      [2, "COPY hello.txt /hello.txt", "miss"],
      [3, "RUN cat /hello.txt", "miss"],
      [4, 'CMD ["cat", "/hello.txt"]', "none"],
    ]);
    const copy = finished[1];
    expect(copy).toMatchObject({ stage: 0, reason: "no earlier build of this step", layer: { digest: expect.stringMatching(/^sha256:/), size: expect.any(Number), compressedSize: expect.any(Number) } });
    expect(typeof copy.durationMs).toBe("number");
    expect(events.at(-1)).toMatchObject({ type: "build.finished", tags: ["hello:1"] });
  });

  it("plain progress shows hits and misses with the reason", async () => {
    writeFileSync(join(ctx, "hello.txt"), "hello again\n");
    const r = await run(["build", "--progress=plain", ctx]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(/MISS\s+line 2\s+.*← hello\.txt changed/);
    expect(r.out.join("\n")).toMatch(/│ hello again/);
  });

  it("exit code 2 for Dockerfile errors (printed like lint), 1 for a failed step", async () => {
    const bad = mkdtempSync(join(tmpdir(), "layerlab-cli-bad-"));
    writeFileSync(join(bad, "Dockerfile"), "FROM busybox:1.36\nRUNN echo\n");
    const syntax = await run(["build", bad]);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain("Dockerfile:2:1: error parse/unknown-instruction: unknown instruction: RUNN (did you mean RUN?)");
    writeFileSync(join(bad, "Dockerfile"), "FROM busybox:1.36\nRUN exit 3\n");
    const failed = await run(["build", "--progress=plain", bad]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('line 2: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3');
    expect((await run(["build", "--target", "nope", ctx])).code).toBe(2);
  });
});
