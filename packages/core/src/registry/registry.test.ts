import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRootfs } from "../archive/import-rootfs.js";
import { exportRootfs } from "../archive/export-rootfs.js";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";
import { collect } from "../testing/tar-fixtures.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { startRegistry, type LocalRegistry } from "../testing/local-registry.js";
import { startTokenServer } from "../testing/token-server.js";
import { dockerConfigCredentials } from "./credentials.js";
import { pullImage, type PullProgress } from "./pull.js";
import { pushImage } from "./push.js";
import { RegistrySettingsSchema } from "./registry-settings.js";

const anonymous = async () => null;
const settings = RegistrySettingsSchema.parse({});
const fresh = () => ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));

let registry: LocalRegistry;
let secured: LocalRegistry;
let source: ImageStore;
let rootfs: Buffer;

beforeAll(async () => {
  [registry, secured] = await Promise.all([startRegistry(), startRegistry({ user: "alice", password: "s3cret" })]);
  rootfs = await busyboxRootfsTar();
  source = await fresh();
  await importRootfs(source, [rootfs], { tags: [parseTagName(`${registry.host}/team/busybox:1.36`)!], changes: ['CMD ["sh"]'] });
});

afterAll(async () => {
  await Promise.all([registry?.stop(), secured?.stop()]);
});

