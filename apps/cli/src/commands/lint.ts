import { analyzeDockerfile } from "@layerlab/core";
import { oneOf, option, parseArgs } from "../args.js";
import { formatDiagnostics } from "../diagnostics-format.js";
import { readDockerfile } from "../dockerfile-input.js";

export const lintUsage = `Usage: layerlab lint [-f Dockerfile] [--format text|json] [--error-on warning|error]

Parse and lint a Dockerfile: syntax errors, BuildKit's build checks and best-practice rules.
Exit code 1 when a diagnostic reaches the --error-on level (default: error).`;

export function lintCommand(argv: string[], out: (s: string) => void): number {
  const args = parseArgs(argv, { file: "value", format: "value", "error-on": "value" }, { f: "file" });
  const format = oneOf(option(args, "format"), ["text", "json"] as const, "text", "--format");
  const errorOn = oneOf(option(args, "error-on"), ["warning", "error"] as const, "error", "--error-on");
  const { path, text } = readDockerfile(option(args, "file"));
  const { diagnostics } = analyzeDockerfile(text);
  if (format === "json") out(JSON.stringify({ file: path, diagnostics }, null, 2));
  else if (diagnostics.length > 0) out(formatDiagnostics(path, diagnostics));
  const failing = diagnostics.filter((d) => d.severity === "error" || (errorOn === "warning" && d.severity === "warning"));
  return failing.length > 0 ? 1 : 0;
}
