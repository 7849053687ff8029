import type { Comment, Directive, Instruction } from "../dockerfile/ast.js";

/** What `# check=skip=A,B;error=true;experimental=C` asks for. */
export interface CheckConfig {
  skip: Set<string>;
  skipAll: boolean;
  error: boolean;
  experimental: Set<string>;
  experimentalAll: boolean;
}

/** Parses a check value with BuildKit's rules; problems are returned, not thrown. */
export function parseCheckValue(value: string): { config: CheckConfig; problem: string | null } {
  const config: CheckConfig = { skip: new Set(), skipAll: false, error: false, experimental: new Set(), experimentalAll: false };
  const text = value.trim().split(" ")[0] ?? "";
  if (text === "") return { config, problem: null };
  const parts = text.split(";");
  const limited = parts.length > 3 ? [...parts.slice(0, 2), parts.slice(2).join(";")] : parts;
  for (const part of limited) {
    const eq = part.indexOf("=");
    if (eq < 0) return { config, problem: `invalid check option "${part}"` };
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    const list = val.split(",").map((s) => s.trim()).filter(Boolean);
    if (key === "skip") {
      if (val === "all") config.skipAll = true;
      else for (const r of list) config.skip.add(r);
    } else if (key === "experimental") {
      if (val === "all") config.experimentalAll = true;
      else for (const r of list) config.experimental.add(r);
    } else if (key === "error") {
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(val)) {
        return { config, problem: `failed to parse check option "${part}": strconv.ParseBool: parsing "${val}": invalid syntax` };
      }
      config.error = /^(1|t|T|TRUE|true|True)$/.test(val);
    } else return { config, problem: `invalid check option "${key}"` };
  }
  return { config, problem: null };
}

/** The file's `# check=` directive, replaced entirely by the BUILDKIT_DOCKERFILE_CHECK build arg when given. */
export function fileCheckConfig(directives: Directive[], buildArgValue?: string) {
  const d = directives.find((x) => x.name === "check");
  return { ...parseCheckValue(buildArgValue ?? d?.value ?? ""), directive: buildArgValue === undefined ? (d ?? null) : null };
}

/**
 * Per-instruction suppressions: a `# check=skip=...` comment directly above an instruction
 * (BuildKit) and `# hadolint ignore=DL3008,...` there, or `# hadolint global ignore=...` anywhere.
 */
export function instructionSuppressions(comments: Comment[], directives: Directive[], instructions: Instruction[]) {
  const global = new Set<string>();
  const byLine = new Map<number, string>();
  // Directive lines are not comments to BuildKit: they never apply to the first instruction.
  const directiveLines = new Set(directives.map((d) => d.range.line));
  for (const c of comments) {
    if (directiveLines.has(c.range.line)) continue;
    byLine.set(c.range.line, c.text);
    const g = /^#\s*hadolint\s+global\s+ignore=(\S+)/.exec(c.text);
    if (g) for (const id of g[1]!.split(",")) global.add(id.trim());
  }
  const perInstruction = new Map<Instruction, Set<string>>();
  for (const ins of instructions) {
    const ids = new Set<string>();
    let checkSeen = false;
    for (let line = ins.range.line - 1; byLine.has(line); line--) {
      const text = byLine.get(line)!;
      const h = /^#\s*hadolint\s+ignore=(\S+)/.exec(text);
      if (h) for (const id of h[1]!.split(",")) ids.add(id.trim());
      const c = /^#\s*check\s*=\s*(.+)$/.exec(text);
      if (c && !checkSeen) {
        // The first check comment above an instruction wins; its error= is ignored, as in BuildKit.
        const parsed = parseCheckValue(c[1]!);
        if (parsed.problem === null) {
          checkSeen = true;
          for (const id of parsed.config.skip) ids.add(id);
          if (parsed.config.skipAll) ids.add("all");
        }
      }
    }
    if (ids.size > 0) perInstruction.set(ins, ids);
  }
  return { global, perInstruction };
}
