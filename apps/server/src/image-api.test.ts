import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import tar from "tar-stream";
import { build, busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { startRegistry, type LocalRegistry } from "@layerlab/core/testing";
import { startServer, type RunningServer } from "./index.js";

let server: RunningServer;
let base: string;
let registry: LocalRegistry;
let appId: string;
const auth = { Authorization: "Bearer tok" };

const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.body && typeof init.body === "string" ? { "Content-Type": "application/json" } : {}), ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, type: res.headers.get("content-type") ?? "", bytes: Buffer.from(await res.arrayBuffer()) };
};
const json = async (path: string, init: RequestInit = {}) => {
  const r = await api(path, init);
  return { status: r.status, body: JSON.parse(r.bytes.toString()) };
};
const post = (path: string, body: unknown) => json(path, { method: "POST", body: JSON.stringify(body) });
const ndjson = (bytes: Buffer) => bytes.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l));

async function entriesOf(archive: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const e of extract) {
      const parts: Buffer[] = [];
      for await (const c of e as AsyncIterable<Buffer>) parts.push(c);
      out.set(e.header.name, Buffer.concat(parts));
    }
  })();
  extract.end(archive);
  await done;
  return out;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-api-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!] });
  const ctx = join(dir, "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "big"), "b".repeat(3000));
  writeFileSync(join(ctx, "big2"), "c".repeat(2000));
  writeFileSync(join(ctx, "blob.bin"), Buffer.from([0, 1, 2, 255, 254, 65, 66]));
  const built = await build({
    store,
    contextDir: ctx,
    dockerfilePath: "Dockerfile",
    dockerfileText: "FROM busybox:1.36\nCOPY big /data/big\nCOPY blob.bin /blob.bin\nCOPY big2 /data/big\n",
    tags: ["app:1"],
  });
  appId = built.imageId;
  registry = await startRegistry();
  server = await startServer({ workspaceDir: ctx, port: 0, token: "tok", webDist: null, maxUploadBytes: 64 * 1024 * 1024 });
  base = server.url.replace(/\/\?token=.*$/, "");
});

afterAll(async () => {
  await server?.close();
  await registry?.stop();
});

