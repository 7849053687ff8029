import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { BuildEvent } from "@layerlab/core";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { startServer, type RunningServer } from "./index.js";

let server: RunningServer;
let wsUrl: string;
let base: string;
const auth = { Authorization: "Bearer tok" };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-ws-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!] });
  const ws = join(dir, "ws");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(ws);
  writeFileSync(join(ws, "Dockerfile"), "FROM busybox:1.36\nCOPY a.txt /a.txt\nRUN for i in 1 2 3; do echo line $i; done\n");
  writeFileSync(join(ws, "a.txt"), "a");
  // About 30 MB of log: more than a stuck viewer's socket buffers and the server's 4 MiB allowance.
  writeFileSync(join(ws, "Dockerfile.slow"), "FROM busybox:1.36\nRUN sleep 31.5\n");
  writeFileSync(join(ws, "Dockerfile.noisy"), "FROM busybox:1.36\nRUN head -c 30000000 /dev/zero | tr '\\0' x | fold -w 1000\n");
  server = await startServer({ workspaceDir: ws, port: 0, token: "tok", webDist: null });
  base = server.url.replace(/\/\?token=.*$/, "");
  wsUrl = base.replace("http", "ws") + "/api/ws";
});

afterAll(async () => {
  await server?.close();
});

function connect(headers: Record<string, string> = auth): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** Events until a build ends, leaving out builds in `skip` (a "latest" viewer first replays the last one). */
function collectUntilEnd(ws: WebSocket, skip: Set<string> = new Set()): Promise<BuildEvent[]> {
  return new Promise((resolve) => {
    const events: BuildEvent[] = [];
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type !== "event" || skip.has(m.event.buildId)) return;
      events.push(m.event);
      if (m.event.type === "build.finished" || m.event.type === "build.failed") resolve(events);
    });
  });
}

/**
 * Like a real viewer: collects a build's events to its end, and when told to resync (4408)
 * reconnects and resumes from the next seq. Resolves with the events and how often it resynced.
 */
function followToEnd(ws: WebSocket, skip: Set<string>): Promise<{ events: BuildEvent[]; resyncs: number }> {
  const events: BuildEvent[] = [];
  let resyncs = 0;
  return new Promise((resolve) => {
    const attach = (socket: WebSocket) => {
      socket.on("message", (data) => {
        const m = JSON.parse(data.toString());
        if (m.type !== "event" || skip.has(m.event.buildId)) return;
        if (events.length > 0 && m.event.seq !== events.at(-1)!.seq + 1) return;
        events.push(m.event);
        if (m.event.type === "build.finished" || m.event.type === "build.failed") {
          socket.close();
          resolve({ events, resyncs });
        }
      });
      socket.once("close", async (code) => {
        if (code !== 4408) return;
        resyncs++;
        const again = await connect();
        attach(again);
        again.send(JSON.stringify({ type: "subscribe", buildId: events[0]!.buildId, fromSeq: events.at(-1)!.seq + 1 }));
      });
    };
    attach(ws);
  });
}

