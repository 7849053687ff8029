import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Dockerfile, Instruction, Word } from "../dockerfile/ast.js";
import type { SourceRange } from "../dockerfile/source-range.js";
import { splitStages, type StageSplit } from "../graph/stages.js";
import { lex, type EnvLookup } from "./lexer.js";
import { DEFAULT_PLATFORM, FROM_PREDEFINED_NAMES, platformArgs, type Platform } from "./predefined-args.js";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface ResolveOptions {
  buildArgs?: Record<string, string>;
  targetPlatform?: Platform;
  buildPlatform?: Platform;
  /** Env of an external base image when it is known (e.g. from the local store); undefined when not. */
  imageEnv?: (ref: string) => string[] | undefined;
}

export interface VariableUse {
  name: string;
  range: SourceRange;
  instruction: Instruction;
  /** Index of the stage, or -1 for a FROM line (global scope). */
  stage: number;
  defined: boolean;
  /** False when the base image's env is unknown, so an undefined name may still come from it. */
  envKnown: boolean;
  /** Names in scope when an undefined name was used, for "did you mean" suggestions; empty otherwise. */
  inScope: string[];
}

export interface DeclaredArg {
  name: string;
  value: string | undefined;
  range: SourceRange;
}

export interface ResolvedStage {
  index: number;
  /** Base image reference after expanding global ARGs; null if it could not be expanded. */
  image: string | null;
  /** The same with only ARG defaults (no --build-arg), for InvalidDefaultArgInFrom. */
  imageWithDefaults: string | null;
  platform: string | null;
  /** Index of the stage this one is built FROM, or null for an image or scratch. */
  baseStage: number | null;
  envKnown: boolean;
  declaredArgs: DeclaredArg[];
  /** Final env in order (ENV and ARG values), as RUN would see it at the end of the stage. */
  env: [string, string][];
}

export interface Resolution {
  split: StageSplit;
  globalArgs: DeclaredArg[];
  stages: ResolvedStage[];
  uses: VariableUse[];
  /** Expanded text of every word the builder expands, keyed by the word object. */
  expanded: Map<Word, string>;
  diagnostics: Diagnostic[];
}

/** Ordered env: a Map keeps insertion order, and re-setting a key moves it to the end. */
class Env {
  private readonly values: Map<string, string>;
  /** Names set by ENV (or the base image's config): ARG cannot override them. */
  readonly fromEnv: Set<string>;

  constructor(initial: [string, string][] = [], fromEnv: Iterable<string> = []) {
    this.values = new Map(initial);
    this.fromEnv = new Set(fromEnv);
  }

