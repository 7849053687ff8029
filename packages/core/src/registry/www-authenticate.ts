/** One challenge of a WWW-Authenticate header: its scheme and auth-params. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses WWW-Authenticate (RFC 7235): schemes followed by `key=value` or `key="quoted, value"`
 * params. Quoted values may contain commas (a registry's `scope` does), so no naive splitting.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skip = () => {
    while (i < header.length && /[\s,]/.test(header[i]!)) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip();
    const scheme = token();
    if (!scheme) break;
    const params: Record<string, string> = {};
    for (;;) {
      const save = i;
      while (i < header.length && header[i] === " ") i++;
      const key = token();
      while (i < header.length && header[i] === " ") i++;
      if (!key || header[i] !== "=") {
        i = save;
        break;
      }
      i++;
      while (i < header.length && header[i] === " ") i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < header.length) i++;
          value += header[i++];
        }
        i++;
      } else value = token();
      params[key.toLowerCase()] = value;
      while (i < header.length && header[i] === " ") i++;
      if (header[i] === ",") i++;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
  }
  return out;
}
