import { spawnSync } from "node:child_process";
import { DOCKER } from "./docker-cli.js";

/**
 * Runs a build through the Docker daemon's BuildKit (Debian docker.io, DOCKER_BUILDKIT=1) and
 * returns its cache decision per step, keyed `<stage>:<k>` as BuildKit numbers steps in its
 * progress (`[name k/n]`, FROM being 1). Throws with BuildKit's output when the build fails.
 */
export function buildkitDecisions(dir: string, options: { buildArgs?: Record<string, string>; target?: string; noCache?: boolean } = {}): Map<string, "hit" | "miss"> {
  const args = ["build", "--network=none", "--progress=plain", "-q", ...(options.noCache ? ["--no-cache"] : []), ...(options.target ? ["--target", options.target] : [])];
  for (const [k, v] of Object.entries(options.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  args.splice(args.indexOf("-q"), 1);
  const r = spawnSync(DOCKER, [...args, dir], { env: { ...process.env, DOCKER_BUILDKIT: "1" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker build failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const names = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of r.stderr.split("\n")) {
    const named = /^#(\d+) \[(?:(\S+) )?(\d+)\/\d+\] /.exec(line);
    if (named) names.set(named[1]!, `${named[2] ?? ""}:${named[3]}`);
    const hit = /^#(\d+) CACHED$/.exec(line);
    if (hit) cached.add(hit[1]!);
  }
  const out = new Map<string, "hit" | "miss">();
  for (const [vertex, key] of names) if (!key.endsWith(":1")) out.set(key, cached.has(vertex) ? "hit" : "miss");
  return out;
}
