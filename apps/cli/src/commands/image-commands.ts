import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import {
  diskUsage,
  exportRootfs,
  fsck,
  imageHistory,
  imageSize,
  importRootfs,
  inspectImage,
  loadArchive,
  parseTagName,
  saveImages,
  StoreError,
  ContainerStore,
  type Digest,
  type TagName,
} from "@layerlab/core/node";
import { oneOf, option, parseArgs, UsageError } from "../args.js";
import { humanAge, humanSize, table } from "../human.js";
import { openStore } from "../store-access.js";
import { exportContainerIfAny } from "./container-commands.js";

type Out = (s: string) => void;

const short = (digest: string) => digest.slice(7, 19);

export const imagesUsage = `Usage: layerlab images [--digests] [--filter dangling=true|false] [--format table|json] [--no-trunc]

List images in the store.`;

export async function imagesCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { digests: "bool", filter: "value", format: "value", "no-trunc": "bool", quiet: "bool" }, { q: "quiet", f: "filter" });
  const format = oneOf(option(args, "format"), ["table", "json"] as const, "table", "--format");
  const filters = args.options.get("filter") ?? [];
  let dangling: boolean | null = null;
  for (const f of filters) {
    const m = /^dangling=(true|false)$/.exec(f);
    if (!m) throw new UsageError(`invalid filter "${f}": supported is dangling=true|false`);
    dangling = m[1] === "true";
  }
  const store = await openStore();
  const rows: { repo: string; tag: string; id: string; digest: string; created: string | undefined; size: number }[] = [];
  for (const image of await store.images()) {
    if (dangling !== null && (image.tags.length === 0) !== dangling) continue;
    const size = await imageSize(store, image);
    const names = image.tags.length > 0 ? image.tags : [null];
    for (const t of names) rows.push({ repo: t?.repository ?? "<none>", tag: t?.tag ?? "<none>", id: image.id, digest: image.manifestDigest, created: image.config.created, size });
  }
  if (args.options.has("quiet")) {
    out([...new Set(rows.map((r) => (args.options.has("no-trunc") ? r.id : short(r.id))))].join("\n"));
    return 0;
  }
  if (format === "json") {
    out(rows.map((r) => JSON.stringify({ Repository: r.repo, Tag: r.tag, ID: short(r.id), Digest: r.digest, CreatedAt: r.created ?? "", CreatedSince: humanAge(r.created), Size: humanSize(r.size), SizeBytes: r.size })).join("\n"));
    return 0;
  }
  const headers = ["REPOSITORY", "TAG", ...(args.options.has("digests") ? ["DIGEST"] : []), "IMAGE ID", "CREATED", "SIZE"];
  out(
    table(
      headers,
      rows.map((r) => [r.repo, r.tag, ...(args.options.has("digests") ? [r.digest] : []), args.options.has("no-trunc") ? r.id : short(r.id), humanAge(r.created), humanSize(r.size)]),
    ),
  );
  return 0;
}

export const historyUsage = `Usage: layerlab history [--no-trunc] [--format table|json] IMAGE

Show the history of an image: every step, empty ones as 0B, newest first.`;

export async function historyCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { "no-trunc": "bool", format: "value", human: "value" }, { H: "human" });
  const format = oneOf(option(args, "format"), ["table", "json"] as const, "table", "--format");
  const ref = args.positionals[0];
  if (ref === undefined || args.positionals.length > 1) throw new UsageError("history needs exactly one IMAGE");
  const store = await openStore();
  const rows = await imageHistory(store, await store.resolve(ref));
  const noTrunc = args.options.has("no-trunc");
  if (format === "json") {
    out(rows.map((r) => JSON.stringify({ ID: r.id ?? "<missing>", CreatedAt: r.created ?? "", CreatedSince: humanAge(r.created), CreatedBy: r.createdBy, Size: humanSize(r.size), SizeBytes: r.size, Comment: r.comment })).join("\n"));
    return 0;
  }
  const trunc = (s: string) => (noTrunc || s.length <= 45 ? s : `${s.slice(0, 44)}…`);
  out(table(["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], rows.map((r) => [r.id ? (noTrunc ? r.id : short(r.id)) : "<missing>", humanAge(r.created), trunc(r.createdBy.replace(/\s+/g, " ")), humanSize(r.size), r.comment])));
  return 0;
}

export const inspectUsage = `Usage: layerlab inspect IMAGE [IMAGE...]

Print images' details as JSON, in the shape of docker image inspect.`;

export async function inspectCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, {});
  if (args.positionals.length === 0) throw new UsageError("inspect needs at least one IMAGE");
  const store = await openStore();
  const result = [];
  for (const ref of args.positionals) result.push(await inspectImage(store, await store.resolve(ref)));
  out(JSON.stringify(result, null, 4));
  return 0;
}

