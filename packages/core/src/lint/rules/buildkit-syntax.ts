import type { Instruction } from "../../dockerfile/ast.js";
import type { Finding, LintInput, LintRule } from "../rule.js";
import { BUILDKIT_DOCS } from "../rule.js";

export const noEmptyContinuation: LintRule = {
  id: "NoEmptyContinuation",
  severity: "warning",
  description: "Empty continuation lines will become errors in a future release",
  url: `${BUILDKIT_DOCS}no-empty-continuation/`,
  hint: "delete the empty line, or end the instruction before it",
  check: ({ df }) =>
    df.emptyContinuationLines.map((range) => ({
      range,
      message: "Empty continuation line",
      // Delete the line with its line break; the last line of a file has none to take.
      ...(range.line < df.lineCount
        ? { fix: { title: "Delete the empty line", edits: [{ range: { line: range.line, column: 1, endLine: range.line + 1, endColumn: 1 }, text: "" }] } }
        : {}),
    })),
};

function casingOf(keyword: string): "upper" | "lower" | "mixed" {
  if (keyword === keyword.toUpperCase()) return "upper";
  if (keyword === keyword.toLowerCase()) return "lower";
  return "mixed";
}

const triggersCache = new WeakMap<Instruction[], Instruction[]>();

/** Instructions with ONBUILD triggers listed after their ONBUILD, computed once per file. */
function withTriggers(list: Instruction[]): Instruction[] {
  let out = triggersCache.get(list);
  if (out === undefined) {
    out = [];
    for (const i of list) {
      out.push(i);
      if (i.kind === "ONBUILD" && i.trigger) out.push(i.trigger);
    }
    triggersCache.set(list, out);
  }
  return out;
}

export const consistentInstructionCasing: LintRule = {
  id: "ConsistentInstructionCasing",
  severity: "warning",
  description: "All commands within the Dockerfile should use the same casing (either upper or lower)",
  url: `${BUILDKIT_DOCS}consistent-instruction-casing/`,
  hint: "use one casing for every instruction keyword",
  check: ({ resolution }) => {
    // BuildKit counts FROM and in-stage commands only: not global ARGs, not ONBUILD triggers.
    const all = resolution.split.stages.flatMap((s) => [s.from, ...s.instructions]).filter((i) => i.kind !== "UNKNOWN");
    const upper = all.filter((i) => casingOf(i.keyword) === "upper").length;
    const lower = all.filter((i) => casingOf(i.keyword) === "lower").length;
    const majority = lower > upper ? "lower" : "upper";
    return all
      .filter((i) => casingOf(i.keyword) !== majority)
      .map((i) => {
        const text = majority === "upper" ? i.keyword.toUpperCase() : i.keyword.toLowerCase();
        return {
          range: i.keywordRange,
          message: `Command '${i.keyword}' should match the case of the command majority (${majority === "upper" ? "uppercase" : "lowercase"})`,
          instruction: i,
          fix: { title: `Write ${text}`, edits: [{ range: i.keywordRange, text }] },
        };
      });
  },
};

export const jsonArgsRecommended: LintRule = {
  id: "JSONArgsRecommended",
  severity: "warning",
  description: "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
  url: `${BUILDKIT_DOCS}json-args-recommended/`,
  hint: 'write CMD ["executable", "arg"] so the process receives signals',
  aliases: ["DL3025"],
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((stage) => {
      const findings: Finding[] = [];
      let customShell = inheritsFromStages(resolution, stage.index, (i) => i.kind === "SHELL");
      for (const ins of stage.instructions) {
        if (ins.kind === "SHELL") customShell = true;
        if ((ins.kind === "CMD" || ins.kind === "ENTRYPOINT") && ins.command?.form === "shell" && !customShell) {
          const words = ins.command.text.trim().split(/\s+/);
          findings.push({
            range: ins.command.range,
            message: `JSON arguments recommended for ${ins.kind} to prevent unintended behavior related to OS signals`,
            instruction: ins,
            ...(/^[\w./:=@%+-]+(\s+[\w./:=@%+-]+)*$/.test(ins.command.text.trim())
              ? { fix: { title: "Convert to JSON form", edits: [{ range: ins.command.range, text: JSON.stringify(words).replace(/","/g, '", "') }] } }
              : {}),
          });
        }
      }
      return findings;
    }),
};