describe("the build WebSocket", () => {
  it("refuses a missing token (401) and a foreign Origin (403) at the handshake", async () => {
    await expect(connect({})).rejects.toThrow("HTTP 401");
    await expect(connect({ ...auth, Origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
  });

  it("many viewers of one build all get the same events in the same order", async () => {
    const viewers = await Promise.all(Array.from({ length: 50 }, () => connect()));
    for (const v of viewers) v.send(JSON.stringify({ type: "subscribe", buildId: "latest" }));
    const streams = viewers.map((v) => collectUntilEnd(v));
    await new Promise((r) => setTimeout(r, 100));
    viewers[0]!.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile", noCache: true }));
    const all = await Promise.all(streams);
    const reference = all[0]!.map((e) => `${e.seq}:${e.type}`);
    expect(reference[0]).toBe("0:build.started");
    expect(reference.at(-1)).toMatch(/build\.finished$/);
    for (const s of all) expect(s.map((e) => `${e.seq}:${e.type}`)).toEqual(reference);
    const logs = all[0]!.filter((e) => e.type === "step.log").map((e) => (e.type === "step.log" ? e.text : "")).join("");
    expect(logs).toContain("line 3");
    for (const v of viewers) v.close();
  });

  it("a viewer that reconnects resumes from its last seq without gaps or duplicates; late joiners get everything", async () => {
    const { builds } = (await (await fetch(`${base}/api/builds`, { headers: auth })).json()) as { builds: { id: string; status: string }[] };
    const id = builds[0]!.id;
    expect(builds[0]!.status).toBe("succeeded");
    const late = await connect();
    late.send(JSON.stringify({ type: "subscribe", buildId: id }));
    const full = await collectUntilEnd(late);
    late.close();
    const resumed = await connect();
    resumed.send(JSON.stringify({ type: "subscribe", buildId: id, fromSeq: 5 }));
    const rest = await collectUntilEnd(resumed);
    resumed.close();
    expect(rest.map((e) => e.seq)).toEqual(full.filter((e) => e.seq >= 5).map((e) => e.seq));
    const log = (await (await fetch(`${base}/api/builds/${id}/events`, { headers: auth })).json()) as { events: BuildEvent[] };
    expect(log.events.map((e) => e.seq)).toEqual(full.map((e) => e.seq));
  });

  it("the built image's layers and files are browsable: what a COPY added, with sizes", async () => {
    const { builds } = (await (await fetch(`${base}/api/builds`, { headers: auth })).json()) as { builds: { imageId: string }[] };
    const id = builds[0]!.imageId;
    const detail = (await (await fetch(`${base}/api/images/${id}`, { headers: auth })).json()) as { layers: { index: number; createdBy: string; size: number }[]; history: unknown[] };
    expect(detail.layers.map((l) => l.createdBy)).toEqual([expect.stringContaining("layerlab import"), "COPY a.txt /a.txt # buildkit", expect.stringMatching(/^RUN \/bin\/sh -c for i in 1 2 3/)]);
    const files = (await (await fetch(`${base}/api/images/${id}/layers/1/files`, { headers: auth })).json()) as { entries: { name: string; change: string; size: number }[] };
    expect(files.entries).toEqual([expect.objectContaining({ name: "a.txt", change: "added", size: 1 })]);
    const merged = (await (await fetch(`${base}/api/images/${id}/layers/1/files?view=merged&dir=/`, { headers: auth })).json()) as { entries: { name: string; change: string }[] };
    expect(merged.entries.find((e) => e.name === "bin")?.change).toBe("unchanged");
    expect(merged.entries.find((e) => e.name === "a.txt")?.change).toBe("added");
    const missing = await fetch(`${base}/api/images/${id}/layers/9/files`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe("image has no layer 9 (it has 3)");
  });

  it("a viewer that stops reading does not hold up the build or the others; it is told to resync and can resume", async () => {
    const earlier = (await (await fetch(`${base}/api/builds`, { headers: auth })).json()) as { builds: { id: string }[] };
    const skip = new Set(earlier.builds.map((b) => b.id));
    const stuck = await connect();
    const others = await Promise.all([connect(), connect(), connect()]);
    for (const v of [stuck, ...others]) v.send(JSON.stringify({ type: "subscribe", buildId: "latest" }));
    await new Promise((r) => setTimeout(r, 100));
    const stuckEvents: BuildEvent[] = [];
    stuck.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === "event" && !skip.has(m.event.buildId)) stuckEvents.push(m.event);
    });
    const stuckClosed = new Promise<number>((r) => stuck.once("close", (code) => r(code)));
    (stuck as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    // Viewers that read keep up; if one falls behind under load it resyncs like the web app does.
    const streams = others.map((o) => followToEnd(o, skip));
    others[0]!.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile.noisy", noCache: true }));
    const all = (await Promise.all(streams)).map((s) => s.events);
    expect(all[0]![0]?.type).toBe("build.started");
    expect(all[0]!.at(-1)?.type).toBe("build.finished");
    expect(all[0]!.length).toBeGreaterThan(300);
    for (const s of all) expect(s.length).toBe(all[0]!.length);
    (stuck as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await stuckClosed).toBe(4408);
    expect(stuckEvents.length).toBeLessThan(all[0]!.length);
    const resumed = await connect();
    const lastSeen = stuckEvents.at(-1)?.seq ?? -1;
    resumed.send(JSON.stringify({ type: "subscribe", buildId: all[0]![0]!.buildId, fromSeq: lastSeen + 1 }));
    const rest = await collectUntilEnd(resumed);
    expect([...stuckEvents, ...rest].map((e) => e.seq)).toEqual(all[0]!.map((e) => e.seq));
    resumed.close();
  }, 120_000);

  it("queues builds one at a time; cancelling stops the running step at once and drops a queued build", async () => {
    const ws = await connect();
    const replies: { type: string; buildId?: string; ok?: boolean }[] = [];
    const events: BuildEvent[] = [];
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === "event") events.push(m.event);
      else replies.push(m);
    });
    const queuedId = async (n: number) => {
      while (replies.filter((r) => r.type === "build.queued").length < n) await new Promise((r) => setTimeout(r, 20));
      return replies.filter((r) => r.type === "build.queued")[n - 1]!.buildId!;
    };
    ws.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile.slow", noCache: true }));
    const first = await queuedId(1);
    ws.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile.slow", noCache: true }));
    const second = await queuedId(2);
    ws.send(JSON.stringify({ type: "subscribe", buildId: first }));
    const status = async () => Object.fromEntries(((await (await fetch(`${base}/api/builds`, { headers: auth })).json()) as { builds: { id: string; status: string }[] }).builds.map((b) => [b.id, b.status]));
    while (!events.some((e) => e.type === "step.started" && e.instruction.startsWith("RUN sleep"))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(spawnSync("pgrep", ["-f", "sleep 31.5"]).stdout.toString()).not.toBe("");
    expect(await status()).toMatchObject({ [first]: "running", [second]: "queued" });
    ws.send(JSON.stringify({ type: "build.cancel", buildId: second }));
    ws.send(JSON.stringify({ type: "build.cancel", buildId: first }));
    const started = Date.now();
    while (!events.some((e) => e.type === "build.failed")) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(events.at(-1)).toMatchObject({ type: "build.failed", error: { code: "cancelled" } });
    const settled = async () => Object.entries(await status()).every(([id, st]) => ![first, second].includes(id) || (st !== "queued" && st !== "running"));
    while (!(await settled())) await new Promise((r) => setTimeout(r, 50));
    expect(await status()).toMatchObject({ [first]: "cancelled", [second]: "cancelled" });
    expect(spawnSync("pgrep", ["-f", "sleep 31.5"]).stdout.toString()).toBe("");
    expect(replies.filter((r) => r.type === "build.cancelled")).toEqual([
      { type: "build.cancelled", buildId: second, ok: true },
      { type: "build.cancelled", buildId: first, ok: true },
    ]);
    ws.close();
  }, 60_000);

  it("answers an unknown build with 404 over HTTP and an error message on the socket", async () => {
    const res = await fetch(`${base}/api/builds/b-nope/events`, { headers: auth });
    expect([res.status, await res.json()]).toEqual([404, { error: { code: "not-found", message: "no build b-nope" } }]);
    const ws = await connect();
    const reply = new Promise<unknown>((r) => ws.on("message", (d) => r(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ type: "subscribe", buildId: "b-nope" }));
    expect(await reply).toEqual({ type: "error", code: "not-found", message: "no build b-nope" });
    ws.close();
  });

  it("closes on malformed or oversized messages with a clear code", async () => {
    const a = await connect();
    const closedA = new Promise<number>((r) => a.once("close", (code) => r(code)));
    a.send("not json");
    expect(await closedA).toBe(4400);
    const b = await connect();
    const closedB = new Promise<number>((r) => b.once("close", (code) => r(code)));
    b.send(JSON.stringify({ type: "build.start", dockerfile: "x".repeat(70_000) }));
    expect(await closedB).toBe(1009);
    const c = await connect();
    const closedC = new Promise<[number, string]>((r) => c.once("close", (code, reason) => r([code, reason.toString()])));
    c.send(JSON.stringify({ type: "build.launch" }));
    expect(await closedC).toEqual([4400, "invalid message: type"]);
  });
});
