import type { ContainerConfig } from "../image/oci-schemas.js";

export interface CommandOverrides {
  /** `--entrypoint`: replaces the image's ENTRYPOINT; "" clears it. */
  entrypoint?: string;
  /** Arguments after the image name: replace the image's CMD. */
  args: string[];
}

/**
 * The argv a container runs, by Docker's merge rules: arguments replace the image's CMD;
 * `--entrypoint X` replaces ENTRYPOINT and drops the image's CMD; `--entrypoint ""` clears
 * ENTRYPOINT but keeps the image's CMD when no arguments are given. Shell forms were already
 * turned into `/bin/sh -c ...` when the image was made. Null when there is nothing to run.
 */
export function resolveCommand(config: ContainerConfig | undefined, o: CommandOverrides): { entrypoint: string[]; cmd: string[]; argv: string[] } | null {
  const given = o.entrypoint === undefined ? null : o.entrypoint === "" ? [] : [o.entrypoint];
  let entrypoint = given ?? [];
  let cmd = o.args;
  if (given === null || given.length === 0) {
    if (cmd.length === 0) cmd = config?.Cmd ?? [];
    if (given === null) entrypoint = config?.Entrypoint ?? [];
  }
  const argv = [...entrypoint, ...cmd];
  return argv.length === 0 ? null : { entrypoint, cmd, argv };
}
