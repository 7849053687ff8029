import type { Diagnostic } from "@layerlab/core";

/** Compiler-style lines: `file:line:col: severity rule: message`, then the hint indented. */
export function formatDiagnostics(file: string, diagnostics: Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const head = `${file}:${d.range.line}:${d.range.column}: ${d.severity} ${d.code}: ${d.message}`;
      return d.hint ? `${head}\n    hint: ${d.hint}${d.url ? ` (${d.url})` : ""}` : head;
    })
    .join("\n");
}
