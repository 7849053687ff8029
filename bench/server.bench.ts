import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { spawnServe } from "@layerlab/server/testing";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";

/** About 2,000 lines a second for 10 seconds: 100 lines every 50 ms, less the time the loop itself takes. */
const NOISY = "FROM busybox:1.36\nRUN i=0; while [ $i -lt 200 ]; do yes \"log line $i\" | head -n 100; usleep 45000; i=$((i+1)); done\n";

export interface LatencyRow {
  viewers: number;
  events: number;
  linesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  serverRssMb: number;
}

/** Resident memory of a process now, in MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function measure(base: string, token: string, viewers: number, serverPid: number): Promise<LatencyRow> {
  const sockets = await Promise.all(
    Array.from({ length: viewers }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace("http", "ws")}/api/ws`, { headers: { Authorization: `Bearer ${token}` } });
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    })),
  );
  let buildId: string | null = null;
  const latencies: number[] = [];
  let lines = 0;
  let firstLog = 0;
  let lastLog = 0;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(serverPid))), 200);
  const done = sockets.map(
    (ws, i) =>
      new Promise<void>((resolve) => {
        ws.on("message", (data) => {
          const received = Date.now();
          const m = JSON.parse(data.toString());
          if (m.type === "build.queued") buildId = m.buildId;
          if (m.type !== "event" || m.event.buildId !== buildId) return;
          latencies.push(received - m.event.time);
          if (i === 0 && m.event.type === "step.log") {
            lines += (m.event.text.match(/\n/g) ?? []).length;
            firstLog ||= m.event.time;
            lastLog = m.event.time;
          }
          if (m.event.type === "build.finished" || m.event.type === "build.failed") resolve();
        });
      }),
  );
  // Subscribing to "latest" means each viewer first replays the previous build; only the new one is measured.
  for (const ws of sockets) ws.send(JSON.stringify({ type: "subscribe", buildId: "latest" }));
  await new Promise((r) => setTimeout(r, 500));
  sockets[0]!.send(JSON.stringify({ type: "build.start", dockerfile: "Dockerfile", noCache: true }));
  await Promise.all(done);
  clearInterval(sampler);
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  return {
    viewers,
    events: latencies.length / viewers,
    linesPerSecond: lines / Math.max(0.001, (lastLog - firstLog) / 1000),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? 0,
    serverRssMb: peakRss,
  };
}

/**
 * Event latency from the engine stamping an event to a viewer receiving it, over a real
 * WebSocket from a `layerlab serve` process, during a build that logs about 2,000 lines a second.
 */
export async function benchServer(): Promise<LatencyRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-bench-server-"));
  const home = join(dir, "home");
  const workspace = join(dir, "ws");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "Dockerfile"), NOISY);
  const store = await ImageStore.open(home);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!] });
  const server = await spawnServe(home, workspace, join(dir, "server.log"));
  try {
    const rows: LatencyRow[] = [];
    for (const viewers of [1, 50]) rows.push(await measure(server.base, server.token, viewers, server.child.pid!));
    return rows;
  } finally {
    server.child.kill("SIGTERM");
  }
}
