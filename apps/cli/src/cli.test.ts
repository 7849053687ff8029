import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./cli.js";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function dockerfile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-cli-"));
  const file = join(dir, "Dockerfile");
  writeFileSync(file, text);
  return file;
}

describe("layerlab lint", () => {
  it("prints diagnostics like a compiler and exits 1 on errors", async () => {
    const file = dockerfile("FROM alpine:3.20\nRUNN echo\nUSER app\n");
    const r = await run(["lint", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}:2:1: error parse/unknown-instruction: unknown instruction: RUNN (did you mean RUN?)`);
    expect(r.out).toContain("hint: replace it with RUN");
  });

  it("exits 0 with warnings only, and 1 with --error-on warning", async () => {
    const file = dockerfile("FROM alpine:3.20\nCMD node x\nUSER app\n");
    expect((await run(["lint", "-f", file])).code).toBe(0);
    expect((await run(["lint", "-f", file, "--error-on", "warning"])).code).toBe(1);
  });

  it("--format json gives the file and every diagnostic with its range", async () => {
    const file = dockerfile("FROM alpine:3.20\nCMD node x\nUSER app\n");
    const json = JSON.parse((await run(["lint", "-f", file, "--format", "json"])).out);
    expect(json.file).toBe(file);
    expect(json.diagnostics[0]).toMatchObject({ code: "JSONArgsRecommended", severity: "warning", range: { line: 2, column: 5 } });
  });

  it("bad usage exits 2 with the command's usage", async () => {
    expect((await run(["lint", "--format", "xml"])).code).toBe(2);
    expect((await run(["lint", "--bogus"])).err).toContain("unknown flag: --bogus");
    expect((await run(["lint", "-f", "/nonexistent/Dockerfile"])).err).toContain("no such file");
    expect((await run(["frobnicate"])).code).toBe(2);
  });
});

describe("layerlab outline", () => {
  const text = `ARG GO_VERSION=1.22
# build compiles the server
FROM golang:\${GO_VERSION} AS build
ARG GO_VERSION
RUN go build -ldflags "-X main.v=$GO_VERSION" -o /out/app .
FROM scratch
COPY --from=build /out/app /app
`;

  it("--format json lists stages, dependencies, build args with their uses, and the target", async () => {
    const outline = JSON.parse((await run(["outline", "-f", dockerfile(text), "--format", "json"])).out);
    expect(outline.stages).toMatchObject([
      { index: 0, name: "build", resolvedBase: "golang:1.22", deps: [], description: "compiles the server" },
      { index: 1, name: null, resolvedBase: "scratch", deps: [0] },
    ]);
    expect(outline.args).toMatchObject([
      { name: "GO_VERSION", default: "1.22", scope: "global", line: 1, usedOn: [3] },
      { name: "GO_VERSION", default: null, scope: 0, line: 4, usedOn: [5] },
    ]);
    expect(outline.target).toBe(1);
    expect(outline.reachable).toEqual([0, 1]);
  });

  it("prints a readable text outline", async () => {
    const r = await run(["outline", "-f", dockerfile(text)]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/build\s+FROM golang:1.22/);
    expect(r.out).toContain("stage-1 (default)");
  });
});

describe("pnpm layerlab", () => {
  it("runs the CLI from the repository root", async () => {
    const file = dockerfile("FROM alpine:3.20\nUSER app\n");
    const root = new URL("../../../", import.meta.url).pathname;
    const r = spawnSync("pnpm", ["--silent", "layerlab", "lint", "-f", file, "--format", "json"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
    expect(execFileSync("pnpm", ["--silent", "layerlab", "--help"], { cwd: root, encoding: "utf8" })).toContain("Usage: layerlab");
  });
});
