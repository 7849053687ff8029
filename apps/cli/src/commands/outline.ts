import { analyzeDockerfile, outlineOf, type Outline } from "@layerlab/core";
import { oneOf, option, parseArgs } from "../args.js";
import { formatDiagnostics } from "../diagnostics-format.js";
import { readDockerfile } from "../dockerfile-input.js";

export const outlineUsage = `Usage: layerlab outline [-f Dockerfile] [--format text|json]

Show the stages, their dependencies, the build args (default and where used) and the targets.`;

function formatText(outline: Outline): string {
  const lines: string[] = ["STAGES"];
  for (const s of outline.stages) {
    const deps = s.deps.length ? `  needs ${s.deps.map((d) => outline.stages[d]!.label).join(", ")}` : "";
    const mark = outline.target === s.index ? "  (default target)" : outline.reachable.includes(s.index) ? "" : "  (not built by default)";
    lines.push(`  ${s.index}  ${s.label.padEnd(16)} FROM ${s.resolvedBase ?? "?"}${s.platform ? ` --platform=${s.platform}` : ""}  line ${s.line}${deps}${mark}`);
    if (s.description) lines.push(`       ${s.description}`);
  }
  lines.push("", "BUILD ARGS");
  if (outline.args.length === 0) lines.push("  (none)");
  for (const a of outline.args) {
    const scope = a.scope === "global" ? "global" : outline.stages[a.scope]!.label;
    const used = a.usedOn.length ? `used on ${a.usedOn.join(", ")}` : "unused";
    lines.push(`  ${a.name.padEnd(20)} ${(a.default === null ? "(no default)" : JSON.stringify(a.default)).padEnd(20)} ${scope.padEnd(12)} line ${a.line}, ${used}`);
  }
  lines.push("", "TARGETS");
  for (const s of outline.stages) lines.push(`  ${s.label}${outline.target === s.index ? " (default)" : ""}`);
  return lines.join("\n");
}

export function outlineCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const args = parseArgs(argv, { file: "value", format: "value" }, { f: "file" });
  const format = oneOf(option(args, "format"), ["text", "json"] as const, "text", "--format");
  const { path, text } = readDockerfile(option(args, "file"));
  const analysis = analyzeDockerfile(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) err(formatDiagnostics(path, errors));
  const outline = outlineOf(analysis);
  out(format === "json" ? JSON.stringify(outline, null, 2) : formatText(outline));
  return errors.length > 0 ? 1 : 0;
}