describe("push and pull against Debian's docker-registry", () => {
  it("push, then pull into an empty store: same image, byte-identical layers", async () => {
    const ref = `${registry.host}/team/busybox:1.36`;
    const pushed = await pushImage(source, ref, { credentials: anonymous, settings });
    const original = await source.resolve(ref);
    expect(pushed.digest).toBe(original.manifestDigest);
    const target = await fresh();
    const pulled = await pullImage(target, ref, { credentials: anonymous, settings });
    expect(pulled).toMatchObject({ id: original.id, digest: original.manifestDigest, upToDate: false });
    const copy = await target.resolve(ref);
    expect(await target.blobs.readBytes(copy.manifest.layers[0]!.digest as `sha256:${string}`, 1e9)).toEqual(
      await source.blobs.readBytes(original.manifest.layers[0]!.digest as `sha256:${string}`, 1e9),
    );
    expect(await collect(await exportRootfs(target, ref))).toEqual(await collect(await exportRootfs(source, ref)));
  });

  it("pulling again when the remote digest is unchanged downloads nothing", async () => {
    const target = await fresh();
    const ref = `${registry.host}/team/busybox:1.36`;
    await pullImage(target, ref, { credentials: anonymous, settings });
    const progress: PullProgress[] = [];
    const again = await pullImage(target, ref, { credentials: anonymous, settings, onProgress: (p) => progress.push(p) });
    expect(again).toMatchObject({ upToDate: true, downloaded: 0 });
    expect(progress.map((p) => p.kind)).toEqual(["up-to-date"]);
  });

  it("a newer remote moves the tag and leaves the old image dangling", async () => {
    const ref = `${registry.host}/team/moving:1`;
    await importRootfs(source, [rootfs], { tags: [parseTagName(ref)!], changes: ["ENV V=1"] });
    await pushImage(source, ref, { credentials: anonymous, settings });
    const target = await fresh();
    const first = await pullImage(target, ref, { credentials: anonymous, settings });
    await importRootfs(source, [rootfs], { tags: [parseTagName(ref)!], changes: ["ENV V=2"] });
    await pushImage(source, ref, { credentials: anonymous, settings });
    const progress: PullProgress[] = [];
    const second = await pullImage(target, ref, { credentials: anonymous, settings, onProgress: (p) => progress.push(p) });
    expect(second.id).not.toBe(first.id);
    expect(progress.filter((p) => p.kind === "blob" && p.cached).length).toBe(1);
    const images = await target.images();
    expect(images.find((i) => i.id === first.id)!.tags).toEqual([]);
    expect(images.find((i) => i.id === second.id)!.tags.map((t) => t.familiar)).toEqual([ref]);
  });

  it("pulls by digest without tagging", async () => {
    const ref = `${registry.host}/team/busybox:1.36`;
    const digest = (await source.resolve(ref)).manifestDigest;
    const target = await fresh();
    const pulled = await pullImage(target, `${registry.host}/team/busybox@${digest}`, { credentials: anonymous, settings });
    expect(pulled.digest).toBe(digest);
    expect((await target.images())[0]!.tags).toEqual([]);
  });

  it("uploads in chunks and mounts blobs across repositories", async () => {
    const target = await fresh();
    await pullImage(target, `${registry.host}/team/busybox:1.36`, { credentials: anonymous, settings });
    await target.tag(`${registry.host}/team/busybox:1.36`, `${registry.host}/other/copy:1`);
    const results: string[] = [];
    await pushImage(target, `${registry.host}/other/copy:1`, { credentials: anonymous, settings, onProgress: (p) => results.push(p.result) });
    expect(results).toEqual(["mounted", "mounted"]);
    await importRootfs(source, [rootfs], { tags: [parseTagName(`${registry.host}/team/chunked:1`)!], changes: ["ENV CHUNKED=1"] });
    await pushImage(source, `${registry.host}/team/chunked:1`, { credentials: anonymous, settings, chunkSize: 256 * 1024 });
    const again = await fresh();
    expect((await pullImage(again, `${registry.host}/team/chunked:1`, { credentials: anonymous, settings })).upToDate).toBe(false);
  });

  it("picks the platform from a multi-platform index: the host's by default, or the one asked for", async () => {
    const amd = await importRootfs(source, [rootfs], { tags: [parseTagName(`${registry.host}/multi/app:amd64`)!], changes: ["ENV ARCH=amd64"] });
    const armConfig = { ...(await source.readConfig(amd.id)), architecture: "arm64", variant: "v8", config: { Env: ["ARCH=arm64"] } };
    const image = await source.resolve(`${registry.host}/multi/app:amd64`);
    await source.commit(armConfig, image.manifest.layers.map((l) => ({ digest: l.digest as `sha256:${string}`, size: l.size, mediaType: l.mediaType })), [parseTagName(`${registry.host}/multi/app:arm64`)!]);
    for (const t of ["amd64", "arm64"]) await pushImage(source, `${registry.host}/multi/app:${t}`, { credentials: anonymous, settings });
    const entry = async (t: string, platform: object) => {
      const i = await source.resolve(`${registry.host}/multi/app:${t}`);
      return { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: i.manifestDigest, size: (await source.blobs.readBytes(i.manifestDigest)).length, platform };
    };
    const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [await entry("arm64", { os: "linux", architecture: "arm64", variant: "v8" }), await entry("amd64", { os: "linux", architecture: "amd64" })] };
    const { RegistryClient, endpointFor } = await import("./registry-client.js");
    await new RegistryClient(endpointFor(registry.host), anonymous).putManifest("multi/app", "both", Buffer.from(JSON.stringify(index)), index.mediaType);
    const target = await fresh();
    const host = await pullImage(target, `${registry.host}/multi/app:both`, { credentials: anonymous, settings });
    expect(host.id).toBe(amd.id);
    const arm = await pullImage(await fresh(), `${registry.host}/multi/app:both`, { credentials: anonymous, settings, platform: { os: "linux", architecture: "arm64" } });
    expect(arm.id).not.toBe(amd.id);
    expect((await target.resolve(`${registry.host}/multi/app:both`)).id).toBe(amd.id);
    await expect(pullImage(await fresh(), `${registry.host}/multi/app:both`, { credentials: anonymous, settings, platform: { os: "linux", architecture: "s390x" } })).rejects.toThrow(/has no linux\/s390x image \(it has linux\/arm64, linux\/amd64\)/);
  });

  it("resumes a blob download after the connection drops, with a Range request", async () => {
    const { createServer, request } = await import("node:http");
    const ranges: string[] = [];
    let dropped = false;
    // A proxy in front of the registry that cuts the first large blob download half-way.
    const proxy = createServer((req, res) => {
      if (req.headers.range) ranges.push(String(req.headers.range));
      const upstream = request(`${registry.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: registry.host } }, (up) => {
        const big = /\/blobs\/sha256:/.test(req.url ?? "") && Number(up.headers["content-length"] ?? 0) > 100_000;
        res.writeHead(up.statusCode ?? 500, up.headers);
        if (big && !dropped && !req.headers.range) {
          dropped = true;
          let sent = 0;
          up.on("data", (chunk: Buffer) => {
            if (sent > 300_000) return;
            sent += chunk.length;
            res.write(chunk);
            // Cut the connection once the client has had time to receive part of the blob.
            if (sent > 300_000) setTimeout(() => res.socket?.destroy(), 100);
          });
          return;
        }
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await pushImage(source, `${registry.host}/team/busybox:1.36`, { credentials: anonymous, settings });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    const port = (proxy.address() as { port: number }).port;
    try {
      const target = await fresh();
      const pulled = await pullImage(target, `127.0.0.1:${port}/team/busybox:1.36`, { credentials: anonymous, settings });
      expect(dropped).toBe(true);
      expect(ranges.some((r) => /^bytes=\d+-$/.test(r))).toBe(true);
      expect(pulled.id).toBe((await source.resolve(`${registry.host}/team/busybox:1.36`)).id);
    } finally {
      proxy.close();
    }
  });

  it("refuses a registry image whose layer is hostile, and records nothing", async () => {
    const tarStream = (await import("tar-stream")).default;
    const pack = tarStream.pack();
    pack.entry({ name: "../../etc/cron.d/evil" }, "* * * * * root sh -c 'id'");
    pack.finalize();
    const layerTar = await collect(pack as unknown as AsyncIterable<Buffer>);
    const { gzipSync } = await import("node:zlib");
    const { createHash } = await import("node:crypto");
    const { Readable } = await import("node:stream");
    const gz = gzipSync(layerTar);
    const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}` as `sha256:${string}`;
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha(layerTar)] } }));
    const { RegistryClient, endpointFor } = await import("./registry-client.js");
    const client = new RegistryClient(endpointFor(registry.host), anonymous);
    await client.uploadBlob("evil/image", sha(gz), gz.length, () => Readable.from([gz]));
    await client.uploadBlob("evil/image", sha(config), config.length, () => Readable.from([config]));
    const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(config), size: config.length }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha(gz), size: gz.length }] };
    await client.putManifest("evil/image", "1", Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
    const target = await fresh();
    await expect(pullImage(target, `${registry.host}/evil/image:1`, { credentials: anonymous, settings })).rejects.toThrow(`refused entry "../../etc/cron.d/evil": the name contains '..'`);
    expect(await target.images()).toEqual([]);
  });

  it("skopeo inspect and skopeo copy read what we pushed", async () => {
    const ref = `${registry.host}/team/busybox:1.36`;
    const inspected = JSON.parse(execFileSync("skopeo", ["inspect", "--tls-verify=false", `docker://${ref}`], { encoding: "utf8" }));
    expect(inspected.Digest).toBe((await source.resolve(ref)).manifestDigest);
    expect(inspected.Layers).toEqual((await source.resolve(ref)).manifest.layers.map((l) => l.digest));
    const out = mkdtempSync(join(tmpdir(), "layerlab-skopeo-"));
    execFileSync("skopeo", ["copy", "--src-tls-verify=false", `docker://${ref}`, `oci:${join(out, "layout")}:copied`]);
    const index = JSON.parse(execFileSync("cat", [join(out, "layout", "index.json")], { encoding: "utf8" }));
    expect(index.manifests).toHaveLength(1);
  });

  it("resolves Docker Hub names through a configured mirror", async () => {
    await source.tag(`${registry.host}/team/busybox:1.36`, `${registry.host}/library/busybox:1.36`);
    await pushImage(source, `${registry.host}/library/busybox:1.36`, { credentials: anonymous, settings });
    const target = await fresh();
    const pulled = await pullImage(target, "busybox:1.36", { credentials: anonymous, settings: RegistrySettingsSchema.parse({ "registry-mirrors": [registry.url] }) });
    expect(pulled.source).toBe(`${registry.host}/library/busybox`);
    expect((await target.resolve("busybox:1.36")).id).toBe((await source.resolve(`${registry.host}/team/busybox:1.36`)).id);
  });
});

