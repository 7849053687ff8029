import { FLAG_SPECS } from "../dockerfile/flags.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { BUILDKIT_BUILTIN_ARGS } from "../expand/predefined-args.js";
import { splitStages, stageLabel } from "../graph/stages.js";
import { FLAG_DOCS, INSTRUCTION_DOCS } from "./instruction-docs.js";

export interface Completion {
  label: string;
  kind: "instruction" | "flag" | "stage" | "image" | "variable";
  /** Text that replaces the word being typed. */
  insert: string;
  detail: string;
}

export interface CompletionResult {
  /** 1-based column where the replaced word starts. */
  from: number;
  items: Completion[];
}

const PLATFORM_ARGS = ["TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"];

/** The logical instruction a line belongs to: its keyword, following continuations back. */
function keywordOf(lines: string[], line: number): string | null {
  let l = line - 1;
  while (l > 0 && /\\\s*$/.test(lines[l - 1] ?? "")) l--;
  const m = /^\s*([A-Za-z]+)/.exec(lines[l] ?? "");
  return m ? m[1]!.toUpperCase() : null;
}

/**
 * What to offer at a position (1-based line and column) while typing: instructions at the
 * start of a line, flags after `--`, stage names and images after `--from=`, images after
 * FROM, and variable names after `$` or `${`.
 */
export function completionsAt(text: string, line: number, column: number, known: { images: string[] } = { images: [] }): CompletionResult {
  const lines = text.split("\n");
  const before = (lines[line - 1] ?? "").slice(0, column - 1);
  const continued = line > 1 && /\\\s*$/.test(lines[line - 2] ?? "");
  const df = parseDockerfile(text);
  const stages = splitStages(df).stages;
  const earlierStages = stages.filter((s) => s.from.range.line < line).map((s) => stageLabel(s));

  const variable = /\$\{?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
  if (variable) {
    const names = new Set<string>(PLATFORM_ARGS);
    for (const ins of df.instructions) {
      if (ins.range.line >= line) break;
      if (ins.kind === "ARG" || ins.kind === "ENV") for (const p of ins.pairs) names.add(p.key.raw);
    }
    const start = column - (variable[1]?.length ?? 0);
    return { from: start, items: [...names].filter((n) => !BUILDKIT_BUILTIN_ARGS.has(n)).sort().map((n) => ({ label: n, kind: "variable", insert: n, detail: PLATFORM_ARGS.includes(n) ? "platform argument" : "ARG or ENV" })) };
  }
  const fromFlag = /--from=([^\s]*)$/i.exec(before);
  if (fromFlag) {
    const items: Completion[] = [...earlierStages.map((s): Completion => ({ label: s, kind: "stage", insert: s, detail: "build stage" })), ...known.images.map((i): Completion => ({ label: i, kind: "image", insert: i, detail: "image in the store" }))];
    return { from: column - fromFlag[1]!.length, items };
  }
  const flag = /(?:^|\s)--([a-z-]*)$/.exec(before);
  const keyword = keywordOf(lines, line);
  if (flag && keyword) {
    const specs = FLAG_SPECS[keyword] ?? {};
    return {
      from: column - flag[1]!.length - 2,
      items: Object.keys(specs).map((f) => ({ label: `--${f}`, kind: "flag", insert: specs[f] === "bool" ? `--${f}` : `--${f}=`, detail: FLAG_DOCS[keyword]?.[f] ?? "" })),
    };
  }
  const word = /^\s*([A-Za-z]*)$/.exec(before);
  if (word && !continued) {
    return {
      from: column - word[1]!.length,
      items: Object.entries(INSTRUCTION_DOCS).map(([k, d]) => ({ label: k, kind: "instruction", insert: `${k} `, detail: d.syntax })),
    };
  }
  const fromImage = /^\s*FROM\s+(?:--\S+\s+)*([^\s]*)$/i.exec(before);
  if (fromImage && !continued) {
    const typed = fromImage[1]!;
    return { from: column - typed.length, items: [...known.images.map((i): Completion => ({ label: i, kind: "image", insert: i, detail: "image in the store" })), { label: "scratch", kind: "image", insert: "scratch", detail: "an empty filesystem" }] };
  }
  return { from: column, items: [] };
}

/** Markdown for the instruction keyword or flag under a position, or null. */
export function hoverAt(text: string, line: number, column: number): { markdown: string; from: number; to: number } | null {
  const lines = text.split("\n");
  const src = lines[line - 1] ?? "";
  const i = column - 1;
  let start = i;
  while (start > 0 && /[A-Za-z-]/.test(src[start - 1]!)) start--;
  let end = i;
  while (end < src.length && /[A-Za-z-]/.test(src[end]!)) end++;
  if (start === end) return null;
  const word = src.slice(start, end);
  const keyword = keywordOf(lines, line);
  if (word.startsWith("--") && keyword) {
    const doc = FLAG_DOCS[keyword]?.[word.slice(2)];
    if (doc) return { markdown: `**${keyword} ${word}**\n\n${doc}`, from: start + 1, to: end + 1 };
    return null;
  }
  const isKeyword = src.slice(0, start).trim() === "" || /^\s*ONBUILD\s+$/i.test(src.slice(0, start));
  const doc = INSTRUCTION_DOCS[word.toUpperCase()];
  if (doc && isKeyword) return { markdown: `**${word.toUpperCase()}**\n\n\`${doc.syntax}\`\n\n${doc.doc}`, from: start + 1, to: end + 1 };
  return null;
}
