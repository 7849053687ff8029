import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Directive } from "./ast.js";
import { rangeOnLine } from "./source-range.js";

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN = new Set(["syntax", "escape", "check"]);

export interface DirectiveScan {
  directives: Directive[];
  escapeChar: "\\" | "`";
  diagnostics: Diagnostic[];
  /** Index of the first line that is not a directive. */
  bodyStart: number;
}

/**
 * Parser directives live only at the very top: the first line that is not a known
 * `# key=value` (an empty line, a plain comment, an unknown key, an instruction) ends them.
 */
export function scanDirectives(lines: readonly string[]): DirectiveScan {
  const directives: Directive[] = [];
  const diagnostics: Diagnostic[] = [];
  let escapeChar: "\\" | "`" = "\\";
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const m = DIRECTIVE.exec(line);
    if (!m) break;
    const name = m[1]!.toLowerCase();
    if (!KNOWN.has(name)) break;
    const value = m[2]!;
    const valueCol = line.indexOf(value, line.indexOf("=") + 1) + 1;
    const range = rangeOnLine(i + 1, 1, line.length + 1);
    const valueRange = rangeOnLine(i + 1, valueCol, valueCol + value.length);
    if (directives.some((d) => d.name === name)) {
      diagnostics.push(
        diagnostic("parse/duplicate-directive", "error", `only one ${name} parser directive can be used`, range, {
          hint: `remove this second "# ${name}=" line`,
        }),
      );
      continue;
    }
    if (name === "escape") {
      if (value !== "\\" && value !== "`") {
        diagnostics.push(
          diagnostic("parse/invalid-escape", "error", `invalid escape token '${value}' does not match \` or \\`, valueRange, {
            hint: "use # escape=\\ (default) or # escape=`",
          }),
        );
        continue;
      }
      escapeChar = value;
    }
    directives.push({ name: name as Directive["name"], value, range, valueRange });
  }
  return { directives, escapeChar, diagnostics, bodyStart: i };
}
