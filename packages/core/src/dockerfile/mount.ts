import type { Mount, MountType } from "./ast.js";

const MOUNT_TYPES: readonly MountType[] = ["bind", "cache", "tmpfs", "secret", "ssh"];

const ALIASES: Record<string, string> = {
  dst: "target",
  destination: "target",
  src: "source",
  ro: "readonly",
  rw: "readwrite",
};

/** Option keys each mount type accepts (after alias resolution). */
const KEYS_BY_TYPE: Record<MountType, readonly string[]> = {
  bind: ["type", "target", "source", "from", "readonly", "readwrite"],
  cache: ["type", "target", "source", "from", "readonly", "readwrite", "id", "sharing", "mode", "uid", "gid"],
  tmpfs: ["type", "target", "size"],
  secret: ["type", "target", "id", "required", "mode", "uid", "gid", "env"],
  ssh: ["type", "target", "id", "required", "mode", "uid", "gid"],
};

const BOOL_KEYS = new Set(["readonly", "readwrite", "required"]);

/** Splits a CSV record the way Go's encoding/csv reads one line: quotes group commas. */
function splitCsv(value: string): string[] | null {
  const fields: string[] = [];
  let field = "";
  let inQuotes = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (inQuotes) {
      if (ch === '"' && value[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"' && field.length === 0) inQuotes = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  if (inQuotes) return null;
  fields.push(field);
  return fields;
}

export type MountParse = { mount: Omit<Mount, "range"> } | { error: string; hint: string };

/** Parses one `--mount=` value (`type=cache,target=/root/.cache,sharing=locked`). */
export function parseMount(value: string): MountParse {
  const fields = splitCsv(value);
  if (fields === null) return { error: `invalid mount "${value}": unterminated quote`, hint: "close the quote" };
  const options: Record<string, string> = {};
  for (const field of fields) {
    if (field.trim() === "") continue;
    const eq = field.indexOf("=");
    const rawKey = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const key = ALIASES[rawKey] ?? rawKey;
    const val = eq < 0 ? null : field.slice(eq + 1);
    if (val === null && !BOOL_KEYS.has(key)) {
      return { error: `invalid field '${field}' must be a key=value pair`, hint: `write ${rawKey}=VALUE` };
    }
    if (val !== null && BOOL_KEYS.has(key) && !/^(true|false|1|0)$/i.test(val)) {
      return { error: `invalid value for ${rawKey}: ${val}`, hint: `use ${rawKey}=true or ${rawKey}=false` };
    }
    options[key] = val ?? "true";
  }
  const type = (options.type ?? "bind").toLowerCase() as MountType;
  if (!MOUNT_TYPES.includes(type)) {
    return { error: `unsupported mount type "${options.type}"`, hint: `use one of ${MOUNT_TYPES.join(", ")}` };
  }
  const allowed = KEYS_BY_TYPE[type];
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      return {
        error: `unexpected key '${key}' for mount type ${type}`,
        hint: `${type} mounts accept ${allowed.filter((k) => k !== "type").join(", ")}`,
      };
    }
  }
  if (type === "cache" && options.sharing !== undefined && !["shared", "private", "locked"].includes(options.sharing)) {
    return { error: `unsupported sharing value "${options.sharing}"`, hint: "use sharing=shared, private or locked" };
  }
  const target = options.target ?? null;
  if (target === null && type !== "secret" && type !== "ssh") {
    return { error: `mount type ${type} requires a target`, hint: "add target=/path" };
  }
  if (type === "secret" && target === null && options.id === undefined && options.env === undefined) {
    return { error: "secret mount requires an id or a target", hint: "add id=NAME" };
  }
  const isTrue = (v: string | undefined) => v !== undefined && /^(true|1)$/i.test(v);
  const readonly =
    type === "bind" ? !isTrue(options.readwrite) : type === "cache" ? isTrue(options.readonly) : type !== "tmpfs";
  return {
    mount: {
      type,
      options,
      target,
      source: options.source ?? null,
      from: options.from ?? null,
      readonly,
    },
  };
}
