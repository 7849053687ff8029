import { z } from "zod";

/** A container as stored in `layerlab/containers/<id>/container.json`. */
export const ContainerRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/),
  /** The image ID the container was created from; tags may move, this never does. */
  image: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** The reference the user gave, for display. */
  imageRef: z.string(),
  created: z.string(),
  config: z.object({
    entrypoint: z.array(z.string()),
    cmd: z.array(z.string()),
    argv: z.array(z.string()).min(1),
    env: z.array(z.string()),
    workdir: z.string(),
    user: z.string(),
    tty: z.boolean(),
    interactive: z.boolean(),
    network: z.enum(["none", "host"]),
    hostname: z.string(),
    stopSignal: z.string(),
    autoRemove: z.boolean(),
  }),
  state: z.object({
    status: z.enum(["created", "running", "exited"]),
    /** The Layerlab process that runs it (the container dies with it). */
    owner: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    error: z.string().nullable(),
  }),
  /** Mount points the runtime creates that the image lacks: never part of the container's changes. */
  stubs: z.array(z.string()),
});
export type ContainerRecord = z.infer<typeof ContainerRecordSchema>;

/** `docker ps` style status: "Up 3 minutes", "Exited (0) 2 seconds ago", "Created". */
export function describeStatus(r: ContainerRecord, now = Date.now()): string {
  const ago = (iso: string | null) => {
    const s = Math.max(0, Math.round((now - Date.parse(iso ?? "")) / 1000));
    if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
    if (s < 3600) return `${Math.round(s / 60)} minute${Math.round(s / 60) === 1 ? "" : "s"}`;
    if (s < 86400) return `${Math.round(s / 3600)} hour${Math.round(s / 3600) === 1 ? "" : "s"}`;
    return `${Math.round(s / 86400)} day${Math.round(s / 86400) === 1 ? "" : "s"}`;
  };
  if (r.state.status === "running") return `Up ${ago(r.state.startedAt)}`;
  if (r.state.status === "exited") return `Exited (${r.state.exitCode ?? -1}) ${ago(r.state.finishedAt)} ago`;
  return "Created";
}