  set(name: string, value: string): void {
    this.values.delete(name);
    this.values.set(name, value);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  get entries(): [string, string][] {
    return [...this.values];
  }
}

function envFromImageConfig(env: string[]): [string, string][] {
  return env.map((e) => {
    const eq = e.indexOf("=");
    return eq < 0 ? [e, ""] : [e.slice(0, eq), e.slice(eq + 1)];
  });
}

/**
 * Resolves variables across a Dockerfile the way BuildKit's converter does: global ARGs
 * (visible only in FROM until redeclared), stage ARGs and ENVs in order, inheritance through
 * `FROM <stage>`, build-arg precedence, and the rule that one instruction sees the values from
 * before it. Everything the builder expands is expanded here once.
 */
export function resolveVariables(df: Dockerfile, options: ResolveOptions = {}): Resolution {
  const split = splitStages(df);
  const buildArgs = options.buildArgs ?? {};
  const escapeChar = df.escapeChar;
  const uses: VariableUse[] = [];
  const expanded = new Map<Word, string>();
  const diagnostics: Diagnostic[] = [];
  const platform = platformArgs(options.targetPlatform ?? DEFAULT_PLATFORM, options.buildPlatform ?? DEFAULT_PLATFORM);

  const expand = (
    word: Word,
    lookup: EnvLookup,
    instruction: Instruction,
    stage: number,
    isDefined: (name: string) => boolean,
    envKnown: boolean,
    inScope: () => string[],
    raw = false,
  ): string | null => {
    const out = lex(word.raw, lookup, { escapeChar, rawQuotes: raw, rawEscapes: raw });
    if (!out.ok) {
      diagnostics.push(
        diagnostic("parse/expansion", "error", out.message, word.range, { hint: "fix the variable reference or quote the text" }),
      );
      return null;
    }
    for (const name of [...out.result.matched, ...out.result.unmatched]) {
      const defined = isDefined(name);
      uses.push({ name, range: word.range, instruction, stage, defined, envKnown, inScope: defined ? [] : inScope() });
    }
    expanded.set(word, out.result.value);
    return out.result.value;
  };

  const globalArgs: DeclaredArg[] = [];
  const globalValues = new Map<string, string | undefined>();
  const globalDefaults = new Map<string, string | undefined>();
  for (const ins of split.globalArgs) {
    const lookup: EnvLookup = (n) => globalValues.get(n) ?? platform.get(n);
    for (const pair of ins.pairs) {
      const name = pair.key.raw;
      const def =
        pair.value === null
          ? undefined
          : (expand(pair.value, lookup, ins, -1, (n) => globalValues.has(n) || platform.has(n), true, () => [...globalValues.keys()]) ?? undefined);
      const value = name in buildArgs ? buildArgs[name] : def;
      globalValues.set(name, value);
      globalDefaults.set(name, def);
      globalArgs.push({ name, value, range: pair.range });
    }
  }
  const fromLookup: EnvLookup = (n) => (globalValues.has(n) ? globalValues.get(n) : platform.get(n));
  const fromDefaultsLookup: EnvLookup = (n) => (globalDefaults.has(n) ? globalDefaults.get(n) : platform.get(n));
  const fromDefined = (n: string) => globalValues.has(n) || FROM_PREDEFINED_NAMES.has(n);

  const stages: ResolvedStage[] = [];
  const byName = new Map<string, number>();
  for (const stage of split.stages) {
    const from = stage.from;
    let image: string | null = null;
    let imageWithDefaults: string | null = null;
    if (from.image) {
      image = expand(from.image, fromLookup, from, -1, fromDefined, true, () => [...globalValues.keys(), ...platform.keys()]);
      const d = lex(from.image.raw, fromDefaultsLookup, { escapeChar });
      imageWithDefaults = d.ok ? d.result.value : null;
    }
    let platformValue: string | null = null;
    if (from.platform?.value != null && from.platform.valueRange) {
      const w: Word = { raw: from.platform.value, range: from.platform.valueRange };
      platformValue = expand(w, fromLookup, from, -1, fromDefined, true, () => [...globalValues.keys(), ...platform.keys()]);
    }
    // BuildKit matches a FROM against stage names as written (names are stored lower-cased),
    // unlike --from, which it lower-cases first.
    const baseStage = image !== null ? (byName.get(image) ?? null) : null;
    let env: Env;
    let envKnown = true;
    let inheritedArgs: DeclaredArg[] = [];
    if (baseStage !== null) {
      const parent = stages[baseStage]!;
      env = new Env(parent.env, parent.env.map(([k]) => k));
      envKnown = parent.envKnown;
      inheritedArgs = parent.declaredArgs;
    } else if (image === null || image === "scratch") {
      env = new Env();
      envKnown = image !== null;
    } else {
      const imageEnv = options.imageEnv?.(image);
      envKnown = imageEnv !== undefined;
      const entries = envFromImageConfig(imageEnv ?? []);
      env = new Env(entries, entries.map(([k]) => k));
    }
    if (env.get("PATH") === undefined) env.set("PATH", DEFAULT_PATH);

    const declared = new Map<string, DeclaredArg>(inheritedArgs.map((a) => [a.name, a]));
    const stageIndex = stage.index;
    const lookup: EnvLookup = (n) => env.get(n);
    const isDefined = (n: string) => env.get(n) !== undefined || declared.has(n);
    const inScope = () => [...env.names(), ...declared.keys()];
    const ex = (w: Word | null, ins: Instruction, raw = false) =>
      w === null ? null : expand(w, lookup, ins, stageIndex, isDefined, envKnown, inScope, raw);

    const visit = (ins: Instruction) => {
      switch (ins.kind) {
        case "ARG":
          for (const pair of ins.pairs) {
            const name = pair.key.raw;
            const def = pair.value === null ? undefined : (ex(pair.value, ins) ?? undefined);
            // The builder supplies TARGET*/BUILD* like --build-arg values, so they beat defaults.
            let value: string | undefined;
            if (name in buildArgs) value = buildArgs[name];
            else if (platform.has(name)) value = platform.get(name);
            else if (pair.value === null && globalValues.has(name)) value = globalValues.get(name);
            else value = def;
            declared.set(name, { name, value, range: pair.range });
            // ARG and ENV share one environment in BuildKit: whichever was set last wins.
            if (value !== undefined) env.set(name, value);
          }
          break;
        case "ENV": {
          const values = ins.pairs.map((p) => [p.key.raw, p.value === null ? "" : (ex(p.value, ins) ?? "")] as const);
          for (const [k, v] of values) {
            env.set(k, v);
            env.fromEnv.add(k);
          }
          break;
        }
        case "LABEL":
          for (const p of ins.pairs) {
            ex(p.key, ins);
            ex(p.value, ins);
          }
          break;
        case "COPY":
        case "ADD":
          for (const w of ins.sources) if (!w.raw.startsWith("<<")) ex(w, ins);
          for (const h of ins.heredocs) if (!h.quoted) ex({ raw: h.content, range: h.bodyRange }, ins, true);
          ex(ins.dest, ins);
          for (const f of ins.flags) {
            if (["chown", "chmod", "checksum"].includes(f.name) && f.value !== null && f.valueRange) {
              ex({ raw: f.value, range: f.valueRange }, ins);
            }
          }
          break;
        case "RUN":
          for (const f of ins.flags) {
            if (f.name === "mount" && f.value !== null && f.valueRange) ex({ raw: f.value, range: f.valueRange }, ins);
          }
          break;
        case "EXPOSE":
          for (const w of ins.ports) ex(w, ins);
          break;
        case "VOLUME":
          for (const w of ins.paths) ex(w, ins);
          break;
        case "USER":
        case "WORKDIR":
        case "STOPSIGNAL":
          ex(ins.value, ins);
          break;
        default:
          break;
      }
    };
    for (const ins of stage.instructions) visit(ins);
    stages.push({
      index: stageIndex,
      image,
      imageWithDefaults,
      platform: platformValue,
      baseStage,
      envKnown,
      declaredArgs: [...declared.values()],
      env: env.entries,
    });
    if (stage.name) byName.set(stage.name, stageIndex);
  }
  return { split, globalArgs, stages, uses, expanded, diagnostics };
}
