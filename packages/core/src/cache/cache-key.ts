import { createHash } from "node:crypto";
import type { MissReason } from "../protocol/build-events.js";

/**
 * What a step's cache key is made of, in order, by name: the parent key first, then the
 * operation's own inputs. Kept with the key so a miss can say which input changed.
 */
export type KeyInputs = { name: string; value: unknown }[];

export function cacheKey(inputs: KeyInputs): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(inputs)).digest("hex")}`;
}

const short = (d: string) => (d.startsWith("sha256:") ? d.slice(7, 19) : d.slice(0, 12));

function envMap(v: unknown): Map<string, string> {
  return new Map((Array.isArray(v) ? (v as string[]) : []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/**
 * The first input that differs from the previous build of the same step, as a reason a person
 * can act on: which file changed (old and new checksum), which ARG or ENV changed, the
 * instruction text, the base image, or that the step before missed.
 */
export function explainMiss(previous: KeyInputs | null, current: KeyInputs, argNames: ReadonlySet<string>): MissReason {
  if (previous === null) return { code: "first-build", message: "no earlier build of this step" };
  const before = new Map(previous.map((i) => [i.name, i.value]));
  for (const input of current) {
    const old = before.get(input.name);
    if (JSON.stringify(old) === JSON.stringify(input.value)) continue;
    switch (input.name) {
      case "parent":
        return { code: "parent-missed", message: "the step before it changed", parentLine: null };
      case "base":
        return { code: "base-changed", message: `base image changed (${old === undefined ? "none" : short(String(old))} → ${short(String(input.value))})`, old: old === undefined ? null : String(old), new: String(input.value) };
      case "env": {
        const a = envMap(old);
        const b = envMap(input.value);
        for (const name of new Set([...a.keys(), ...b.keys()])) {
          if (a.get(name) === b.get(name)) continue;
          const kind = argNames.has(name) ? "arg-changed" : "env-changed";
          const label = kind === "arg-changed" ? "build-arg" : "env";
          return { code: kind, message: `${label} ${name} changed: ${a.get(name) ?? "(unset)"} → ${b.get(name) ?? "(unset)"}`, name, old: a.get(name) ?? null, new: b.get(name) ?? null };
        }
        return { code: "env-changed", message: "environment order changed", name: "", old: null, new: null };
      }
      case "files": {
        const a = new Map(Object.entries((old ?? {}) as Record<string, string>));
        const b = new Map(Object.entries(input.value as Record<string, string>));
        const differing = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
        // A directory's checksum covers its children: name the deepest change, not its parent.
        const leaf = differing.find((p) => !differing.some((q) => q.startsWith(`${p}/`)));
        if (leaf !== undefined) {
          const was = a.get(leaf);
          const now = b.get(leaf);
          if (was === undefined) return { code: "file-added", message: `${leaf} was added`, path: leaf };
          if (now === undefined) return { code: "file-removed", message: `${leaf} was removed`, path: leaf };
          return { code: "file-changed", message: `${leaf} changed (${short(was)} → ${short(now)})`, path: leaf, old: was, new: now };
        }
        return { code: "setting-changed", message: "copied files changed", setting: "files", old: null, new: "" };
      }
      case "command":
      case "action":
        return { code: "instruction-changed", message: `instruction changed`, old: old === undefined ? null : JSON.stringify(old), new: JSON.stringify(input.value) };
      default:
        return { code: "setting-changed", message: `${input.name} changed: ${JSON.stringify(old ?? null)} → ${JSON.stringify(input.value)}`, setting: input.name, old: old === undefined ? null : JSON.stringify(old), new: JSON.stringify(input.value) };
    }
  }
  return { code: "first-build", message: "this step's result is no longer in the cache" };
}
