import { closestMatch } from "../../dockerfile/suggest.js";
import { parsePlatform } from "../../expand/predefined-args.js";
import { parseImageReference } from "../../image/reference.js";
import type { Finding, LintRule } from "../rule.js";
import { BUILDKIT_DOCS } from "../rule.js";

const didYouMean = (name: string, candidates: Iterable<string>) => {
  const guess = closestMatch(name, candidates, false);
  return guess ? ` (did you mean $${guess}?)` : "";
};

export const undefinedArgInFrom: LintRule = {
  id: "UndefinedArgInFrom",
  severity: "warning",
  description: "FROM command must use declared ARGs",
  url: `${BUILDKIT_DOCS}undefined-arg-in-from/`,
  hint: "declare the ARG before the first FROM",
  check: ({ resolution }) =>
    resolution.uses
      .filter((u) => u.stage === -1 && u.instruction.kind === "FROM" && !u.defined)
      .map((u) => ({
        range: u.range,
        message: `FROM argument '${u.name}' is not declared${didYouMean(u.name, u.inScope)}`,
        instruction: u.instruction,
      })),
};

export const invalidDefaultArgInFrom: LintRule = {
  id: "InvalidDefaultArgInFrom",
  severity: "warning",
  description: "Default value for global ARG results in an empty or invalid base image name",
  url: `${BUILDKIT_DOCS}invalid-default-arg-in-from/`,
  hint: "give the ARG a default that makes a valid image name",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((stage) => {
      const image = stage.from.image;
      const withDefaults = resolution.stages[stage.index]!.imageWithDefaults;
      if (image === null || withDefaults === null || parseImageReference(withDefaults) !== null) return [];
      return [
        {
          range: image.range,
          message: `Default value for ARG ${image.raw} results in empty or invalid base image name`,
          instruction: stage.from,
        },
      ];
    }),
};

