/**
 * `.dockerignore` with Docker's semantics (moby/patternmatcher), not gitignore's: patterns are
 * anchored at the context root, `*` and `?` never cross `/`, `**` spans directories, a pattern
 * excluding a directory excludes everything below it, `!` re-includes, and the last matching
 * pattern wins.
 */
export interface IgnorePattern {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  exclusion: boolean;
  line: number;
  regex: RegExp;
}

const REGEX_SPECIAL = new Set([".", "+", "(", ")", "|", "{", "}", "$", "^"]);

/** Lexical clean like Go's path.Clean: collapses `//`, `.` and `..` parts. */
export function cleanPath(p: string): string {
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

function compile(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        re += i + 1 >= pattern.length ? ".*" : "(.*/)?";
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ch === "\\") {
      re += i + 1 < pattern.length ? `\\${pattern[++i]}` : "\\\\";
    } else if (REGEX_SPECIAL.has(ch)) re += `\\${ch}`;
    else re += ch;
  }
  re += "$";
  try {
    return new RegExp(re, "s");
  } catch {
    return /$^/;
  }
}

/** Parses `.dockerignore` text: `#` comments, blank lines skipped, paths cleaned, leading `/` dropped. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.startsWith("#")) return;
    let p = raw.trim();
    if (p === "") return;
    const exclusion = p.startsWith("!");
    if (exclusion) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p.startsWith("/")) p = p.slice(1);
    }
    patterns.push({ pattern: p, exclusion, line: index + 1, regex: compile(p) });
  });
  return patterns;
}

/**
 * Whether a context path (relative, `/`-separated) is excluded: a pattern matches the path
 * itself or any of its parent directories; patterns apply in order and the last match wins.
 */
export function isExcluded(patterns: readonly IgnorePattern[], path: string): boolean {
  const file = cleanPath(path);
  const parts = file.split("/");
  let matched = false;
  for (const p of patterns) {
    if (p.exclusion !== matched) continue;
    let match = p.regex.test(file);
    for (let i = 1; !match && i < parts.length; i++) match = p.regex.test(parts.slice(0, i).join("/"));
    if (match) matched = !p.exclusion;
  }
  return matched;
}

/** True when some `!` pattern could re-include a path below `dir`, so the walk must enter it. */
export function mayReinclude(patterns: readonly IgnorePattern[], dir: string): boolean {
  return patterns.some((p) => p.exclusion && (p.pattern.startsWith(`${dir}/`) || p.pattern.includes("*") || p.pattern.includes("?") || p.pattern.includes("[")));
}

export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const patterns = parseDockerignore(text);
  return (path) => isExcluded(patterns, path);
}
