/**
 * BuildKit's "maybe JSON" rule for RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD: text that
 * starts with `[` and parses as a JSON array of strings is exec form; an array holding anything
 * but strings is an error; anything else, invalid JSON included, is shell form.
 */
export type MaybeJson =
  | { kind: "exec"; args: string[] }
  | { kind: "shell" }
  | { kind: "error"; message: string };

export function parseMaybeJson(text: string): MaybeJson {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return { kind: "shell" };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: "shell" };
  }
  if (!Array.isArray(value)) return { kind: "shell" };
  if (!value.every((v) => typeof v === "string")) {
    return { kind: "error", message: "when using JSON array syntax, arrays must be comprised of strings only" };
  }
  return { kind: "exec", args: value as string[] };
}
