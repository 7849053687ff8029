import type { LintRule } from "../rule.js";
import {
  aptListsNotDeleted,
  aptNoRecommends,
  aptYes,
  addInsteadOfCopy,
  consecutiveRuns,
  copyAllBeforeInstall,
  copyFromUnknownStage,
  latestTag,
  noSudo,
  rootUser,
  untaggedImage,
  useWorkdir,
} from "./best-practice.js";
import {
  duplicateStageName,
  fromAsCasing,
  multipleInstructionsDisallowed,
  reservedStageName,
  stageNameCasing,
} from "./buildkit-stages.js";
import {
  consistentInstructionCasing,
  exposeInvalidFormat,
  exposeProtoCasing,
  jsonArgsRecommended,
  legacyKeyValueFormat,
  maintainerDeprecated,
  noEmptyContinuation,
  workdirRelativePath,
} from "./buildkit-syntax.js";
import {
  copyIgnoredFile,
  fromPlatformFlagConstDisallowed,
  invalidBaseImagePlatform,
  invalidDefaultArgInFrom,
  invalidDefinitionDescription,
  redundantTargetPlatform,
  secretsUsedInArgOrEnv,
  undefinedArgInFrom,
  undefinedVar,
} from "./buildkit-variables.js";

/** BuildKit's `docker build --check` rules, under their BuildKit names. */
export const BUILDKIT_RULES: LintRule[] = [
  stageNameCasing,
  fromAsCasing,
  noEmptyContinuation,
  consistentInstructionCasing,
  duplicateStageName,
  reservedStageName,
  jsonArgsRecommended,
  maintainerDeprecated,
  undefinedArgInFrom,
  workdirRelativePath,
  undefinedVar,
  multipleInstructionsDisallowed,
  legacyKeyValueFormat,
  invalidBaseImagePlatform,
  redundantTargetPlatform,
  secretsUsedInArgOrEnv,
  invalidDefaultArgInFrom,
  fromPlatformFlagConstDisallowed,
  copyIgnoredFile,
  invalidDefinitionDescription,
  exposeProtoCasing,
  exposeInvalidFormat,
];

/** hadolint's DL rules that need no full shell parser, plus Layerlab's own cache-order rule. */
export const BEST_PRACTICE_RULES: LintRule[] = [
  untaggedImage,
  latestTag,
  aptYes,
  aptNoRecommends,
  aptListsNotDeleted,
  rootUser,
  useWorkdir,
  noSudo,
  addInsteadOfCopy,
  consecutiveRuns,
  copyAllBeforeInstall,
  copyFromUnknownStage,
];

export const ALL_RULES: LintRule[] = [...BUILDKIT_RULES, ...BEST_PRACTICE_RULES];
