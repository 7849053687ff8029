import type { ContainerConfig, History } from "../image/oci-schemas.js";

export interface LayerRef {
  digest: string;
  diffId: string;
  size: number;
  compressedSize: number;
  mediaType: string;
}

/** Everything a stage carries from one instruction to the next. */
export interface StageState {
  layers: LayerRef[];
  history: History[];
  config: ContainerConfig;
  /** Cache key of the filesystem so far. */
  key: string;
  /** ARGs declared in the stage so far, with their values (for RUN's `|N` history prefix). */
  args: [string, string | undefined][];
  /** Names set by ARG (not ENV), to tell a build-arg change from an env change. */
  argNames: Set<string>;
  /** CMD was set in this stage (then ENTRYPOINT does not clear it). */
  cmdSet: boolean;
}

export const DEFAULT_SHELL = ["/bin/sh", "-c"];

export function shellOf(config: ContainerConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? config.Shell : DEFAULT_SHELL;
}

export function setEnv(config: ContainerConfig, name: string, value: string): ContainerConfig {
  const env = (config.Env ?? []).filter((e) => !e.startsWith(`${name}=`));
  return { ...config, Env: [...env, `${name}=${value}`] };
}

export function getEnv(config: ContainerConfig, name: string): string | undefined {
  const e = (config.Env ?? []).findLast((x) => x.startsWith(`${name}=`));
  return e?.slice(name.length + 1);
}
