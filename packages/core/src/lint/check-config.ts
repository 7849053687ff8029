import type { Comment, Directive, Instruction } from "../dockerfile/ast.js";

/** What `# check=skip=A,B;error=true;experimental=C` asks for. */
export interface CheckConfig {
  skip: Set<string>;
  skipAll: boolean;
  error: boolean;
  experimental: Set<string>;
  experimentalAll: boolean;
}

export function parseCheckValue(value: string): CheckConfig {
  const config: CheckConfig = { skip: new Set(), skipAll: false, error: false, experimental: new Set(), experimentalAll: false };
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const val = part.slice(eq + 1).trim();
    const list = val.split(",").map((s) => s.trim()).filter(Boolean);
    if (key === "skip") {
      if (list.includes("all")) config.skipAll = true;
      for (const r of list) config.skip.add(r);
    } else if (key === "error") config.error = val.toLowerCase() === "true";
    else if (key === "experimental") {
      if (list.includes("all")) config.experimentalAll = true;
      for (const r of list) config.experimental.add(r);
    }
  }
  return config;
}

export function fileCheckConfig(directives: Directive[], buildArgValue?: string): CheckConfig {
  const d = directives.find((x) => x.name === "check");
  return parseCheckValue(buildArgValue ?? d?.value ?? "");
}

/**
 * Per-instruction suppressions: a `# check=skip=...` comment directly above an instruction
 * (BuildKit) and `# hadolint ignore=DL3008,...` there, or `# hadolint global ignore=...` anywhere.
 */
export function instructionSuppressions(comments: Comment[], instructions: Instruction[]) {
  const global = new Set<string>();
  const byLine = new Map<number, string>();
  for (const c of comments) {
    byLine.set(c.range.line, c.text);
    const g = /^#\s*hadolint\s+global\s+ignore=(\S+)/.exec(c.text);
    if (g) for (const id of g[1]!.split(",")) global.add(id.trim());
  }
  const perInstruction = new Map<Instruction, Set<string>>();
  for (const ins of instructions) {
    const ids = new Set<string>();
    for (let line = ins.range.line - 1; byLine.has(line); line--) {
      const text = byLine.get(line)!;
      const h = /^#\s*hadolint\s+ignore=(\S+)/.exec(text);
      if (h) for (const id of h[1]!.split(",")) ids.add(id.trim());
      const c = /^#\s*check\s*=\s*(.+)$/.exec(text);
      if (c) for (const id of parseCheckValue(c[1]!).skip) ids.add(id);
    }
    if (ids.size > 0) perInstruction.set(ins, ids);
  }
  return { global, perInstruction };
}
