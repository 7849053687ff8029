import { describe, expect, it } from "vitest";
import { analyzeDockerfile, type LintOptions } from "./lint.js";

const codes = (text: string, options: LintOptions = {}) => analyzeDockerfile(text, options).diagnostics.map((d) => d.code);
const find = (text: string, code: string, options: LintOptions = {}) => analyzeDockerfile(text, options).diagnostics.filter((d) => d.code === code);
const USER = "USER app\n";

describe("BuildKit build checks, under their BuildKit names", () => {
  it("StageNameCasing: stage names should be lowercase", () => {
    expect(find("FROM alpine:3 AS Builder\n" + USER, "StageNameCasing")[0]).toMatchObject({
      message: "Stage name 'Builder' should be lowercase",
      range: { line: 1, column: 18 },
      fix: { edits: [{ text: "builder" }] },
    });
    expect(codes("FROM alpine:3 AS builder\n" + USER)).not.toContain("StageNameCasing");
  });

  it("FromAsCasing: AS must match FROM's casing, and mixed-case FROM never fires", () => {
    expect(find("FROM alpine:3 as b\n" + USER, "FromAsCasing")[0]!.message).toBe("'as' and 'FROM' keywords' casing do not match");
    expect(codes("from alpine:3 AS b\nuser app\n")).toContain("FromAsCasing");
    expect(codes("From alpine:3 as b\n" + USER)).not.toContain("FromAsCasing");
  });

  it("NoEmptyContinuation: an empty line inside a continuation", () => {
    expect(find("FROM alpine:3\nRUN a \\\n\n  b\n" + USER, "NoEmptyContinuation")[0]).toMatchObject({ message: "Empty continuation line", range: { line: 3 } });
  });

  it("ConsistentInstructionCasing: the minority casing is flagged; global ARGs do not count", () => {
    const found = find("arg X=1\nARG Y=2\nFROM alpine:3\nRUN true\nrun false\nUSER app\n", "ConsistentInstructionCasing");
    expect(found.map((d) => [d.range.line, d.message])).toEqual([[5, "Command 'run' should match the case of the command majority (uppercase)"]]);
  });

  it("DuplicateStageName and ReservedStageName", () => {
    expect(find("FROM alpine:3 AS a\nFROM alpine:3 AS a\n" + USER, "DuplicateStageName")[0]!.message).toBe('Duplicate stage name "a", stage names should be unique');
    expect(find("FROM alpine:3 AS scratch\n" + USER, "ReservedStageName")[0]!.message).toBe('Stage name should not use the same name as reserved stage "scratch"');
  });

  it("JSONArgsRecommended: shell-form CMD/ENTRYPOINT, unless a SHELL is set in the stage or its base stage", () => {
    const d = find("FROM alpine:3\nCMD node server.js\n" + USER, "JSONArgsRecommended")[0]!;
    expect(d.message).toBe("JSON arguments recommended for CMD to prevent unintended behavior related to OS signals");
    expect(d.fix?.edits[0]!.text).toBe('["node", "server.js"]');
    expect(codes('FROM alpine:3 AS a\nSHELL ["/bin/bash", "-c"]\nFROM a\nCMD node x\n' + USER)).not.toContain("JSONArgsRecommended");
    expect(codes('FROM alpine:3\nCMD ["node", "x"]\n' + USER)).not.toContain("JSONArgsRecommended");
  });

  it("MaintainerDeprecated offers a LABEL instead", () => {
    const d = find("FROM alpine:3\nMAINTAINER Jane <j@x.org>\n" + USER, "MaintainerDeprecated")[0]!;
    expect(d.message).toBe("Maintainer instruction is deprecated in favor of using label");
    expect(d.fix?.edits[0]!.text).toBe('LABEL org.opencontainers.image.authors="Jane <j@x.org>"');
  });

  it("UndefinedArgInFrom: FROM uses an undeclared ARG, with a suggestion", () => {
    expect(find("ARG VERSION=1\nFROM alpine:${VERSON}\n" + USER, "UndefinedArgInFrom")[0]!.message).toBe(
      "FROM argument 'VERSON' is not declared (did you mean $VERSION?)",
    );
    expect(codes("FROM --platform=$BUILDPLATFORM alpine:3\n" + USER)).not.toContain("UndefinedArgInFrom");
  });

  it("WorkdirRelativePath: only the first WORKDIR of a build chain, if relative", () => {
    expect(find("FROM alpine:3\nWORKDIR app\n" + USER, "WorkdirRelativePath")[0]!.message).toBe(
      'Relative workdir "app" can have unexpected results if the base image changes',
    );
    expect(codes("FROM alpine:3\nWORKDIR /app\nWORKDIR sub\n" + USER)).not.toContain("WorkdirRelativePath");
    expect(codes("FROM alpine:3 AS a\nWORKDIR /app\nFROM a\nWORKDIR sub\n" + USER)).not.toContain("WorkdirRelativePath");
  });

  it("UndefinedVar: only where the base env is known, not for RUN, and not for declared ARGs", () => {
    expect(find("FROM scratch\nENV A=$HOEM\nENV HOME=/root\nCOPY $HOEM /x\n", "UndefinedVar").map((d) => d.message)).toEqual([
      "Usage of undefined variable '$HOEM'",
      "Usage of undefined variable '$HOEM' (did you mean $HOME?)",
    ]);
    expect(codes("FROM scratch\nARG X\nENV A=$X\nRUN echo $NOPE\n")).not.toContain("UndefinedVar");
    expect(codes("FROM node:20\nENV A=$NODE_VERSION\n")).not.toContain("UndefinedVar");
    expect(codes("FROM node:20\nENV A=$NODE_VERSON\n", { imageEnv: () => ["NODE_VERSION=20"] })).toContain("UndefinedVar");
  });

  it("MultipleInstructionsDisallowed: every CMD/ENTRYPOINT/HEALTHCHECK but the last in a stage", () => {
    const d = find("FROM alpine:3\nCMD [\"a\"]\nCMD [\"b\"]\n" + USER, "MultipleInstructionsDisallowed");
    expect(d.map((x) => x.range.line)).toEqual([2]);
    expect(d[0]!.aliases).toContain("DL4003");
  });

  it("LegacyKeyValueFormat with a key=value fix", () => {
    const d = find("FROM alpine:3\nENV GREETING hello world\n" + USER, "LegacyKeyValueFormat")[0]!;
    expect(d.message).toBe('"ENV key=value" should be used instead of legacy "ENV key value" format');
    expect(d.fix?.edits[0]!.text).toBe('GREETING="hello world"');
  });

  it("RedundantTargetPlatform and FromPlatformFlagConstDisallowed", () => {
    expect(codes("FROM --platform=$TARGETPLATFORM alpine:3\n" + USER)).toContain("RedundantTargetPlatform");
    expect(find("FROM --platform=linux/amd64 alpine:3\n" + USER, "FromPlatformFlagConstDisallowed")[0]!.message).toBe(
      'FROM --platform flag should not use constant value "linux/amd64"',
    );
    expect(codes("FROM --platform=linux/arm64 alpine:3 AS build-arm64\n" + USER)).not.toContain("FromPlatformFlagConstDisallowed");
  });

  it("SecretsUsedInArgOrEnv uses BuildKit's token rules", () => {
    const text = "FROM alpine:3\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x\nARG PASSWORD_FILE\nARG PUBLIC_KEY\nARG KEYCLOAK_URL\n" + USER;
    expect(find(text, "SecretsUsedInArgOrEnv").map((d) => d.message)).toEqual([
      'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
      'Do not use ARG or ENV instructions for sensitive data (ENV "DB_PASSWORD")',
    ]);
  });

  it("InvalidDefaultArgInFrom: ARG defaults that make an empty or invalid image name", () => {
    expect(find("ARG TAG\nFROM alpine:$TAG\n" + USER, "InvalidDefaultArgInFrom")[0]!.message).toBe(
      "Default value for ARG alpine:$TAG results in empty or invalid base image name",
    );
    expect(codes("ARG TAG=3.20\nFROM alpine:$TAG\n" + USER)).not.toContain("InvalidDefaultArgInFrom");
  });

  it("CopyIgnoredFile when a context is known", () => {
    const isIgnored = (p: string) => p === "secret.env";
    expect(find("FROM alpine:3\nCOPY secret.env /x\n" + USER, "CopyIgnoredFile", { isIgnored })[0]!.message).toBe(
      'Attempting to Copy file "secret.env" that is excluded by .dockerignore',
    );
    expect(codes("FROM alpine:3\nCOPY --from=a secret.env /x\n" + USER, { isIgnored })).not.toContain("CopyIgnoredFile");
  });

  it("InvalidBaseImagePlatform when the store knows the base image's platform", () => {
    const imagePlatform = () => ({ os: "linux", architecture: "arm64" });
    expect(find("FROM alpine:3\n" + USER, "InvalidBaseImagePlatform", { imagePlatform })[0]!.message).toBe(
      'Base image alpine:3 was pulled with platform "linux/arm64", expected "linux/amd64" for current build',
    );
    expect(codes("FROM alpine:3\n" + USER)).not.toContain("InvalidBaseImagePlatform");
  });

  it("ExposeProtoCasing and ExposeInvalidFormat", () => {
    expect(find("FROM alpine:3\nEXPOSE 80/TCP\n" + USER, "ExposeProtoCasing")[0]!.message).toBe("Defined protocol '80/TCP' in EXPOSE instruction should be lowercase");
    expect(find("FROM alpine:3\nEXPOSE 8080:80\n" + USER, "ExposeInvalidFormat")[0]!.message).toBe(
      "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'",
    );
  });

  it("InvalidDefinitionDescription is experimental: off unless enabled", () => {
    const text = "# this builds things\nFROM alpine:3 AS build\n" + USER;
    expect(codes(text)).not.toContain("InvalidDefinitionDescription");
    expect(codes("# check=experimental=InvalidDefinitionDescription\n" + text)).toContain("InvalidDefinitionDescription");
    expect(codes("# check=experimental=all\n# build compiles things\nFROM alpine:3 AS build\n" + USER)).not.toContain("InvalidDefinitionDescription");
  });
});

