import { closestMatch } from "../../dockerfile/suggest.js";
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
      if (image === null || !image.raw.includes("$")) return [];
      const withDefaults = resolution.stages[stage.index]!.imageWithDefaults;
      const names = resolution.stages.map((s, i) => resolution.split.stages[i]!.name).filter(Boolean);
      if (withDefaults !== null && withDefaults !== "" && (withDefaults === "scratch" || names.includes(withDefaults.toLowerCase()) || parseImageReference(withDefaults) !== null)) {
        return [];
      }
      const args = resolution.uses.filter((u) => u.instruction === stage.from && u.range === image.range).map((u) => u.name);
      return [
        {
          range: image.range,
          message: `Default value for ARG ${image.raw} results in empty or invalid base image name`,
          instruction: stage.from,
          ...(args.length ? {} : {}),
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
      if (u.stage < 0 || u.defined || !u.envKnown) continue;
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

const SECRET_TOKENS = ["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"];
const SECRET_ALLOWED = ["public", "file", "version"];

/** BuildKit's heuristic: split the name on non-letters and camel case; any secret token, no allowed token. */
export function looksSecret(name: string): boolean {
  const tokens = name
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  return tokens.some((t) => SECRET_TOKENS.includes(t)) && !tokens.some((t) => SECRET_ALLOWED.includes(t));
}

export const secretsUsedInArgOrEnv: LintRule = {
  id: "SecretsUsedInArgOrEnv",
  severity: "warning",
  description: "Sensitive data should not be used in the ARG or ENV commands",
  url: `${BUILDKIT_DOCS}secrets-used-in-arg-or-env/`,
  hint: "pass secrets with RUN --mount=type=secret; ARG and ENV values end up in the image",
  check: ({ df }) =>
    df.instructions.flatMap((i) => {
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
      if (s.name !== null && s.name.includes(p.value.split("/")[1] ?? "\u0000")) return [];
      return [
        {
          range: p.valueRange ?? p.range,
          message: `FROM --platform flag should not use constant value "${p.value}"`,
          instruction: s.from,
        },
      ];
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
  description: "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
  url: `${BUILDKIT_DOCS}invalid-definition-description/`,
  hint: "start the comment with the stage or ARG name, or separate it with an empty line",
  check: ({ df }) =>
    df.instructions.flatMap((i) => {
      const names =
        i.kind === "FROM" ? (i.stageName ? [i.stageName.raw] : []) : i.kind === "ARG" ? i.pairs.map((p) => p.key.raw) : [];
      if (names.length === 0) return [];
      const comment = df.comments.find((c) => c.range.line === i.range.line - 1);
      if (!comment || df.directives.some((d) => d.range.line === comment.range.line)) return [];
      const first = comment.text.replace(/^#\s*/, "").split(/\s+/)[0] ?? "";
      if (names.includes(first)) return [];
      return [
        {
          range: comment.range,
          message: `Comment for ${i.kind === "FROM" ? "build stage" : "build argument"} should follow the format: \`# ${names[0]} <description>\`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.`,
          instruction: i,
        },
      ];
    }),
};
