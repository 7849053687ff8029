import type { Mount, MountType } from "./ast.js";
import { closestMatch } from "./suggest.js";

const MOUNT_TYPES: readonly MountType[] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const KEYS = ["type", "from", "source", "src", "target", "dst", "destination", "readonly", "ro", "readwrite", "rw", "required", "size", "id", "sharing", "mode", "uid", "gid", "env"];
const CANONICAL: Record<string, string> = { src: "source", dst: "target", destination: "target", ro: "readonly", rw: "readwrite" };
const BOOL_KEYS = new Set(["readonly", "ro", "readwrite", "rw", "required"]);

/** One CSV record as Go's csv reader sees it: `"` quotes a whole field, `""` is a quote inside one. */
function splitCsv(value: string): { fields: string[] } | { error: string } {
  if (value === "") return { error: "failed to parse csv mounts: EOF" };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) return { error: `failed to parse csv mounts: parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field` };
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ",") {
        return { error: `failed to parse csv mounts: parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field` };
      }
    } else {
      while (i < value.length && value[i] !== ",") {
        if (value[i] === '"') return { error: `failed to parse csv mounts: parse error on line 1, column ${i + 1}: bare " in non-quoted-field` };
        field += value[i++];
      }
    }
    fields.push(field);
    if (i >= value.length) return { fields };
    i++;
  }
}

function parseBool(v: string): boolean | null {
  if (/^(1|t|T|TRUE|true|True)$/.test(v)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(v)) return false;
  return null;
}

export type MountParse = { mount: Omit<Mount, "range"> } | { error: string; hint: string };

/**
 * Parses one `--mount=` value as BuildKit does: CSV fields in order, keys lower-cased, and
 * type-dependent keys checked against the type as set so far (so write `type=` first).
 */
export function parseMount(value: string): MountParse {
  const csv = splitCsv(value);
  if ("error" in csv) return { error: csv.error, hint: "write --mount=type=TYPE,target=PATH,..." };
  let type: MountType = "bind";
  const options: Record<string, string> = {};
  let readonly: boolean | null = null;
  for (const field of csv.fields) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? null : field.slice(eq + 1);
    if (val === null && !BOOL_KEYS.has(key)) {
      return { error: `invalid field '${field}' must be a key=value pair`, hint: "write key=value" };
    }
    if (!KEYS.includes(key)) {
      const guess = closestMatch(key, KEYS, false);
      return { error: `unexpected key '${key}' in '${field}'${guess ? ` (did you mean ${guess}?)` : ""}`, hint: "see the RUN --mount reference for this mount type" };
    }
    const name = CANONICAL[key] ?? key;
    if (BOOL_KEYS.has(key)) {
      const b = val === null ? true : parseBool(val);
      if (b === null) return { error: `invalid value for ${key}: ${val}`, hint: `use ${key}=true or ${key}=false` };
      if (name === "required" && type !== "secret" && type !== "ssh") {
        return { error: `unexpected key 'required' for mount type '${type}'`, hint: "put type=secret or type=ssh first" };
      }
      if (name === "readonly") readonly = b;
      if (name === "readwrite") readonly = !b;
      options[name] = String(b);
      continue;
    }
    if (name === "type") {
      const t = val!.toLowerCase();
      if (!(MOUNT_TYPES as readonly string[]).includes(t)) {
        const guess = closestMatch(t, MOUNT_TYPES, false);
        return { error: `unsupported mount type "${val}"${guess ? ` (did you mean ${guess}?)` : ""}`, hint: `use one of ${MOUNT_TYPES.join(", ")}` };
      }
      type = t as MountType;
    } else if (name === "size" && type !== "tmpfs") {
      return { error: `unexpected key 'size' for mount type '${type}'`, hint: "put type=tmpfs first" };
    } else if (name === "size" && !/^\d+(\.\d+)?\s*([kmgtp]i?b?)?$/i.test(val!)) {
      return { error: `invalid value for size: ${val}`, hint: "write a size such as 64m or 1GiB" };
    } else if (name === "sharing" && !["shared", "private", "locked"].includes(val!.toLowerCase())) {
      return { error: `unsupported sharing value "${val}"`, hint: "use sharing=shared, private or locked" };
    } else if (name === "mode" && !/^[0-7]+$/.test(val!)) {
      return { error: `invalid value ${val} for mode`, hint: "write an octal mode such as 0755" };
    } else if ((name === "uid" || name === "gid") && !/^\d+$/.test(val!)) {
      return { error: `invalid value ${val} for ${name}`, hint: "write a numeric id" };
    }
    options[name] = name === "sharing" ? val!.toLowerCase() : val!;
  }
  if (options.sharing !== undefined && type !== "cache") {
    return { error: type === "secret" ? "secret mount should not define sharing" : `invalid cache sharing set for ${type} mount`, hint: "remove sharing=" };
  }
  for (const k of ["mode", "uid", "gid"]) {
    if (options[k] !== undefined && (type === "bind" || type === "tmpfs")) {
      return { error: `${k} not allowed for "${type}" type mounts`, hint: `remove ${k}=` };
    }
  }
  if (type === "secret") {
    if (options.from !== undefined) return { error: "secret mount should not have a from", hint: "remove from=" };
    if (options.source === undefined && options.target === undefined && options.id === undefined) {
      return { error: "invalid secret mount. one of source, target required", hint: "add id=NAME" };
    }
    if (options.source !== undefined && options.id !== undefined) return { error: "both source and id can't be set", hint: "keep id=" };
  }
  const defaultReadonly = type === "bind" || type === "secret" || type === "ssh";
  return {
    mount: {
      type,
      options,
      target: options.target ?? null,
      source: options.source ?? null,
      from: options.from ?? null,
      readonly: readonly ?? defaultReadonly,
    },
  };
}