describe("# check= configuration (BuildKit linter config)", () => {
  const text = "FROM alpine:3 as b\nCMD run\n" + USER;
  it("skip= silences rules by name, skip=all silences every rule", () => {
    expect(codes("# check=skip=FromAsCasing\n" + text)).not.toContain("FromAsCasing");
    expect(codes("# check=skip=FromAsCasing\n" + text)).toContain("JSONArgsRecommended");
    expect(codes("# check=skip=all\n" + text).filter((c) => !c.startsWith("DL") && !c.startsWith("LL"))).toEqual([]);
  });

  it("error=true turns warnings into errors", () => {
    expect(find("# check=error=true\n" + text, "FromAsCasing")[0]!.severity).toBe("error");
  });

  it("a check comment right above an instruction skips rules for that instruction only", () => {
    const t = "FROM alpine:3\n# check=skip=JSONArgsRecommended\nCMD a\nENTRYPOINT b\n" + USER;
    expect(find(t, "JSONArgsRecommended").map((d) => d.range.line)).toEqual([4]);
  });

  it("the BUILDKIT_DOCKERFILE_CHECK value replaces the directive", () => {
    expect(codes("# check=skip=FromAsCasing\n" + text, { checkOverride: "skip=JSONArgsRecommended" })).toContain("FromAsCasing");
  });

  it("an invalid check directive is an error at its value", () => {
    expect(find("# check=skip=A;bogus\n" + text, "parse/check-directive")[0]!.message).toBe('failed to parse check options: invalid check option "bogus"');
  });

  it("hadolint ignore pragmas work for DL codes", () => {
    expect(codes("FROM alpine:latest\n" + USER)).toContain("DL3007");
    expect(codes("# hadolint ignore=DL3007\nFROM alpine:latest\n" + USER)).not.toContain("DL3007");
    expect(codes("# hadolint global ignore=DL3007\nFROM alpine:latest\n" + USER)).not.toContain("DL3007");
  });
});

