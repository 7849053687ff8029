import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** http://host:port, without the token. */
  base: string;
  token: string;
}

/**
 * `layerlab serve WORKSPACE --port 0` in its own process, as a user runs it, with its stderr in
 * `log`; resolves once it prints its URL. Tests that kill the server and benchmarks that
 * measure its memory need it out of their own process.
 */
export function spawnServe(home: string, workspace: string, log: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "serve", workspace, "--port", "0"], { env: { ...process.env, LAYERLAB_HOME: home }, stdio: ["ignore", "pipe", openSync(log, "a")] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/[^\s/]+)\/\?token=(\S+)/.exec(out);
      if (m) resolve({ child, base: m[1]!, token: m[2]! });
    });
    child.once("exit", (code) => reject(new Error(`layerlab serve exited with ${code}; see ${log}`)));
  });
}