export const undefinedVar: LintRule = {
  id: "UndefinedVar",
  severity: "warning",
  description: "Variables should be defined before their use",
  url: `${BUILDKIT_DOCS}undefined-var/`,
  hint: "declare it with ARG or ENV first, or fix the name",
  check: ({ resolution }) => {
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const u of resolution.uses) {
      if (u.stage < 0 || u.defined || !u.envKnown || u.instruction.kind === "EXPOSE") continue;
      const key = `${u.instruction.index}:${u.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        range: u.range,
        message: `Usage of undefined variable '$${u.name}'${didYouMean(u.name, u.inScope)}`,
        instruction: u.instruction,
      });
    }
    return findings;
  },
};

const SECRET_DENY = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const SECRET_ALLOW = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** BuildKit's heuristic: a `_`-separated token names a secret and none marks it harmless. */
export function looksSecret(name: string): boolean {
  return SECRET_DENY.test(name) && !SECRET_ALLOW.test(name);
}

export const secretsUsedInArgOrEnv: LintRule = {
  id: "SecretsUsedInArgOrEnv",
  severity: "warning",
  description: "Sensitive data should not be used in the ARG or ENV commands",
  url: `${BUILDKIT_DOCS}secrets-used-in-arg-or-env/`,
  hint: "pass secrets with RUN --mount=type=secret; ARG and ENV values end up in the image",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((s) => s.instructions).flatMap((i) => {
      if (i.kind !== "ARG" && i.kind !== "ENV") return [];
      return i.pairs
        .filter((p) => looksSecret(p.key.raw))
        .map((p) => ({
          range: p.key.range,
          message: `Do not use ARG or ENV instructions for sensitive data (${i.kind} "${p.key.raw}")`,
          instruction: i,
        }));
    }),
};

export const redundantTargetPlatform: LintRule = {
  id: "RedundantTargetPlatform",
  severity: "warning",
  description: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
  url: `${BUILDKIT_DOCS}redundant-target-platform/`,
  hint: "remove --platform=$TARGETPLATFORM",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((s) => {
      const p = s.from.platform;
      if (p?.value == null || !/^\$\{?TARGETPLATFORM\}?$/.test(p.value)) return [];
      return [
        {
          range: p.range,
          message: `Setting platform to predefined ${p.value} in FROM is redundant as this is the default behavior`,
          instruction: s.from,
          fix: { title: "Remove the flag", edits: [{ range: { ...p.range, endColumn: p.range.endColumn + 1 }, text: "" }] },
        },
      ];
    }),
};

export const fromPlatformFlagConstDisallowed: LintRule = {
  id: "FromPlatformFlagConstDisallowed",
  severity: "warning",
  description: "FROM --platform flag should not use a constant value",
  url: `${BUILDKIT_DOCS}from-platform-flag-const-disallowed/`,
  hint: "use $BUILDPLATFORM or $TARGETPLATFORM, or pass --platform to the build",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((s) => {
      const p = s.from.platform;
      if (p?.value == null || p.value.includes("$")) return [];
      const platform = parsePlatform(p.value);
      if (platform === null) return [];
      // A stage named for its platform (`build-arm64`) is allowed to pin it.
      if (s.name !== null && (s.name.includes(platform.os) || s.name.includes(platform.architecture))) return [];
      return [{ range: p.valueRange ?? p.range, message: `FROM --platform flag should not use constant value "${p.value}"`, instruction: s.from }];
    }),
};

export const copyIgnoredFile: LintRule = {
  id: "CopyIgnoredFile",
  severity: "warning",
  description: "Attempting to Copy file that is excluded by .dockerignore",
  url: `${BUILDKIT_DOCS}copy-ignored-file/`,
  hint: "remove the source, or stop excluding it in .dockerignore",
  check: ({ df, resolution, isIgnored }) => {
    if (!isIgnored) return [];
    return df.instructions.flatMap((i) => {
      if ((i.kind !== "COPY" && i.kind !== "ADD") || i.flags.some((f) => f.name === "from")) return [];
      return i.sources
        .filter((w) => !w.raw.startsWith("<<"))
        .flatMap((w) => {
          const path = (resolution.expanded.get(w) ?? w.raw).replace(/^\.?\/+/, "");
          if (path === "" || path === "." || /[*?[]/.test(path) || /^[a-z]+:\/\//i.test(path) || !isIgnored(path)) return [];
          return [{ range: w.range, message: `Attempting to ${i.kind === "COPY" ? "Copy" : "Add"} file "${path}" that is excluded by .dockerignore`, instruction: i }];
        });
    });
  },
};

export const invalidDefinitionDescription: LintRule = {
  id: "InvalidDefinitionDescription",
  severity: "warning",
  experimental: true,
  description:
    "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
  url: `${BUILDKIT_DOCS}invalid-definition-description/`,
  hint: "start the comment with the stage or ARG name, or end the comment block with a bare # line",
  check: ({ df }) =>
    df.instructions.flatMap((i, k) => {
      const keys = i.kind === "FROM" ? (i.stageName ? [i.stageName.raw.toLowerCase()] : []) : i.kind === "ARG" ? i.pairs.map((p) => p.key.raw) : [];
      if (keys.length === 0) return [];
      const previousEnd = k > 0 ? df.instructions[k - 1]!.range.endLine : 0;
      const directiveLines = new Set(df.directives.map((d) => d.range.line));
      // BuildKit's comment block: lines since the previous instruction; a bare `#` resets it.
      let block = df.comments.filter((c) => c.range.line > previousEnd && c.range.line < i.range.line && !directiveLines.has(c.range.line));
      const reset = block.findLastIndex((c) => c.text.trim() === "#");
      block = block.slice(reset + 1);
      const last = block[block.length - 1];
      if (!last) return [];
      const first = last.text.replace(/^#\s*/, "").split(" ")[0] ?? "";
      if (keys.includes(first)) return [];
      const example = keys.length === 1 ? keys[0]! : "<arg_key>";
      return [{ range: last.range, message: `Comment for ${i.kind} should follow the format: \`# ${example} <description>\``, instruction: i }];
    }),
};

export const invalidBaseImagePlatform: LintRule = {
  id: "InvalidBaseImagePlatform",
  severity: "warning",
  description: "Base image platform does not match expected target platform",
  url: `${BUILDKIT_DOCS}invalid-base-image-platform/`,
  hint: "pull the base image for the target platform, or set --platform on FROM",
  check: ({ resolution, imagePlatform, targetPlatform }) => {
    if (!imagePlatform) return [];
    return resolution.split.stages.flatMap((s) => {
      const resolved = resolution.stages[s.index]!;
      if (resolved.baseStage !== null || resolved.image === null || resolved.image === "scratch") return [];
      const actual = imagePlatform(resolved.image);
      const expected = resolved.platform ? parsePlatform(resolved.platform) : (targetPlatform ?? null);
      if (!actual || !expected || (actual.os === expected.os && actual.architecture === expected.architecture)) return [];
      const fmt = (p: { os: string; architecture: string }) => `${p.os}/${p.architecture}`;
      return [{ range: s.from.image!.range, message: `Base image ${resolved.image} was pulled with platform "${fmt(actual)}", expected "${fmt(expected)}" for current build`, instruction: s.from }];
    });
  },
};
