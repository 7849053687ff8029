import { homedir } from "node:os";
import { join } from "node:path";

/** `$LAYERLAB_HOME`, or `layerlab` under the user's data directory (XDG_DATA_HOME or ~/.local/share). */
export function layerlabHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAYERLAB_HOME) return env.LAYERLAB_HOME;
  const data = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(data, "layerlab");
}