describe("registry authentication", () => {
  it("Basic auth with credentials from ~/.docker/config.json; refused without them", async () => {
    const ref = `${secured.host}/private/busybox:1`;
    await source.tag(`${registry.host}/team/busybox:1.36`, ref);
    await expect(pushImage(source, ref, { credentials: anonymous, settings })).rejects.toThrow(/UNAUTHORIZED|authentication required/);
    const configDir = mkdtempSync(join(tmpdir(), "layerlab-docker-config-"));
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, "config.json"), JSON.stringify({ auths: { [secured.host]: { auth: Buffer.from("alice:s3cret").toString("base64") } } }));
    const credentials = dockerConfigCredentials(configDir);
    await pushImage(source, ref, { credentials, settings });
    const target = await fresh();
    await expect(pullImage(target, ref, { credentials: anonymous, settings })).rejects.toThrow(/authentication required/);
    expect((await pullImage(target, ref, { credentials, settings })).id).toBe((await source.resolve(ref)).id);
  });

  it("Bearer tokens as Docker Hub issues them: scopes from the challenge, pull anonymously, push with credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layerlab-token-"));
    const tokens = await startTokenServer(dir, "bob", "hunter2");
    const tokenRegistry = await startRegistry({ user: "bob", password: "hunter2", token: tokens });
    try {
      const ref = `${tokenRegistry.host}/team/busybox:1`;
      await source.tag(`${registry.host}/team/busybox:1.36`, ref);
      await expect(pushImage(source, ref, { credentials: anonymous, settings })).rejects.toThrow(/UNAUTHORIZED|DENIED|authentication required/);
      const bob = async () => ({ username: "bob", password: "hunter2" });
      await pushImage(source, ref, { credentials: bob, settings });
      expect(tokens.requests.some((r) => r.account === "bob" && r.scopes.includes("repository:team/busybox:pull,push"))).toBe(true);
      const target = await fresh();
      expect((await pullImage(target, ref, { credentials: anonymous, settings })).id).toBe((await source.resolve(ref)).id);
      expect(tokens.requests.some((r) => r.account === null && r.scopes.includes("repository:team/busybox:pull"))).toBe(true);
    } finally {
      await tokenRegistry.stop();
      await tokens.stop();
    }
  });

  it("credential helpers answer through the docker-credential protocol", async () => {
    const dir = mkdtempSync(join(tmpdir(), "layerlab-helper-"));
    const helper = join(dir, "docker-credential-layerlabtest");
    writeFileSync(helper, `#!/bin/sh\nread server\necho '{"ServerURL":"'$server'","Username":"alice","Secret":"s3cret"}'\n`, { mode: 0o755 });
    const configDir = join(dir, "config");
    mkdirSync(configDir);
    writeFileSync(join(configDir, "config.json"), JSON.stringify({ credHelpers: { [secured.host]: "layerlabtest" } }));
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      const creds = await dockerConfigCredentials(configDir)(secured.host);
      expect(creds).toEqual({ username: "alice", password: "s3cret" });
    } finally {
      process.env.PATH = path;
    }
  });
});
