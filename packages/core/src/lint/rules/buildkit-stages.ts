import type { LintRule } from "../rule.js";
import { BUILDKIT_DOCS } from "../rule.js";

const RESERVED_STAGE_NAMES = new Set(["scratch", "context"]);

export const stageNameCasing: LintRule = {
  id: "StageNameCasing",
  severity: "warning",
  description: "Stage names should be lowercase",
  url: `${BUILDKIT_DOCS}stage-name-casing/`,
  hint: "write the stage name in lowercase",
  check: ({ resolution }) =>
    resolution.split.stages
      .filter((s) => s.nameWord !== null && s.nameWord.raw !== s.nameWord.raw.toLowerCase())
      .map((s) => ({
        range: s.nameWord!.range,
        message: `Stage name '${s.nameWord!.raw}' should be lowercase`,
        instruction: s.from,
        fix: { title: "Make the stage name lowercase", edits: [{ range: s.nameWord!.range, text: s.nameWord!.raw.toLowerCase() }] },
      })),
};

export const fromAsCasing: LintRule = {
  id: "FromAsCasing",
  severity: "warning",
  description: "The 'as' keyword should match the case of the 'from' keyword",
  url: `${BUILDKIT_DOCS}from-as-casing/`,
  hint: "write FROM ... AS or from ... as",
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((s) => {
      const as = s.from.asKeyword;
      if (as === null || as.raw.toLowerCase() !== "as") return [];
      const kw = s.from.keyword;
      const upper = kw === kw.toUpperCase();
      if (!upper && kw !== kw.toLowerCase()) return [];
      if (as.raw === (upper ? as.raw.toUpperCase() : as.raw.toLowerCase())) return [];
      return [
        {
          range: as.range,
          message: `'${as.raw}' and '${kw}' keywords' casing do not match`,
          instruction: s.from,
          fix: { title: "Match the casing of FROM", edits: [{ range: as.range, text: upper ? "AS" : "as" }] },
        },
      ];
    }),
};

export const duplicateStageName: LintRule = {
  id: "DuplicateStageName",
  severity: "error",
  description: "Stage names should be unique",
  url: `${BUILDKIT_DOCS}duplicate-stage-name/`,
  hint: "rename one of the stages; --from and --target would be ambiguous",
  aliases: ["DL3024"],
  check: ({ resolution }) => {
    const seen = new Set<string>();
    return resolution.split.stages.flatMap((s) => {
      if (s.name === null) return [];
      if (!seen.has(s.name)) {
        seen.add(s.name);
        return [];
      }
      return [{ range: s.nameWord!.range, message: `Duplicate stage name "${s.name}", stage names should be unique`, instruction: s.from }];
    });
  },
};

export const reservedStageName: LintRule = {
  id: "ReservedStageName",
  severity: "warning",
  description: "Reserved words should not be used as stage names",
  url: `${BUILDKIT_DOCS}reserved-stage-name/`,
  hint: "choose another stage name",
  aliases: ["DL3063"],
  check: ({ resolution }) =>
    resolution.split.stages
      .filter((s) => s.name !== null && RESERVED_STAGE_NAMES.has(s.name))
      .map((s) => ({
        range: s.nameWord!.range,
        message: `Stage name should not use the same name as reserved stage "${s.name}"`,
        instruction: s.from,
      })),
};

export const multipleInstructionsDisallowed: LintRule = {
  id: "MultipleInstructionsDisallowed",
  severity: "warning",
  description: "Multiple instructions of the same type should not be used in the same stage",
  url: `${BUILDKIT_DOCS}multiple-instructions-disallowed/`,
  hint: "keep only the last one; earlier ones have no effect",
  aliases: ["DL4003", "DL4004", "DL3012"],
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((s) => {
      const findings = [];
      for (const kind of ["CMD", "ENTRYPOINT", "HEALTHCHECK"] as const) {
        const list = s.instructions.filter((i) => i.kind === kind);
        for (const ins of list.slice(0, -1)) {
          findings.push({
            range: ins.keywordRange,
            message: `Multiple ${kind} instructions should not be used in the same stage because only the last one will be used`,
            instruction: ins,
          });
        }
      }
      return findings;
    }),
};
