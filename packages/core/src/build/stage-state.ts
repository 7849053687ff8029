import type { Platform } from "../image/oci-schemas.js";
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
  /**
   * The environment RUN sees, in order: the image's Env, then ENV and ARG values as they come
   * (ARG and ENV share it in BuildKit: the last one set wins). The image config gets ENV only.
   */
  runEnv: [string, string][];
  /** ARGs declared in the stage so far, with their values (for RUN's `|N` history prefix). */
  args: [string, string | undefined][];
  /** Names set by ARG (not ENV), to tell a build-arg change from an env change. */
  argNames: Set<string>;
  /** CMD was set in this stage (then ENTRYPOINT does not clear it). */
  cmdSet: boolean;
  /** The platform the stage builds for (FROM --platform, else the build's target platform). */
  platform: Platform;
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

export function setRunEnv(runEnv: [string, string][], name: string, value: string): [string, string][] {
  return [...runEnv.filter(([k]) => k !== name), [name, value]];
}

export function envPairs(env: string[] | null | undefined): [string, string][] {
  return (env ?? []).map((e) => [e.slice(0, e.indexOf("=") < 0 ? e.length : e.indexOf("=")), e.slice(e.indexOf("=") + 1)]);
}
