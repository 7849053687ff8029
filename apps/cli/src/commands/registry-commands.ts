import { dockerConfigCredentials, layerlabHome, pullImage, pushImage, readRegistrySettings, RegistryError, StoreError, type Digest } from "@layerlab/core/node";
import { option, parseArgs, UsageError } from "../args.js";
import { humanSize } from "../human.js";
import { openStore } from "../store-access.js";

type Out = (s: string) => void;
const short = (d: string) => d.slice(7, 19);

export const pullUsage = `Usage: layerlab pull [--platform os/arch[/variant]] NAME[:TAG|@DIGEST]

Pull an image from a registry (Docker Hub names go through registry-mirrors from
$LAYERLAB_HOME/config.json first). Credentials come from ~/.docker/config.json.`;

export async function pullCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { platform: "value", quiet: "bool" }, { q: "quiet" });
  const ref = args.positionals[0];
  if (ref === undefined || args.positionals.length > 1) throw new UsageError("pull needs exactly one NAME[:TAG|@DIGEST]");
  const platformText = option(args, "platform");
  const platform = platformText === undefined ? undefined : (() => {
    const [os, architecture, variant] = platformText.split("/");
    if (!os || !architecture) throw new UsageError(`invalid --platform "${platformText}": use os/arch[/variant]`);
    return { os, architecture, ...(variant ? { variant } : {}) };
  })();
  const quiet = args.options.has("quiet");
  const done = new Set<Digest>();
  try {
    const result = await pullImage(await openStore(), ref, {
      credentials: dockerConfigCredentials(),
      settings: await readRegistrySettings(layerlabHome()),
      ...(platform ? { platform } : {}),
      onProgress: (p) => {
        if (quiet) return;
        if (p.kind === "resolved") out(`${ref}: resolved from ${p.source}`);
        if (p.kind === "blob" && p.current === p.total && !done.has(p.digest)) {
          done.add(p.digest);
          out(`${short(p.digest)}: ${p.cached ? "Already exists" : `Pull complete (${humanSize(p.total)})`}`);
        }
      },
    });
    out(quiet ? ref : `Digest: ${result.digest}\nStatus: ${result.upToDate ? `Image is up to date for ${ref}` : `Downloaded newer image for ${ref}`}`);
    return 0;
  } catch (e) {
    if (e instanceof RegistryError) throw new StoreError("not-found", e.message);
    throw e;
  }
}

export const pushUsage = `Usage: layerlab push NAME[:TAG]

Push an image to its registry. Credentials come from ~/.docker/config.json.`;

export async function pushCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, {});
  const ref = args.positionals[0];
  if (ref === undefined || args.positionals.length > 1) throw new UsageError("push needs exactly one NAME[:TAG]");
  try {
    const result = await pushImage(await openStore(), ref, {
      credentials: dockerConfigCredentials(),
      settings: await readRegistrySettings(layerlabHome()),
      onProgress: (p) => out(`${short(p.digest)}: ${p.result === "exists" ? "Layer already exists" : p.result === "mounted" ? "Mounted" : `Pushed (${humanSize(p.size)})`}`),
    });
    out(`${ref.split(":").pop()}: digest: ${result.digest} size: ${result.size}`);
    return 0;
  } catch (e) {
    if (e instanceof RegistryError) throw new StoreError("not-found", e.message);
    throw e;
  }
}
