import type { Diagnostic, Fix, Severity } from "../diagnostics/diagnostic.js";
import type { Dockerfile, Instruction } from "../dockerfile/ast.js";
import type { SourceRange } from "../dockerfile/source-range.js";
import type { Resolution } from "../expand/resolve.js";
import type { StageGraph } from "../graph/stage-graph.js";

export interface LintInput {
  df: Dockerfile;
  /** The Dockerfile text, for fixes that need to quote it. */
  text: string;
  resolution: Resolution;
  graph: StageGraph;
  /** True when a context path is excluded by .dockerignore; absent when no context is known. */
  isIgnored?: (path: string) => boolean;
  /** Platform of a base image in the store, when known (for InvalidBaseImagePlatform). */
  imagePlatform?: (ref: string) => { os: string; architecture: string } | undefined;
  targetPlatform?: { os: string; architecture: string };
}

export interface Finding {
  range: SourceRange;
  message: string;
  /** The instruction it concerns, so per-instruction `# check=` comments can apply. */
  instruction?: Instruction;
  fix?: Fix;
}

export interface LintRule {
  id: string;
  severity: Severity;
  description: string;
  url: string;
  /** One line on what to do, shown with every finding. */
  hint: string;
  /** Other tools' ids for the same check. */
  aliases?: string[];
  /** Experimental rules run only when `# check=experimental=...` enables them. */
  experimental?: boolean;
  check(input: LintInput): Finding[];
}

export function toDiagnostic(rule: LintRule, finding: Finding, severity: Severity): Diagnostic {
  return {
    code: rule.id,
    severity,
    message: finding.message,
    range: finding.range,
    hint: rule.hint,
    url: rule.url,
    ...(finding.fix ? { fix: finding.fix } : {}),
    ...(rule.aliases ? { aliases: rule.aliases } : {}),
  };
}

export const BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/";
export const HADOLINT_DOCS = "https://github.com/hadolint/hadolint/wiki/";