describe("best-practice rules (hadolint DL codes)", () => {
  it("DL3006 untagged and DL3007 latest base images; stages, scratch and digests are fine", () => {
    expect(codes("FROM ubuntu\n" + USER)).toContain("DL3006");
    expect(codes("FROM ubuntu:latest\n" + USER)).toContain("DL3007");
    expect(codes("FROM ubuntu@sha256:" + "a".repeat(64) + "\n" + USER)).not.toContain("DL3006");
    expect(codes("FROM scratch\n" + USER)).not.toContain("DL3006");
    expect(codes("FROM ubuntu:24.04 AS a\nFROM a\n" + USER)).not.toContain("DL3006");
  });

  it("DL3014/DL3015/DL3009: apt-get install hygiene", () => {
    const bad = "FROM debian:12\nRUN apt-get update && apt-get install curl\n" + USER;
    expect(codes(bad)).toEqual(expect.arrayContaining(["DL3014", "DL3015", "DL3009"]));
    const good = "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n" + USER;
    expect(codes(good).filter((c) => ["DL3014", "DL3015", "DL3009"].includes(c))).toEqual([]);
    const cached = "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl\n" + USER;
    expect(codes(cached)).not.toContain("DL3009");
  });

  it("DL3002: last USER root, or no USER at all in the final stage", () => {
    expect(find("FROM alpine:3\nUSER app\nUSER root\n", "DL3002")[0]!.message).toBe("Last USER should not be root");
    expect(find("FROM alpine:3\n", "DL3002")[0]!.message).toMatch(/No USER/);
    expect(codes("FROM alpine:3 AS a\nUSER app\nFROM a\n")).not.toContain("DL3002");
  });

  it("DL3003 cd, DL3004 sudo, DL3020 ADD for local files, DL3059 consecutive RUNs", () => {
    expect(codes("FROM alpine:3\nRUN cd /tmp && make\n" + USER)).toContain("DL3003");
    expect(codes("FROM alpine:3\nRUN sudo make install\n" + USER)).toContain("DL3004");
    expect(codes("FROM alpine:3\nADD src /src\n" + USER)).toContain("DL3020");
    expect(codes("FROM alpine:3\nADD app.tar.gz /src\nADD https://x.org/f /f\n" + USER)).not.toContain("DL3020");
    expect(find("FROM alpine:3\nRUN a\nRUN b\n" + USER, "DL3059").map((d) => d.range.line)).toEqual([3]);
    expect(codes("FROM alpine:3\nRUN a\nRUN --mount=type=cache,target=/c b\n" + USER)).not.toContain("DL3059");
  });

  it("DL3022: COPY --from a name that is no stage, or a stage defined later", () => {
    expect(find("FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=buidl /a /b\n" + USER, "DL3022")[0]!.message).toBe("--from=buidl is not a stage of this Dockerfile, so it will be pulled as an image");
    expect(codes("FROM alpine:3\nCOPY --from=nginx:1.25 /a /b\n" + USER)).not.toContain("DL3022");
    expect(codes("FROM alpine:3 AS a\nCOPY --from=b /x /x\nFROM alpine:3 AS b\n" + USER)).toContain("DL3022");
  });

  it("LL1001: COPY . before a dependency install busts the install's cache on every source edit", () => {
    const bad = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n" + USER;
    expect(find(bad, "LL1001")[0]!.message).toMatch(/line 4 \(npm ci\)/);
    const good = "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n" + USER;
    expect(codes(good)).not.toContain("LL1001");
  });
});

describe("analysis", () => {
  it("reports instructions before the first FROM and files without stages", () => {
    expect(find("RUN x\nFROM alpine:3\n" + USER, "parse/instruction-before-from")[0]!.message).toBe("no build stage in current context");
    expect(find("ARG A=1\n", "parse/no-stage")[0]!.message).toBe("dockerfile contains no stages to build");
  });

  it("diagnostics come sorted by position", () => {
    const lines = analyzeDockerfile("FROM ubuntu\nRUN sudo x\nFOO\n").diagnostics.map((d) => d.range.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});