export const maintainerDeprecated: LintRule = {
  id: "MaintainerDeprecated",
  severity: "warning",
  description: "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
  url: `${BUILDKIT_DOCS}maintainer-deprecated/`,
  hint: 'write LABEL org.opencontainers.image.authors="..."',
  aliases: ["DL4000"],
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.kind === "MAINTAINER")
      .map((i) => ({
        range: i.keywordRange,
        message: "Maintainer instruction is deprecated in favor of using label",
        instruction: i,
        fix: {
          title: "Replace with a LABEL",
          edits: [{ range: i.range, text: `LABEL org.opencontainers.image.authors=${JSON.stringify(i.argsText)}` }],
        },
      })),
};

export const legacyKeyValueFormat: LintRule = {
  id: "LegacyKeyValueFormat",
  severity: "warning",
  description: 'Legacy key/value format with whitespace separator should not be used',
  url: `${BUILDKIT_DOCS}legacy-key-value-format/`,
  hint: "write KEY=value",
  check: ({ df }) =>
    withTriggers(df.instructions).flatMap((i) => {
      if (i.kind !== "ENV" && i.kind !== "LABEL") return [];
      return i.pairs
        .filter((p) => p.legacy)
        .map((p) => {
          const value = p.value!.raw;
          const quoted = /^(".*"|'.*')$/s.test(value) || !/\s/.test(value) ? value : JSON.stringify(value);
          return {
            range: p.range,
            message: `"${i.kind} key=value" should be used instead of legacy "${i.kind} key value" format`,
            instruction: i,
            fix: { title: "Use key=value", edits: [{ range: p.range, text: `${p.key.raw}=${quoted}` }] },
          };
        });
    }),
};

export const workdirRelativePath: LintRule = {
  id: "WorkdirRelativePath",
  severity: "warning",
  description: "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
  url: `${BUILDKIT_DOCS}workdir-relative-path/`,
  hint: "start with an absolute WORKDIR such as /app",
  aliases: ["DL3000"],
  check: ({ resolution }) =>
    resolution.split.stages.flatMap((stage) => {
      // Only the first WORKDIR of a build chain counts: after it the working directory is known.
      if (inheritsFromStages(resolution, stage.index, (i) => i.kind === "WORKDIR")) return [];
      const first = stage.instructions.find((i) => i.kind === "WORKDIR");
      if (first?.kind !== "WORKDIR" || first.value === null) return [];
      const path = resolution.expanded.get(first.value) ?? first.value.raw;
      if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return [];
      return [{ range: first.value.range, message: `Relative workdir "${path}" can have unexpected results if the base image changes`, instruction: first }];
    }),
};

/** True when a stage this one is built FROM (transitively) has an instruction matching `test`. */
function inheritsFromStages(resolution: LintInput["resolution"], stageIndex: number, test: (i: Instruction) => boolean): boolean {
  for (let s = resolution.stages[stageIndex]?.baseStage ?? null; s !== null; s = resolution.stages[s]?.baseStage ?? null) {
    if (resolution.split.stages[s]!.instructions.some(test)) return true;
  }
  return false;
}

export const exposeProtoCasing: LintRule = {
  id: "ExposeProtoCasing",
  severity: "warning",
  description: "Protocol in EXPOSE instruction should be lowercase",
  url: `${BUILDKIT_DOCS}expose-proto-casing/`,
  hint: "write the protocol as tcp or udp",
  check: ({ df, resolution }) =>
    withTriggers(df.instructions).flatMap((i) => {
      if (i.kind !== "EXPOSE") return [];
      return i.ports.flatMap((w) => {
        const port = resolution.expanded.get(w) ?? w.raw;
        const slash = port.lastIndexOf("/");
        if (slash < 0) return [];
        const proto = port.slice(slash + 1);
        if (proto === proto.toLowerCase()) return [];
        return [
          {
            range: w.range,
            message: `Defined protocol '${port}' in EXPOSE instruction should be lowercase`,
            instruction: i,
            fix: { title: "Lowercase the protocol", edits: [{ range: w.range, text: w.raw.replace(/\/[^/]*$/, (m) => m.toLowerCase()) }] },
          },
        ];
      });
    }),
};

export const exposeInvalidFormat: LintRule = {
  id: "ExposeInvalidFormat",
  severity: "warning",
  description: "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
  url: `${BUILDKIT_DOCS}expose-invalid-format/`,
  hint: "EXPOSE only the container port; publish with docker run -p",
  check: ({ df, resolution }) =>
    withTriggers(df.instructions).flatMap((i) => {
      if (i.kind !== "EXPOSE") return [];
      return i.ports
        .filter((w) => (resolution.expanded.get(w) ?? w.raw).includes(":"))
        .map((w) => ({
          range: w.range,
          message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${resolution.expanded.get(w) ?? w.raw}'`,
          instruction: i,
        }));
    }),
};
