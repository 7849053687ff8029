import { mergeLayers } from "../layer/merge-layers.js";
import { layerRecords } from "../store/image-facts.js";
import { StoreError } from "../store/store-error.js";
import { resolveCommand } from "./command.js";
import type { ContainerRecord } from "./container-record.js";
import type { ContainerStore } from "./container-store.js";

export interface CreateOptions {
  name?: string;
  entrypoint?: string;
  args?: string[];
  /** `-e NAME=value` (or `-e NAME` to take nothing: Docker would take it from the caller's env; the caller resolves that). */
  env?: string[];
  workdir?: string;
  user?: string;
  tty?: boolean;
  interactive?: boolean;
  network?: "none" | "host";
  autoRemove?: boolean;
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Where the runtime mounts proc, sysfs and a /dev tmpfs; created in the container's upper directory when the image lacks them. */
const RUNTIME_MOUNTS = ["proc", "sys", "dev"];

/**
 * `create`: a container bound to the image ID the reference names now (re-tagging or
 * re-building never changes it), with the command from Docker's ENTRYPOINT/CMD rules and the
 * image's env, workdir and user unless overridden.
 */
export async function createContainer(c: ContainerStore, imageRef: string, o: CreateOptions = {}): Promise<ContainerRecord> {
  const image = await c.images.resolve(imageRef);
  const config = image.config.config;
  const command = resolveCommand(config, { ...(o.entrypoint !== undefined ? { entrypoint: o.entrypoint } : {}), args: o.args ?? [] });
  if (command === null) throw new StoreError("invalid-reference", `no command specified: the image ${imageRef} has no ENTRYPOINT or CMD; give a command after the image name`);
  const env = new Map<string, string>();
  for (const e of config?.Env ?? []) env.set(e.split("=")[0]!, e);
  if (!env.has("PATH")) env.set("PATH", DEFAULT_PATH);
  for (const e of o.env ?? []) {
    const name = e.split("=")[0]!;
    if (name === "" || !e.includes("=")) throw new StoreError("invalid-reference", `invalid environment variable "${e}": use NAME=value`);
    env.set(name, e);
  }
  if (o.tty && !env.has("TERM")) env.set("TERM", "TERM=xterm");
  const present = mergeLayers((await layerRecords(c.images, image)).map((r) => r?.entries ?? []));
  const record = await c.create({
    ...(o.name !== undefined ? { name: o.name } : {}),
    image: image.id,
    imageRef,
    config: {
      entrypoint: command.entrypoint,
      cmd: command.cmd,
      argv: command.argv,
      env: [...env.values()],
      workdir: o.workdir ?? config?.WorkingDir ?? "",
      user: o.user ?? config?.User ?? "",
      tty: o.tty ?? false,
      interactive: o.interactive ?? false,
      network: o.network ?? "host",
      hostname: "",
      stopSignal: config?.StopSignal ?? "SIGTERM",
      autoRemove: o.autoRemove ?? false,
    },
    stubs: RUNTIME_MOUNTS.filter((m) => !present.has(m)),
  });
  // The hostname is the short ID, as in Docker; the ID exists only once the record does.
  return c.update(record.id, (r) => ({ ...r, config: { ...r.config, hostname: r.id.slice(0, 12), env: [...r.config.env.filter((e) => !e.startsWith("HOSTNAME=")), `HOSTNAME=${r.id.slice(0, 12)}`] } }));
}
