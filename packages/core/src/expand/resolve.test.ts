import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse.js";
import { resolveVariables, type ResolveOptions } from "./resolve.js";

const resolve = (text: string, options: ResolveOptions = {}) => resolveVariables(parseDockerfile(text), options);
const env = (text: string, stage = 0, options: ResolveOptions = {}) => Object.fromEntries(resolve(text, options).stages[stage]!.env);

describe("ARG scope (BuildKit convert.go, reference.md 'Scope')", () => {
  it("a global ARG is visible in FROM lines", () => {
    expect(resolve("ARG V=1.22\nFROM golang:${V}-alpine\n").stages[0]!.image).toBe("golang:1.22-alpine");
  });

  it("a global ARG is not visible inside a stage until redeclared there", () => {
    const r = resolve("ARG G=g1\nFROM scratch\nENV BEFORE=$G\nARG G\nENV AFTER=$G\n");
    expect(Object.fromEntries(r.stages[0]!.env)).toMatchObject({ BEFORE: "", AFTER: "g1", G: "g1" });
  });

  it("--build-arg beats the inherited global value, which beats the stage default", () => {
    const text = "ARG V=global\nFROM scratch\nARG V=stage\nENV R=$V\n";
    expect(env(text).R).toBe("stage");
    expect(env("ARG V=global\nFROM scratch\nARG V\nENV R=$V\n").R).toBe("global");
    expect(env(text, 0, { buildArgs: { V: "cli" } }).R).toBe("cli");
  });

  it("a stage ARG is in scope from its line onwards", () => {
    expect(env("FROM scratch\nENV A=$X\nARG X=1\nENV B=$X\n")).toMatchObject({ A: "", B: "1" });
  });

  it("ARG and ENV share one environment: the one set last wins (BuildKit dispatchArg adds ARG values to env)", () => {
    expect(env("FROM scratch\nARG X\nENV X=hello\nENV R=$X\n", 0, { buildArgs: { X: "cli" } }).R).toBe("hello");
    expect(env("FROM scratch\nENV X=env\nARG X\nENV R=$X\n", 0, { buildArgs: { X: "cli" } }).R).toBe("cli");
    expect(env("FROM scratch\nENV X=env\nARG X\nENV R=$X\n").R).toBe("env");
  });

  it("one ENV instruction sees the values from before it", () => {
    expect(env("FROM scratch\nENV abc=hello\nENV abc=bye def=$abc\n")).toMatchObject({ abc: "bye", def: "hello" });
  });

  it("re-assigning an env key moves it to the end of the ordered list", () => {
    const keys = resolve("FROM scratch\nENV A=1 B=2\nENV A=3\n").stages[0]!.env.map(([k]) => k);
    expect(keys.slice(-2)).toEqual(["B", "A"]);
  });

  it("ARG without value and without --build-arg adds nothing to env", () => {
    expect(env("FROM scratch\nARG X\n").X).toBeUndefined();
    expect(env("FROM scratch\nARG X=\n").X).toBe("");
  });

  it("FROM <stage> inherits the parent stage's ENV and ARG values", () => {
    const r = resolve("FROM scratch AS base\nENV A=1\nARG B=2\nFROM base\nENV C=$A$B\n");
    expect(Object.fromEntries(r.stages[1]!.env)).toMatchObject({ A: "1", B: "2", C: "12" });
    expect(r.stages[1]!.baseStage).toBe(0);
  });

  it("TARGETPLATFORM and BUILDPLATFORM are predefined in the global scope only", () => {
    const r = resolve("FROM --platform=$BUILDPLATFORM scratch\nENV BEFORE=$TARGETOS\nARG TARGETOS\nENV AFTER=$TARGETOS\n", {
      targetPlatform: { os: "linux", architecture: "arm64" },
    });
    expect(r.stages[0]!.platform).toBe("linux/amd64");
    expect(Object.fromEntries(r.stages[0]!.env)).toMatchObject({ BEFORE: "", AFTER: "linux" });
  });

  it("the base image's env is used when known; PATH always has BuildKit's default", () => {
    const r = resolve("FROM node:20\nENV X=$NODE_VERSION\n", { imageEnv: () => ["NODE_VERSION=20.1.0"] });
    expect(Object.fromEntries(r.stages[0]!.env)).toMatchObject({ X: "20.1.0", PATH: expect.stringContaining("/usr/bin") });
    expect(r.stages[0]!.envKnown).toBe(true);
    expect(resolve("FROM node:20\n").stages[0]!.envKnown).toBe(false);
  });

  it("expands COPY, WORKDIR, USER, LABEL, EXPOSE, VOLUME and STOPSIGNAL but never RUN, CMD or COPY --from", () => {
    const r = resolve("FROM scratch\nARG D=/app\nWORKDIR $D\nCOPY --chown=$D a $D/\nRUN echo $D\nCMD echo $D\n");
    const words = [...r.expanded.values()];
    expect(words).toContain("/app/");
    expect(words.filter((w) => w === "/app").length).toBeGreaterThanOrEqual(2);
    expect(words.some((w) => w.startsWith("echo"))).toBe(false);
  });

  it("expansion errors carry the position of the word", () => {
    const r = resolve("FROM scratch\nWORKDIR ${X:?must be set}\n");
    expect(r.diagnostics).toMatchObject([{ message: "X: must be set", range: { line: 2, column: 9 } }]);
  });

  it("records every variable use with whether it was defined", () => {
    const r = resolve("FROM scratch\nARG A\nENV B=$A$C\n");
    expect(r.uses.map((u) => [u.name, u.defined])).toEqual([
      ["A", true],
      ["C", false],
    ]);
  });
});
