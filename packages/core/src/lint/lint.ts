import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Dockerfile } from "../dockerfile/ast.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { DEFAULT_PLATFORM } from "../expand/predefined-args.js";
import { resolveVariables, type ResolveOptions, type Resolution } from "../expand/resolve.js";
import { buildStageGraph, type StageGraph } from "../graph/stage-graph.js";
import { fileCheckConfig, instructionSuppressions } from "./check-config.js";
import type { LintRule } from "./rule.js";
import { toDiagnostic } from "./rule.js";
import { ALL_RULES } from "./rules/index.js";

export interface LintOptions extends ResolveOptions {
  isIgnored?: (path: string) => boolean;
  imagePlatform?: (ref: string) => { os: string; architecture: string } | undefined;
  rules?: LintRule[];
  /** Value of the BUILDKIT_DOCKERFILE_CHECK build arg, which overrides `# check=`. */
  checkOverride?: string;
}

export interface Analysis {
  dockerfile: Dockerfile;
  resolution: Resolution;
  graph: StageGraph;
  /** Parse, expansion and graph errors, then lint findings, sorted by position. */
  diagnostics: Diagnostic[];
}

const byPosition = (a: Diagnostic, b: Diagnostic) =>
  a.range.line - b.range.line || a.range.column - b.range.column || a.code.localeCompare(b.code);

/** The whole frontend in one call: parse, expand, build the stage graph and lint. Never throws. */
export function analyzeDockerfile(text: string, options: LintOptions = {}): Analysis {
  const dockerfile = parseDockerfile(text);
  const resolution = resolveVariables(dockerfile, options);
  const graph = buildStageGraph(resolution);
  const { config, problem, directive } = fileCheckConfig(dockerfile.directives, options.checkOverride);
  const { global, perInstruction } = instructionSuppressions(dockerfile.comments, dockerfile.directives, dockerfile.instructions);
  const findings: Diagnostic[] = [];
  for (const rule of options.rules ?? ALL_RULES) {
    const ids = [rule.id, ...(rule.aliases ?? [])];
    if (rule.experimental) {
      // Skips do not apply to an experimental rule that was explicitly enabled.
      if (!config.experimentalAll && !config.experimental.has(rule.id)) continue;
    } else if (config.skipAll || ids.some((id) => config.skip.has(id) || global.has(id))) continue;
    const severity = config.error && rule.severity === "warning" ? "error" : rule.severity;
    const input = {
      df: dockerfile,
      text,
      resolution,
      graph,
      ...(options.isIgnored ? { isIgnored: options.isIgnored } : {}),
      ...(options.imagePlatform ? { imagePlatform: options.imagePlatform } : {}),
      targetPlatform: options.targetPlatform ?? DEFAULT_PLATFORM,
    };
    for (const finding of rule.check(input)) {
      const skipped = finding.instruction && perInstruction.get(finding.instruction);
      if (skipped && (skipped.has("all") || ids.some((id) => skipped.has(id)))) continue;
      findings.push(toDiagnostic(rule, finding, severity));
    }
  }
  const strays = resolution.split.strayBeforeFrom.map((i) => ({
    code: "parse/instruction-before-from",
    severity: "error" as const,
    message: "no build stage in current context",
    range: i.keywordRange,
    hint: `only ARG may come before the first FROM; move this ${i.keyword.toUpperCase()} below it`,
  }));
  if (problem !== null) {
    strays.push({
      code: "parse/check-directive",
      severity: "error",
      message: `failed to parse check options: ${problem}`,
      range: directive?.valueRange ?? { line: 1, column: 1, endLine: 1, endColumn: 1 },
      hint: "write # check=skip=Rule1,Rule2;error=true;experimental=all",
    });
  }
  if (resolution.split.stages.length === 0 && dockerfile.instructions.length > 0) {
    strays.push({
      code: "parse/no-stage",
      severity: "error",
      message: dockerfile.instructions.every((i) => i.kind === "ARG") ? "dockerfile contains no stages to build" : "no build stage in current context",
      range: dockerfile.instructions[0]!.keywordRange,
      hint: "add FROM IMAGE to start a stage",
    });
  }
  const all = [...dockerfile.diagnostics, ...resolution.diagnostics, ...graph.diagnostics, ...strays, ...findings];
  return { dockerfile, resolution, graph, diagnostics: all.sort(byPosition) };
}
