import { z } from "zod";

/**
 * The build event protocol: one typed union, used by the engine, `layerlab build
 * --progress=json`, the server's WebSocket and the UI. Every event carries the build id and a
 * per-build sequence number, so a viewer that reconnects can resume exactly where it stopped.
 */
const Range = z.object({ line: z.number().int(), column: z.number().int(), endLine: z.number().int(), endColumn: z.number().int() });

export const MissReasonSchema = z.discriminatedUnion("code", [
  z.object({ code: z.literal("no-cache"), message: z.string() }),
  z.object({ code: z.literal("first-build"), message: z.string() }),
  z.object({ code: z.literal("parent-missed"), message: z.string(), parentLine: z.number().int().nullable() }),
  z.object({ code: z.literal("base-changed"), message: z.string(), old: z.string().nullable(), new: z.string() }),
  z.object({ code: z.literal("instruction-changed"), message: z.string(), old: z.string().nullable(), new: z.string() }),
  z.object({ code: z.literal("env-changed"), message: z.string(), name: z.string(), old: z.string().nullable(), new: z.string().nullable() }),
  z.object({ code: z.literal("arg-changed"), message: z.string(), name: z.string(), old: z.string().nullable(), new: z.string().nullable() }),
  z.object({ code: z.literal("file-changed"), message: z.string(), path: z.string(), old: z.string(), new: z.string() }),
  z.object({ code: z.literal("file-added"), message: z.string(), path: z.string() }),
  z.object({ code: z.literal("file-removed"), message: z.string(), path: z.string() }),
  z.object({ code: z.literal("setting-changed"), message: z.string(), setting: z.string(), old: z.string().nullable(), new: z.string() }),
]);
export type MissReason = z.infer<typeof MissReasonSchema>;

export const LayerInfoSchema = z.object({
  digest: z.string(),
  diffId: z.string(),
  size: z.number().int().nonnegative(),
  compressedSize: z.number().int().nonnegative(),
  files: z.object({ added: z.number().int(), modified: z.number().int(), deleted: z.number().int() }),
});
export type LayerInfo = z.infer<typeof LayerInfoSchema>;

const base = { buildId: z.string(), seq: z.number().int().nonnegative(), time: z.number() };

export const BuildEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("build.started"),
    target: z.string(),
    stages: z.array(z.object({ index: z.number().int(), label: z.string() })),
  }),
  z.object({ ...base, type: z.literal("stage.started"), stage: z.number().int() }),
  z.object({
    ...base,
    type: z.literal("step.started"),
    stage: z.number().int(),
    step: z.string(),
    line: z.number().int(),
    instruction: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("step.cache"),
    step: z.string(),
    cache: z.enum(["hit", "miss"]),
    reason: MissReasonSchema.nullable(),
    /** For a hit: the build that produced the entry. */
    fromBuild: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal("step.log"), step: z.string(), stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  z.object({ ...base, type: z.literal("step.progress"), step: z.string(), current: z.number(), total: z.number().nullable() }),
  z.object({
    ...base,
    type: z.literal("step.finished"),
    step: z.string(),
    stage: z.number().int(),
    line: z.number().int(),
    instruction: z.string(),
    cache: z.enum(["hit", "miss", "none"]),
    reason: z.string().nullable(),
    durationMs: z.number(),
    layer: LayerInfoSchema.nullable(),
  }),
  z.object({ ...base, type: z.literal("build.finished"), imageId: z.string(), tags: z.array(z.string()), size: z.number().int(), durationMs: z.number() }),
  z.object({
    ...base,
    type: z.literal("build.failed"),
    error: z.object({ code: z.string(), message: z.string(), range: Range.nullable(), step: z.string().nullable() }),
  }),
]);
export type BuildEvent = z.infer<typeof BuildEventSchema>;
export type BuildEventType = BuildEvent["type"];