describe("image API", () => {
  it("details an image; an unknown one is a 404 with Docker's message", async () => {
    const { status, body } = await json("/api/images/app:1");
    expect(status).toBe(200);
    expect(body.id).toBe(appId);
    expect(body.layers.map((l: { createdBy: string }) => l.createdBy)).toEqual([expect.stringContaining("layerlab import"), "COPY big /data/big # buildkit", "COPY blob.bin /blob.bin # buildkit", "COPY big2 /data/big # buildkit"]);
    expect(await json("/api/images/nope:1")).toEqual({ status: 404, body: { error: { code: "not-found", message: "no such image: nope:1" } } });
  });

  it("shows a file's content as text or as a hex dump, capped, from the layer that wrote it", async () => {
    const text = await json("/api/images/app:1/layers/1/content?path=/data/big&max=10");
    expect(text).toEqual({ status: 200, body: { path: "data/big", layer: 1, size: 3000, encoding: "text", truncated: true, shownBytes: 10, content: "bbbbbbbbbb" } });
    const merged = await json("/api/images/app:1/layers/3/content?path=data/big&view=merged");
    expect(merged.body).toMatchObject({ layer: 3, size: 2000, truncated: false });
    const hex = await json("/api/images/app:1/layers/3/content?path=blob.bin&view=merged");
    expect(hex.body).toMatchObject({ layer: 2, encoding: "hex", content: "00000000  00 01 02 ff fe 41 42                             |.....AB|" });
    expect(await json("/api/images/app:1/layers/3/content?path=blob.bin")).toEqual({ status: 404, body: { error: { code: "not-found", message: '"/blob.bin" is not in layer 3' } } });
    expect(await json("/api/images/app:1/layers/0/content?path=bin&view=merged")).toEqual({ status: 400, body: { error: { code: "not-a-file", message: '"bin" is a directory, not a regular file' } } });
    expect((await json("/api/images/app:1/layers/0/content")).body.error).toEqual({ code: "invalid-request", message: "path: Invalid input: expected string, received undefined" });
  });

  it("lists a directory filtered by name and sorted by size, directories sized by what is under them", async () => {
    const bySize = await json("/api/images/app:1/layers/3/files?view=merged&sort=size");
    expect(bySize.body.entries[0]).toMatchObject({ name: "bin", type: "dir" });
    expect(bySize.body.entries[0].size).toBeGreaterThan(1_000_000);
    const data = await json("/api/images/app:1/layers/3/files?view=merged&q=DA");
    expect(data.body.entries.map((e: { name: string; size: number }) => [e.name, e.size])).toEqual([["data", 2000]]);
    expect(data.body.total).toBe(1);
  });

  it("scores efficiency like dive and names the files to blame", async () => {
    const { body } = await json("/api/images/app:1/efficiency");
    expect(body.inefficiencies).toEqual([{ path: "data/big", count: 2, cumulative: 5000, min: 2000 }]);
    expect(body.wastedBytes).toBe(5000);
    expect(body.reclaimableBytes).toBe(3000);
    expect(body.score).toBeGreaterThan(0.9);
    expect(body.score).toBeLessThan(1);
  });

  it("diffs two images path by path", async () => {
    const { status, body } = await json("/api/images/busybox:1.36/diff?to=app:1");
    expect(status).toBe(200);
    expect(body.sharedLayers).toBe(1);
    expect(body.changes).toEqual([
      { path: "blob.bin", kind: "added", type: "file", size: 7, delta: 7 },
      { path: "data", kind: "added", type: "dir", size: 0, delta: 0 },
      { path: "data/big", kind: "added", type: "file", size: 2000, delta: 2000 },
    ]);
    expect(body.sizeDelta).toBe(2007);
  });

  it("tags, refuses a bad name, and removes a tag like docker rmi", async () => {
    expect(await post("/api/images/app:1/tag", { tag: "app:copy" })).toEqual({ status: 200, body: { tag: "app:copy" } });
    expect((await post("/api/images/app:1/tag", { tag: "Bad Name" })).status).toBe(400);
    expect((await post("/api/images/app:1/tag", {})).body.error.code).toBe("invalid-request");
    const removed = await json("/api/images/app:copy", { method: "DELETE" });
    expect(removed).toEqual({ status: 200, body: { untagged: ["app:copy"], deleted: [] } });
    expect((await json("/api/images/app:copy", { method: "DELETE" })).status).toBe(404);
  });

  it("saves an image as a download and loads it back by streamed upload, with a size limit", async () => {
    const saved = await api("/api/archive/save?ref=app:1");
    expect(saved.status).toBe(200);
    expect(saved.type).toBe("application/x-tar");
    const files = await entriesOf(saved.bytes);
    expect(files.has("manifest.json")).toBe(true);
    const loaded = await json("/api/archive/load", { method: "POST", body: saved.bytes, headers: { "Content-Type": "application/x-tar" } });
    expect(loaded).toEqual({ status: 200, body: { loaded: [{ id: appId, tags: ["app:1"] }] } });
    const oci = await api("/api/archive/save?ref=app:1&format=oci");
    expect((await entriesOf(oci.bytes)).has("oci-layout")).toBe(true);
    const garbage = await json("/api/archive/load", { method: "POST", body: Buffer.from("not a tar at all"), headers: { "Content-Type": "application/x-tar" } });
    expect(garbage).toEqual({ status: 400, body: { error: { code: "invalid-archive", message: "not a valid tar archive: Unexpected end of data" } } });
    const huge = await json("/api/archive/load", { method: "POST", body: Buffer.alloc(65 * 1024 * 1024), headers: { "Content-Type": "application/x-tar" } });
    expect(huge).toEqual({ status: 413, body: { error: { code: "too-large", message: "the upload is larger than the server's limit of 67108864 bytes (set LAYERLAB_MAX_UPLOAD to change it)" } } });
    expect(await json("/api/archive/save?ref=nope")).toEqual({ status: 404, body: { error: { code: "not-found", message: "no such image: nope" } } });
  });

  it("imports a root filesystem tar as a one-layer image and exports an image's filesystem", async () => {
    const pack = tar.pack();
    pack.entry({ name: "hello.txt" }, "hi\n");
    pack.finalize();
    const parts: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) parts.push(c);
    const imported = await json("/api/archive/import?tag=flat:1&change=CMD%20%5B%22cat%22%5D", { method: "POST", body: Buffer.concat(parts), headers: { "Content-Type": "application/x-tar" } });
    expect(imported.status).toBe(200);
    const detail = await json("/api/images/flat:1");
    expect(detail.body.config.config.Cmd).toEqual(["cat"]);
    const exported = await api("/api/archive/export?ref=app:1");
    const files = await entriesOf(exported.bytes);
    expect(files.get("data/big")?.length).toBe(2000);
    expect(files.has("bin/busybox")).toBe(true);
  });

  it("pushes to and pulls from a registry with NDJSON progress", async () => {
    const target = `${registry.host}/team/app:1`;
    await post("/api/images/app:1/tag", { tag: target });
    const pushed = await api("/api/registry/push", { method: "POST", body: JSON.stringify({ ref: target }), headers: { "Content-Type": "application/json" } });
    expect(pushed.type).toBe("application/x-ndjson");
    const pushLines = ndjson(pushed.bytes);
    expect(pushLines.filter((l) => l.type === "progress").map((l) => l.result)).toEqual(["uploaded", "uploaded", "uploaded", "uploaded", "uploaded"]);
    expect(pushLines.at(-1)).toMatchObject({ type: "done", digest: expect.stringMatching(/^sha256:/) });
    await json(`/api/images/${encodeURIComponent(target)}`, { method: "DELETE" });
    const pulled = ndjson((await api("/api/registry/pull", { method: "POST", body: JSON.stringify({ ref: target }), headers: { "Content-Type": "application/json" } })).bytes);
    expect(pulled[0]).toMatchObject({ type: "progress", kind: "resolved" });
    expect(pulled.at(-1)).toMatchObject({ type: "done", id: appId, upToDate: false });
    const missing = ndjson((await api("/api/registry/pull", { method: "POST", body: JSON.stringify({ ref: `${registry.host}/team/none:1` }), headers: { "Content-Type": "application/json" } })).bytes);
    expect(missing.at(-1)).toMatchObject({ type: "error", error: { code: "not-found", message: expect.stringContaining("team/none") } });
    expect(await post("/api/registry/pull", { ref: "UPPER/case" })).toEqual({ status: 400, body: { error: { code: "invalid-reference", message: 'invalid reference format: "UPPER/case"' } } });
  });

  it("prunes dangling images, reports disk usage and a clean fsck", async () => {
    const df = await json("/api/system/df");
    expect(df.body.images.total).toBeGreaterThanOrEqual(3);
    expect(df.body.layers.length).toBeGreaterThan(0);
    // Importing twice under one tag leaves the first image dangling; prune removes only it.
    const rootfs = tar.pack();
    rootfs.entry({ name: "one.txt" }, "1\n");
    rootfs.finalize();
    const parts: Buffer[] = [];
    for await (const c of rootfs as AsyncIterable<Buffer>) parts.push(c);
    const importAs = async (change: string) => (await json(`/api/archive/import?tag=dangle:1&change=${encodeURIComponent(change)}`, { method: "POST", body: Buffer.concat(parts), headers: { "Content-Type": "application/x-tar" } })).body.id as string;
    const first = await importAs("ENV V=1");
    const second = await importAs("ENV V=2");
    const pruned = await post("/api/images/prune", {});
    expect(pruned.status).toBe(200);
    expect(pruned.body.deleted).toEqual([first]);
    // Its blobs may stay a while: GC keeps anything younger than a minute (a writer may still need it).
    expect(pruned.body.reclaimed).toBeGreaterThanOrEqual(0);
    expect((await json("/api/images/dangle:1")).body.id).toBe(second);
    expect((await json(`/api/images/${first}`)).status).toBe(404);
    const fsck = await json("/api/system/fsck");
    expect(fsck.body.problems).toEqual([]);
  });
});
