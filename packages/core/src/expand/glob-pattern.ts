/**
 * Converts a substitution pattern into a regular-expression source as the Dockerfile lexer
 * does for `${v#p}`, `${v%p}` and `${v/p/r}`: `*` and `?` are wildcards and the escape makes
 * the next character literal; there are no `[...]` classes (brackets match themselves).
 */
export function globToRegexSource(pattern: string, escapeChar: string): string | null {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escapeChar || ch === "\\") {
      if (i + 1 >= pattern.length) return null;
      out += escapeRegex(pattern[++i]!);
    } else if (ch === "*") out += "[\\s\\S]*";
    else if (ch === "?") out += "[\\s\\S]";
    else out += escapeRegex(ch);
  }
  return out;
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? "\\" + ch : ch;
}

function fullMatcher(pattern: string, escapeChar: string): RegExp | null {
  const src = globToRegexSource(pattern, escapeChar);
  return src === null ? null : new RegExp(`^(?:${src})$`);
}

/** `${v#p}` / `${v##p}`: remove the shortest (or longest) prefix matching the glob. */
export function trimPrefix(value: string, pattern: string, longest: boolean, escapeChar: string): string | null {
  const re = fullMatcher(pattern, escapeChar);
  if (re === null) return null;
  if (longest) {
    for (let i = value.length; i >= 0; i--) if (re.test(value.slice(0, i))) return value.slice(i);
  } else {
    for (let i = 0; i <= value.length; i++) if (re.test(value.slice(0, i))) return value.slice(i);
  }
  return value;
}

/** `${v%p}` / `${v%%p}`: remove the shortest (or longest) suffix matching the glob. */
export function trimSuffix(value: string, pattern: string, longest: boolean, escapeChar: string): string | null {
  const re = fullMatcher(pattern, escapeChar);
  if (re === null) return null;
  if (longest) {
    for (let i = 0; i <= value.length; i++) if (re.test(value.slice(i))) return value.slice(0, i);
  } else {
    for (let i = value.length; i >= 0; i--) if (re.test(value.slice(i))) return value.slice(0, i);
  }
  return value;
}

/** `${v/p/r}` and `${v//p/r}`: replace the first (or every) leftmost-longest match. */
export function replaceGlob(value: string, pattern: string, replacement: string, all: boolean, escapeChar: string): string | null {
  const src = globToRegexSource(pattern, escapeChar);
  if (src === null) return null;
  if (src === "") return value;
  const re = new RegExp(src, all ? "g" : "");
  return value.replace(re, () => replacement);
}
