import { createHash, randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { BuildCache, type CachedLayer } from "../cache/build-cache.js";
import { cacheKey, explainMiss, type KeyInputs } from "../cache/cache-key.js";
import { scanContext, type ContextScan } from "../context/context-scan.js";
import { StatCache } from "../context/stat-cache.js";
import type { Instruction, Word } from "../dockerfile/ast.js";
import { formatPlatform, parsePlatform, PROXY_ARGS } from "../expand/predefined-args.js";
import { resolveVariables, type Resolution } from "../expand/resolve.js";
import { findTarget, reachableStages } from "../graph/stage-graph.js";
import { stageLabel } from "../graph/stages.js";
import { parseTagName, type TagName } from "../image/image-name.js";
import type { ImageConfig, Platform } from "../image/oci-schemas.js";
import { StoreError } from "../store/store-error.js";
import { analyzeDockerfile } from "../lint/lint.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { lex } from "../expand/lexer.js";
import type { BuildEvent, LayerInfo, MissReason } from "../protocol/build-events.js";
import { chainId, type Digest } from "../store/digest.js";
import { hostPlatform, type ImageStore, type StoredImage } from "../store/image-store.js";
import { imageSize } from "../store/image-facts.js";
import { BuildError } from "./build-error.js";
import { EventSink } from "./build-events.js";
import { copyStep } from "./copy-step.js";
import { metadataEffect } from "./metadata-steps.js";
import { runStep } from "./run-step.js";
import { commitChange } from "./layer-commit.js";
import { envPairs, getEnv, setRunEnv, type LayerRef, type StageState } from "./stage-state.js";
import { resolveUser } from "./image-user.js";
import { secureJoin } from "../fs/secure-join.js";
import { lchown } from "node:fs/promises";

export interface BuildRequest {
  store: ImageStore;
  contextDir: string;
  dockerfileText: string;
  /** How the Dockerfile is named in messages and in cache identities. */
  dockerfilePath: string;
  target?: string;
  buildArgs?: Record<string, string>;
  tags?: string[];
  noCache?: boolean;
  /** Secret id → host file, for RUN --mount=type=secret. Never keyed, never stored. */
  secrets?: Record<string, string>;
  /** Resolves a base image missing from the store (pull through mirrors); throws when it cannot. */
  fetchBase?: (ref: string, platform: Platform) => Promise<void>;
  /** The platform to build for (`--platform`); the host's by default. */
  platform?: Platform;
  onEvent?: (e: BuildEvent) => void;
  signal?: AbortSignal;
  buildId?: string;
}

export interface BuildResult {
  buildId: string;
  imageId: Digest;
  tags: string[];
  events: BuildEvent[];
}

/** What a step did, for its `step.finished` event. */
export interface StepOutcome {
  cache: "hit" | "miss" | "none";
  reason: MissReason | null;
  layer: CachedLayer | null;
}

/** What steps need from the build as a whole. */
export interface BuildContext {
  request: BuildRequest;
  store: ImageStore;
  cache: BuildCache;
  sink: EventSink;
  resolution: Resolution;
  context: () => Promise<ContextScan>;
  stageResult: (ref: string) => Promise<StageState | null>;
  /** Looks the key up (unless --no-cache), explains a miss, or runs `make` and records the result. */
  cached: (step: string, identity: string, inputs: KeyInputs, state: StageState, make: () => Promise<CachedLayer>) => Promise<{ key: string; outcome: StepOutcome }>;
}

const layerInfo = (l: CachedLayer): LayerInfo => ({ digest: l.digest, diffId: l.diffId, size: l.size, compressedSize: l.compressedSize, files: l.files });

/**
 * Builds a Dockerfile with BuildKit's semantics: only stages the target needs, independent
 * stages concurrently, a cache key per FROM/RUN/COPY/ADD/WORKDIR chained through the parent,
 * and every miss explained. Events stream through `onEvent` as they happen.
 */
export async function build(request: BuildRequest): Promise<BuildResult> {
  const buildId = request.buildId ?? `b-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const sink = new EventSink(buildId, request.onEvent ?? (() => undefined));
  const started = Date.now();
  try {
    const result = await runBuild(request, sink);
    sink.emit({ type: "build.finished", imageId: result.imageId, tags: result.tags, size: result.size, durationMs: Date.now() - started });
    return { buildId, imageId: result.imageId, tags: result.tags, events: sink.log };
  } catch (e) {
    const error = e instanceof BuildError ? e : new BuildError("step-failed", (e as Error).message);
    sink.emit({ type: "build.failed", error: { code: error.code, message: error.message, range: error.range, step: error.step } });
    throw error;
  }
}

async function runBuild(request: BuildRequest, sink: EventSink): Promise<{ imageId: Digest; tags: string[]; size: number }> {
  const store = request.store;
  const tags: TagName[] = (request.tags ?? []).map((t) => {
    const name = parseTagName(t);
    if (name === null) throw new BuildError("invalid-option", `invalid tag "${t}": repository names must be lowercase`);
    return name;
  });
  const buildArgs = request.buildArgs ?? {};
  const host = hostPlatform();
  const targetPlatform = request.platform ?? host;
  const first = analyzeDockerfile(request.dockerfileText, { buildArgs, targetPlatform, buildPlatform: host });
  const errors = first.diagnostics.filter((d) => d.code.startsWith("parse/") || d.code.startsWith("graph/"));
  if (errors.length > 0) throw new BuildError("dockerfile", `${request.dockerfilePath}:${errors[0]!.range.line}:${errors[0]!.range.column}: ${errors[0]!.message}`, errors[0]!.range, errors);
  const graph = first.graph;
  if (graph.defaultTarget === null) throw new BuildError("dockerfile", "the Dockerfile has no stages to build");
  const target = request.target === undefined ? graph.defaultTarget : findTarget(graph, request.target);
  if (target === null) throw new BuildError("invalid-option", `target stage "${request.target}" could not be found`);
  const reachable = reachableStages(graph, target);
  sink.emit({ type: "build.started", target: graph.stages[target]!.label, stages: reachable.map((i) => ({ index: i, label: graph.stages[i]!.label })) });

  // Base images first: RUN and ENV expansion need their environment.
  const bases = new Map<string, StoredImage>();
  const ensureImage = async (ref: string, platform: Platform = targetPlatform): Promise<StoredImage> => {
    const key = `${ref}\0${formatPlatform(platform)}`;
    const known = bases.get(key);
    if (known) return known;
    const lookup = () =>
      store.resolve(ref, platform).catch((e: unknown) => {
        // A multi-platform image without this platform: say which platforms it has.
        if (e instanceof StoreError && e.code === "no-platform") throw new BuildError("base-image", `base image ${ref}: ${e.message}`);
        return null;
      });
    let image = await lookup();
    if (image === null && request.fetchBase) {
      await request.fetchBase(ref, platform);
      image = await lookup();
    }
    if (image === null) throw new BuildError("base-image", `base image ${ref} is not in the store and could not be pulled: load it (layerlab load), import it, or set registry-mirrors`);
    if (image.config.architecture !== platform.architecture || image.config.os !== platform.os) {
      throw new BuildError("base-image", `base image ${ref} is ${image.config.os}/${image.config.architecture}, not ${formatPlatform(platform)}: pull or load the ${formatPlatform(platform)} variant, or build with --platform ${image.config.os}/${image.config.architecture}`);
    }
    bases.set(key, image);
    return image;
  };
  const stagePlatform = (i: number): Platform => {
    const text = first.resolution.stages[i]!.platform;
    if (text === null || text === "") return targetPlatform;
    const parsed = parsePlatform(text);
    if (parsed === null) throw new BuildError("invalid-option", `invalid platform "${text}" in FROM --platform: use os/arch[/variant], e.g. linux/arm64`, first.resolution.split.stages[i]!.from.range);
    return parsed;
  };
  for (const i of reachable) {
    const r = first.resolution.stages[i]!;
    if (r.baseStage === null && r.image !== null && r.image !== "scratch") {
      try {
        await ensureImage(r.image, stagePlatform(i));
      } catch (e) {
        const from = first.resolution.split.stages[i]!.from;
        throw e instanceof BuildError ? new BuildError(e.code, e.message, from.range) : e;
      }
    }
  }
  const baseEnv = (ref: string) => (bases.get(`${ref}\0${formatPlatform(targetPlatform)}`) ?? [...bases.entries()].find(([k]) => k.startsWith(`${ref}\0`))?.[1])?.config.config?.Env ?? undefined;
  const resolution = resolveVariables(first.dockerfile, { buildArgs, targetPlatform, buildPlatform: host, imageEnv: baseEnv });

  const cache = store.buildCache;
  let scan: Promise<ContextScan> | null = null;
  const context = () =>
    (scan ??= (async () => {
      const cacheDir = join(store.root, "layerlab", "statcache");
      await mkdir(cacheDir, { recursive: true });
      const statCache = await StatCache.open(join(cacheDir, `${createHash("sha256").update(request.contextDir).digest("hex")}.json`));
      const ignoreFile = `${request.dockerfilePath}.dockerignore`;
      const { readFile } = await import("node:fs/promises");
      const ignoreText = await readFile(join(request.contextDir, ignoreFile), "utf8").catch(() => undefined);
      const result = await scanContext(request.contextDir, { statCache, ...(ignoreText !== undefined ? { ignoreText } : {}) });
      await statCache.save();
      return result;
    })());

  const stagePromises = new Map<number, Promise<StageState>>();
  const bctx: BuildContext = {
    request,
    store,
    cache,
    sink,
    resolution,
    context,
    stageResult: async (ref) => {
      const index = /^\d+$/.test(ref) ? Number(ref) : graph.stages.find((s) => s.name === ref.toLowerCase())?.index;
      if (index === undefined || index >= graph.stages.length) return null;
      return runStageOnce(index);
    },
    cached: async (step, identity, inputs, state, make) => {
      const key = cacheKey(inputs);
      const previous = await cache.previousInputs(identity);
      const record = request.noCache ? null : await cache.get(key);
      if (record && (record.layer === null || (await store.blobs.has(record.layer.digest as Digest)))) {
        sink.emit({ type: "step.cache", step, cache: "hit", reason: null, fromBuild: record.buildId });
        await cache.rememberInputs(identity, inputs);
        return { key, outcome: { cache: "hit", reason: null, layer: record.layer } };
      }
      const reason: MissReason = request.noCache ? { code: "no-cache", message: "--no-cache" } : explainMiss(previous, inputs, state.argNames);
      sink.emit({ type: "step.cache", step, cache: "miss", reason, fromBuild: null });
      const layer = await make();
      await cache.put({ key, buildId: sink.buildId, created: Date.now(), layer });
      await cache.rememberInputs(identity, inputs);
      return { key, outcome: { cache: "miss", reason, layer } };
    },
  };

  const runStageOnce = (index: number): Promise<StageState> => {
    let p = stagePromises.get(index);
    if (!p) {
      p = runStage(bctx, index, ensureImage, stagePlatform(index));
      stagePromises.set(index, p);
    }
    return p;
  };
  const finals = await Promise.all(reachable.map((i) => runStageOnce(i)));
  const final = finals[reachable.indexOf(target)]!;
  const platform = final.platform;
  const created = new Date().toISOString();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: final.config,
    rootfs: { type: "layers", diff_ids: final.layers.map((l) => l.diffId) },
    history: final.history,
  };
  const { id } = await store.commit(config, final.layers.map((l) => ({ digest: l.digest as Digest, size: l.compressedSize, mediaType: l.mediaType })), tags);
  return { imageId: id, tags: tags.map((t) => t.familiar), size: await imageSize(store, await store.resolve(id)) };
}

async function runStage(b: BuildContext, index: number, ensureImage: (ref: string, platform?: Platform) => Promise<StoredImage>, platform: Platform): Promise<StageState> {
  const { resolution, sink } = b;
  const stage = resolution.split.stages[index]!;
  const resolved = resolution.stages[index]!;
  const label = stageLabel(stage);
  const stageWord = (w: Word | null) => (w === null ? "" : (resolution.expanded.get(w) ?? w.raw));
  sink.emit({ type: "stage.started", stage: index });
  let state: StageState;
  const fromStep = `${index}:${stage.from.index}`;
  const fromStarted = Date.now();
  sink.emit({ type: "step.started", stage: index, step: fromStep, line: stage.from.range.line, instruction: instructionText(stage.from) });
  if (resolved.baseStage !== null) {
    const parent = await b.stageResult(String(resolved.baseStage));
    state = { ...parent!, platform: parent!.platform, history: [...parent!.history], layers: [...parent!.layers], runEnv: [...parent!.runEnv], args: [...parent!.args], argNames: new Set(parent!.argNames), cmdSet: false };
  } else if (resolved.image === "scratch" || resolved.image === null) {
    const config = { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] };
    state = { layers: [], history: [], config, runEnv: envPairs(config.Env), key: cacheKey([{ name: "base", value: "scratch" }]), args: [], argNames: new Set(), cmdSet: false, platform };
  } else {
    const image = await ensureImage(resolved.image, platform);
    const layers: LayerRef[] = image.manifest.layers.map((l, i) => ({ digest: l.digest, diffId: image.config.rootfs.diff_ids[i]!, size: 0, compressedSize: l.size, mediaType: l.mediaType }));
    const config = { ...(image.config.config ?? {}) };
    if (getEnv(config, "PATH") === undefined) config.Env = [...(config.Env ?? []), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
    const base = chainId(image.config.rootfs.diff_ids as Digest[]) ?? "empty";
    state = { layers, history: [...(image.config.history ?? [])], config, runEnv: envPairs(config.Env), key: cacheKey([{ name: "base", value: base }]), args: [], argNames: new Set(), cmdSet: false, platform };
  }
  sink.emit({ type: "step.finished", step: fromStep, stage: index, line: stage.from.range.line, instruction: instructionText(stage.from), cache: "none", reason: null, durationMs: Date.now() - fromStarted, layer: null });

  // ONBUILD triggers of the base image run first, as if written right after FROM; the built
  // image does not inherit them (Docker clears them once they ran).
  const triggers = state.config.OnBuild ?? [];
  const triggerInstructions = triggers.length > 0 ? parseDockerfile(triggers.join("\n") + "\n").instructions.map((t) => ({ ...t, range: stage.from.range, keywordRange: stage.from.keywordRange }) as Instruction) : [];
  if (triggers.length > 0) state = { ...state, config: { ...state.config, OnBuild: null } };
  const envWord = (w: Word | null) => {
    if (w === null) return "";
    const env = new Map(state.runEnv);
    const out = lex(w.raw, (n) => env.get(n));
    return out.ok ? out.result.value : w.raw;
  };
  const all = [...triggerInstructions.map((ins) => ({ ins, trigger: true })), ...stage.instructions.map((ins) => ({ ins, trigger: false }))];
  for (const [ordinal, { ins, trigger }] of all.entries()) {
    const word = trigger ? envWord : stageWord;
    if (b.request.signal?.aborted) throw new BuildError("cancelled", "the build was cancelled", ins.range);
    const step = trigger ? `${index}:onbuild:${ordinal}` : `${index}:${ins.index}`;
    const text = trigger ? `ONBUILD ${instructionText(ins)}` : instructionText(ins);
    const identity = `${b.request.contextDir}\0${b.request.dockerfilePath}\0${label}\0${ordinal}\0${ins.kind}${trigger ? "\0onbuild" : ""}`;
    const startedAt = Date.now();
    sink.emit({ type: "step.started", stage: index, step, line: ins.range.line, instruction: text });
    let outcome: StepOutcome = { cache: "none", reason: null, layer: null };
    let createdBy: string | null = null;
    let key = state.key;
    if (ins.kind === "RUN") {
      ({ key, outcome, createdBy } = await runStep(b, step, identity, ins, state));
    } else if (ins.kind === "COPY" || ins.kind === "ADD") {
      ({ key, outcome, createdBy } = await copyStep(b, step, identity, ins, state, word, ensureImage));
    } else if (ins.kind === "WORKDIR") {
      const raw = word(ins.value);
      const dir = raw.startsWith("/") ? raw : `${(state.config.WorkingDir || "/").replace(/\/$/, "")}/${raw}`;
      state = { ...state, config: { ...state.config, WorkingDir: dir } };
      createdBy = `WORKDIR ${dir}`;
      if (dir !== "/") {
        const user = state.config.User ?? "";
        const inputs: KeyInputs = [{ name: "parent", value: state.key }, { name: "action", value: { mkdir: dir } }, { name: "user", value: user }];
        ({ key, outcome } = await b.cached(step, identity, inputs, state, () =>
          commitChange(b.store, state.layers, async (merged) => {
            const abs = await secureJoin(merged, dir);
            const { mkdir: mk } = await import("node:fs/promises");
            await mk(abs, { recursive: true, mode: 0o755 });
            if (user) {
              const u = await resolveUser(merged, user);
              await lchown(abs, u.uid, u.gid);
            }
          }),
        ));
      }
    } else if (ins.kind === "ARG") {
      for (const p of ins.pairs) {
        const name = p.key.raw;
        const declared = resolved.declaredArgs.find((a) => a.name === name);
        const value = name in (b.request.buildArgs ?? {}) ? b.request.buildArgs![name] : declared?.value;
        state = {
          ...state,
          args: [...state.args.filter(([n]) => n !== name), [name, value]],
          argNames: new Set([...state.argNames, name]),
          runEnv: value === undefined ? state.runEnv : setRunEnv(state.runEnv, name, value),
        };
      }
      createdBy = `ARG ${ins.pairs.map((p) => (p.value ? `${p.key.raw}=${word(p.value)}` : p.key.raw)).join(" ")}`;
    } else {
      const effect = metadataEffect(ins, state, word);
      let runEnv = state.runEnv;
      if (ins.kind === "ENV") for (const p of ins.pairs) runEnv = setRunEnv(runEnv, p.key.raw, word(p.value));
      state = { ...state, config: effect.config, runEnv, cmdSet: state.cmdSet || ins.kind === "CMD" };
      createdBy = effect.createdBy;
    }
    if (outcome.layer) state = { ...state, layers: [...state.layers, outcome.layer] };
    state = { ...state, key };
    if (createdBy !== null) {
      const layered = outcome.layer !== null;
      state.history = [...state.history, { created: new Date().toISOString(), created_by: layered && ins.kind !== "WORKDIR" ? `${createdBy} # buildkit` : createdBy, comment: "buildkit.dockerfile.v0", ...(layered ? {} : { empty_layer: true }) }];
    }
    sink.emit({
      type: "step.finished",
      step,
      stage: index,
      line: ins.range.line,
      instruction: text,
      cache: outcome.cache,
      reason: outcome.reason?.message ?? null,
      durationMs: Date.now() - startedAt,
      layer: outcome.layer ? layerInfo(outcome.layer) : null,
    });
  }
  return state;
}

/** An instruction as one line: keyword, flags and arguments (continuations joined). */
export function instructionText(ins: Instruction): string {
  const flags = ins.flags.map((f) => `--${f.name}${f.value === null ? "" : `=${f.value}`}`);
  return [ins.keyword.toUpperCase(), ...flags, ins.argsText].filter(Boolean).join(" ");
}

/** RUN's environment: the ordered ENV/ARG environment (keyed), plus proxy build-args (not keyed). */
export function runEnvironment(state: StageState, buildArgs: Record<string, string>): { keyed: string[]; all: string[] } {
  const keyed = state.runEnv.map(([k, v]) => `${k}=${v}`);
  const proxies = Object.entries(buildArgs).filter(([k]) => PROXY_ARGS.has(k) && !state.args.some(([n]) => n === k)).map(([k, v]) => `${k}=${v}`);
  return { keyed, all: [...keyed, ...proxies] };
}
