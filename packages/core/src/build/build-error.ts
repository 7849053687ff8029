import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceRange } from "../dockerfile/source-range.js";

/** Why a build stopped: a code, a message that says what to do, and the Dockerfile range. */
export class BuildError extends Error {
  constructor(
    readonly code: "dockerfile" | "step-failed" | "base-image" | "not-found" | "exec-unavailable" | "cancelled" | "invalid-option",
    message: string,
    readonly range: SourceRange | null = null,
    readonly diagnostics: Diagnostic[] = [],
    readonly step: string | null = null,
  ) {
    super(message);
  }
}
