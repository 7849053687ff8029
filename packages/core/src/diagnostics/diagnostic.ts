import type { SourceRange } from "../dockerfile/source-range.js";

export type Severity = "error" | "warning" | "info";

/**
 * Every problem Layerlab reports is a value of this shape: parse errors, lint findings and
 * build failures alike, so the CLI, the server and the editor render them the same way.
 */
export interface Diagnostic {
  /** Stable identifier: a BuildKit check name, a hadolint DL code, or a `parse/...` code. */
  code: string;
  severity: Severity;
  message: string;
  range: SourceRange;
  /** One line telling the user what to do about it. */
  hint?: string;
  url?: string;
  /** A mechanical fix an editor can apply. */
  fix?: Fix;
  /** Equivalent rule ids from other tools (a hadolint DL code for a BuildKit check). */
  aliases?: string[];
}

export interface TextEdit {
  range: SourceRange;
  text: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export function diagnostic(
  code: string,
  severity: Severity,
  message: string,
  range: SourceRange,
  extra: Pick<Diagnostic, "hint" | "url" | "fix" | "aliases"> = {},
): Diagnostic {
  return { code, severity, message, range, ...extra };
}