export const tagUsage = `Usage: layerlab tag SOURCE_IMAGE TARGET_IMAGE[:TAG]

Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE. A tag that named another image moves;
that image stays (dangling if nothing else names it).`;

export async function tagCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {});
  if (args.positionals.length !== 2) throw new UsageError("tag needs SOURCE_IMAGE and TARGET_IMAGE");
  const store = await openStore();
  await store.tag(args.positionals[0]!, args.positionals[1]!);
  return 0;
}

export const rmiUsage = `Usage: layerlab rmi [-f] IMAGE [IMAGE...]

Remove images. A tag removes that tag (and the image with its last tag); an ID removes the image.`;

export async function rmiCommand(argv: string[], out: Out, err: Out): Promise<number> {
  const args = parseArgs(argv, { force: "bool" }, { f: "force" });
  if (args.positionals.length === 0) throw new UsageError("rmi needs at least one IMAGE");
  const store = await openStore();
  const containers = await ContainerStore.open(store);
  const inUse = (id: Digest) => containers.userOf(id);
  let status = 0;
  for (const ref of args.positionals) {
    try {
      const { untagged, deleted } = await store.remove(ref, { force: args.options.has("force"), inUse });
      for (const u of untagged) out(`Untagged: ${u}`);
      for (const d of deleted) out(`Deleted: ${d}`);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      err(`Error: ${e.message}`);
      status = 1;
    }
  }
  return status;
}

export const pruneUsage = `Usage: layerlab prune [-a] [-f] [--filter until=DURATION] [--keep-storage SIZE]

Remove dangling images (with -a, every image), build cache records (older than --filter
until=24h, or the oldest beyond --keep-storage 1GB; all of them with -a), then blobs nothing
references.`;

const DURATION = /^(\d+)(s|m|h|d)$/;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?$/i;

export async function pruneCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { all: "bool", force: "bool", filter: "value", "keep-storage": "value" }, { a: "all", f: "force" });
  let until: number | undefined;
  for (const f of args.options.get("filter") ?? []) {
    const m = /^until=(.+)$/.exec(f);
    const d = m ? DURATION.exec(m[1]!) : null;
    if (!d) throw new UsageError(`invalid filter "${f}": supported is until=DURATION (e.g. 24h, 30m, 7d)`);
    until = Date.now() - Number(d[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[d[2] as "s"];
  }
  const keepText = option(args, "keep-storage");
  let keepBytes: number | undefined;
  if (keepText !== undefined) {
    const m = SIZE.exec(keepText);
    if (!m) throw new UsageError(`invalid --keep-storage "${keepText}": use a size such as 500MB or 2GB`);
    keepBytes = Number(m[1]) * { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 }[(m[2] ?? "b").toLowerCase() as "b"];
  }
  const store = await openStore();
  const cache = await store.buildCache.prune(args.options.has("all") && until === undefined && keepBytes === undefined ? { keepBytes: 0 } : { ...(until !== undefined ? { until } : {}), ...(keepBytes !== undefined ? { keepBytes } : {}) });
  const used = await (await ContainerStore.open(store)).imagesInUse();
  const { deleted, reclaimed } = await store.prune({ all: args.options.has("all"), keep: async (id) => used.has(id) });
  if (deleted.length > 0) out(["Deleted Images:", ...deleted.map((d) => `deleted: ${d}`), ""].join("\n"));
  if (cache.removed > 0) out(`Deleted build cache records: ${cache.removed}`);
  out(`Total reclaimed space: ${humanSize(reclaimed)}`);
  return 0;
}

export const dfUsage = `Usage: layerlab df [-v]

Show disk usage: images, layers shared and unique, build cache, and what pruning would reclaim.`;

export async function dfCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { verbose: "bool" }, { v: "verbose" });
  const store = await openStore();
  const containers = await ContainerStore.open(store);
  const used = await containers.imagesInUse();
  const usage = await diskUsage(store, async (id) => used.has(id));
  const c = await containers.usage();
  const pct = (part: number, whole: number) => (whole === 0 ? "0%" : `${Math.round((part / whole) * 100)}%`);
  out(
    table(
      ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
      [
        ["Images", String(usage.images.total), String(usage.images.active), humanSize(usage.images.size), `${humanSize(usage.images.reclaimable)} (${pct(usage.images.reclaimable, usage.images.size)})`],
        ["Containers", String(c.total), String(c.running), humanSize(c.size), `${humanSize(c.reclaimable)} (${pct(c.reclaimable, c.size)})`],
        ["Build Cache", String(usage.buildCache.total), "0", humanSize(usage.buildCache.size), humanSize(usage.buildCache.reclaimable)],
      ],
    ),
  );
  out(`\nLayers: ${usage.layers.length} (${humanSize(usage.shared)} shared by several images, ${humanSize(usage.unique)} unique)`);
  if (args.options.has("verbose")) {
    out("\n" + table(["LAYER", "SIZE", "COMPRESSED", "IMAGES"], usage.layers.map((l) => [short(l.diffId), humanSize(l.size), humanSize(l.compressedSize), String(l.images)])));
  }
  return 0;
}

