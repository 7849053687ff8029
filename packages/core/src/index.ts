/** Browser-safe entry: the Dockerfile frontend and the types shared by CLI, server and UI. */
export * from "./diagnostics/diagnostic.js";
export * from "./dockerfile/ast.js";
export * from "./dockerfile/source-range.js";
export { parseDockerfile } from "./dockerfile/parse.js";
export { lex, type EnvLookup, type LexOutcome, type LexResult } from "./expand/lexer.js";
export * from "./expand/predefined-args.js";
export { resolveVariables, type Resolution, type ResolveOptions, type ResolvedStage, type VariableUse } from "./expand/resolve.js";
export * from "./graph/stage-graph.js";
export { splitStages, stageLabel, type Stage } from "./graph/stages.js";
export * from "./image/reference.js";
export { analyzeDockerfile, type Analysis, type LintOptions } from "./lint/lint.js";
export { ALL_RULES, BUILDKIT_RULES, BEST_PRACTICE_RULES } from "./lint/rules/index.js";
export type { LintRule } from "./lint/rule.js";
export { outlineOf, type Outline, type OutlineArg, type OutlineStage } from "./outline/outline.js";
export { parseTagName, type TagName } from "./image/image-name.js";
export {
  MEDIA,
  parseJson,
  type ContainerConfig,
  type Descriptor,
  type History,
  type ImageConfig,
  type ImageIndex,
  type Manifest,
  type Platform as OciPlatform,
} from "./image/oci-schemas.js";
export { applyConfigChanges } from "./image/config-changes.js";
export { dockerignoreMatcher, isExcluded, parseDockerignore, type IgnorePattern } from "./context/dockerignore.js";
export * from "./protocol/build-events.js";
export { completionsAt, hoverAt, type Completion, type CompletionResult } from "./assist/editor-assist.js";
// Shapes the server sends to the web app; type-only, so nothing Node-side is bundled.
export type { Efficiency, InefficientPath } from "./analysis/efficiency.js";
export type { ImageDiff, PathChange } from "./analysis/image-diff.js";
export type { HistoryRow } from "./store/image-facts.js";
