import { spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { BuildEvent } from "@layerlab/core";
import { busyboxRootfsTar, fsck, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { spawnServe, type ServeProcess } from "./testing/spawn-serve.js";

const dir = mkdtempSync(join(tmpdir(), "layerlab-crash-"));
const home = join(dir, "home");
const workspace = join(dir, "ws");
const children: ChildProcess[] = [];

async function serve(): Promise<ServeProcess> {
  const running = await spawnServe(home, workspace, join(dir, "server.log"));
  children.push(running.child);
  return running;
}

function buildOver(base: string, token: string, until: (e: BuildEvent) => boolean): Promise<BuildEvent[]> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/api/ws`, { headers: { Authorization: `Bearer ${token}` } });
  // A "latest" viewer first replays the previous build; only the one this viewer started counts.
  const byBuild = new Map<string, BuildEvent[]>();
  let buildId: string | null = null;
  return new Promise((resolve, reject) => {
    const check = () => {
      const events = buildId === null ? [] : (byBuild.get(buildId) ?? []);
      if (events.some(until)) {
        ws.terminate();
        resolve(events);
      }
    };
    ws.once("error", reject);
    ws.once("open", () => {
      ws.send(JSON.stringify({ type: "subscribe", buildId: "latest" }));
      ws.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile" }));
    });
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === "build.queued") buildId = m.buildId;
      if (m.type === "event") byBuild.set(m.event.buildId, [...(byBuild.get(m.event.buildId) ?? []), m.event]);
      check();
    });
  });
}

const sleepers = () => spawnSync("pgrep", ["-f", "sleep 4.321"], { encoding: "utf8" }).stdout.trim();

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

describe("a server killed mid-build", () => {
  it("leaves a sound store, marks the build interrupted, leaves no step running, and a rebuild reuses every finished step", async () => {
    mkdirSync(workspace);
    writeFileSync(join(workspace, "Dockerfile"), "FROM busybox:1.36\nRUN echo one > /one\nCOPY a.txt /a.txt\nRUN sleep 4.321 && echo slept > /slept\n");
    writeFileSync(join(workspace, "a.txt"), "a");
    const store = await ImageStore.open(home);
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!] });

    const first = await serve();
    const before = await buildOver(first.base, first.token, (e) => e.type === "step.started" && e.instruction.startsWith("RUN sleep"));
    expect(before.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? e.instruction : ""))).toEqual(["FROM busybox:1.36", "RUN echo one > /one", "COPY a.txt /a.txt"]);
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    // The step's processes go with the server (parent-death signals), not at the next start.
    await new Promise((r) => setTimeout(r, 500));
    expect(sleepers()).toBe("");

    const second = await serve();
    expect(sleepers()).toBe("");
    expect((await fsck(store)).problems).toEqual([]);
    const builds = (await (await fetch(`${second.base}/api/builds`, { headers: { Authorization: `Bearer ${second.token}` } })).json()) as { builds: { status: string; error: string }[] };
    expect(builds.builds[0]).toMatchObject({ status: "interrupted", error: "the server stopped during this build" });

    const after = await buildOver(second.base, second.token, (e) => e.type === "build.finished" || e.type === "build.failed");
    const steps = after.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? [e.instruction, e.cache] : []));
    expect(steps).toEqual([
      ["FROM busybox:1.36", "none"],
      ["RUN echo one > /one", "hit"],
      ["COPY a.txt /a.txt", "hit"],
      ["RUN sleep 4.321 && echo slept > /slept", "miss"],
    ]);
    expect(after.at(-1)?.type).toBe("build.finished");
    second.child.kill("SIGTERM");
  }, 120_000);
});