function tagsFrom(names: string[]): TagName[] {
  return names.map((n) => {
    const t = parseTagName(n);
    if (t === null) throw new UsageError(`invalid reference format: "${n}" (repository names must be lowercase)`);
    return t;
  });
}

export const importUsage = `Usage: layerlab import [-c CHANGE]... [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]

Import a root filesystem tar (plain or gzip) as a one-layer image. --change takes
CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR or STOPSIGNAL.`;

export async function importCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { change: "value", message: "value" }, { c: "change", m: "message" });
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("import needs FILE (or -) and an optional REPOSITORY[:TAG]");
  const store = await openStore();
  const source = file === "-" ? process.stdin : createReadStream(file);
  const { id } = await importRootfs(store, source, {
    tags: name ? tagsFrom([name]) : [],
    changes: args.options.get("change") ?? [],
    ...(option(args, "message") !== undefined ? { message: option(args, "message")! } : {}),
    source: file,
  });
  out(id);
  return 0;
}

async function writeOutput(stream: NodeJS.ReadableStream, path: string | undefined): Promise<void> {
  if (path === undefined && process.stdout.isTTY) throw new UsageError("refusing to write a tar to a terminal: use -o FILE or redirect the output");
  await pipeline(stream, path === undefined ? process.stdout : createWriteStream(path));
}

export const exportUsage = `Usage: layerlab export [-o FILE] CONTAINER|IMAGE

Write a container's filesystem (its image with its changes), or an image's flattened root
filesystem, as one tar (to stdout without -o). A name that is both means the container.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { output: "value" }, { o: "output" });
  if (args.positionals.length !== 1) throw new UsageError("export needs exactly one CONTAINER or IMAGE");
  if (await exportContainerIfAny(args.positionals[0]!, option(args, "output"))) return 0;
  await writeOutput(await exportRootfs(await openStore(), args.positionals[0]!), option(args, "output"));
  return 0;
}

export const saveUsage = `Usage: layerlab save [-o FILE] [--format docker|oci] IMAGE [IMAGE...]

Save images to a tar: a docker-archive that docker load accepts (default), or an OCI layout.`;

export async function saveCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { output: "value", format: "value" }, { o: "output" });
  const format = oneOf(option(args, "format"), ["docker", "oci"] as const, "docker", "--format");
  if (args.positionals.length === 0) throw new UsageError("save needs at least one IMAGE");
  await writeOutput(await saveImages(await openStore(), args.positionals, format), option(args, "output"));
  return 0;
}

export const loadUsage = `Usage: layerlab load [-i FILE]

Load images from a docker save archive (Docker 20.10 or 25+), a Layerlab save, or an OCI layout tar.`;

export async function loadCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { input: "value", quiet: "bool" }, { i: "input", q: "quiet" });
  const input = option(args, "input");
  if (input === undefined && process.stdin.isTTY) throw new UsageError("requested load from stdin, but stdin is a terminal: use -i FILE or redirect");
  const loaded = await loadArchive(await openStore(), input === undefined ? process.stdin : createReadStream(input));
  for (const image of loaded) {
    if (image.tags.length === 0) out(`Loaded image ID: ${image.id}`);
    for (const t of image.tags) out(`Loaded image: ${t}`);
  }
  return 0;
}

export const fsckUsage = `Usage: layerlab fsck [--repair]

Check the store: every blob's content against its digest, every image's parts, every layer's
file index. Removes temp files left by interrupted writes. Exit 1 when something is corrupt.`;

export async function fsckCommand(argv: string[], out: Out): Promise<number> {
  const args = parseArgs(argv, { repair: "bool" });
  const report = await fsck(await openStore(), { repair: args.options.has("repair") });
  for (const p of report.problems) out(`${p.kind}: ${p.message}`);
  out(`${report.images} images, ${report.blobs} blobs checked${report.cleaned ? `, ${report.cleaned} leftover temp files removed` : ""}: ${report.problems.some((p) => p.kind === "corrupt") ? "CORRUPT" : "clean"}`);
  return report.problems.some((p) => p.kind === "corrupt") ? 1 : 0;
}
