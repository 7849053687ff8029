import { cpus } from "node:os";
import { benchFrontend } from "./frontend.bench.js";
import { benchStore } from "./store.bench.js";
import { benchBuild } from "./build.bench.js";
import { benchServer } from "./server.bench.js";
import { benchUi } from "./ui.bench.js";

/**
 * `pnpm bench`: speed and memory goals, measured and printed; never asserted in tests.
 * Benchmarks that have a peer (Docker BuildKit, sha256sum, skopeo) run it in the same run
 * and report the ratio.
 */
const machine = `${cpus().length}x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
console.log(`Layerlab benchmarks on ${machine}\n`);

const f = benchFrontend();
console.log("Dockerfile frontend: parse + expand + stage graph + lint");
console.log(`  ${f.lines}-line Dockerfile, ${f.runs} runs: median ${f.medianMs.toFixed(2)} ms, p95 ${f.p95Ms.toFixed(2)} ms (goal: median < 5 ms)`);
console.log("  peer: none runnable here (docker build --check needs BuildKit >= 0.15; Debian's docker.io ships 20.10)");

console.log("\nImage store: one ~200 MB, 10,000-file image, side by side in this run (goal: ratio <= 1.0)");
const s = await benchStore();
for (const r of s.rows) {
  console.log(`  ${r.operation.padEnd(5)} ours ${r.ours.toFixed(2)} s   ${r.peer} ${r.theirs.toFixed(2)} s   ratio ${(r.ours / r.theirs).toFixed(2)}x`);
}
console.log(`  peak RSS of the benchmark process: ${s.peakRssMb.toFixed(0)} MB`);

console.log("\nBuilder: 3-stage Dockerfile, 5,000-file 50 MB context, side by side with Docker BuildKit (DOCKER_BUILDKIT=1)");
const b = await benchBuild();
const goals: Record<string, number> = { "cold build": 1.0, "no-op rebuild": 0.5, "one file edited": 0.8 };
for (const r of b.rows) {
  console.log(`  ${r.scenario.padEnd(16)} ours ${r.ours.toFixed(2)} s   BuildKit ${r.buildkit.toFixed(2)} s   ratio ${(r.ours / r.buildkit).toFixed(2)}x (goal <= ${goals[r.scenario]})`);
}
console.log(`  context checksums: ours ${b.checksum.oursMBs.toFixed(0)} MB/s, sha256sum ${b.checksum.sha256sumMBs.toFixed(0)} MB/s, ratio ${(b.checksum.oursMBs / b.checksum.sha256sumMBs).toFixed(2)} (goal >= 0.7)`);
console.log(`  peak RSS of the benchmark process: ${b.peakRssMb.toFixed(0)} MB`);

console.log("\nServer: event latency, engine stamp to viewer receipt, `layerlab serve` in its own process, build logging ~2,000 lines/s");
for (const r of await benchServer()) {
  console.log(`  ${String(r.viewers).padStart(2)} viewer(s): ${r.events} events each, ${r.linesPerSecond.toFixed(0)} lines/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms (goal p99 < 50 ms at 50), server peak RSS ${r.serverRssMb.toFixed(0)} MB`);
}
console.log("  peer: none; BuildKit has no multi-viewer event stream to compare with");

console.log("\nWeb app in Debian's Chromium (long tasks from the browser's PerformanceObserver)");
const ui = await benchUi({ ownCore: true });
const where = ui.browserCore === null ? "browser sharing every core with the server and build" : `browser on core ${ui.browserCore}, server and build on the others`;
console.log(`  open a ${ui.files.toLocaleString("en")}-file directory in the explorer: ${ui.treeMs} ms to the first rows (goal < 1000 ms), longest task ${ui.treeLongestTaskMs} ms`);
console.log(`  build streaming ${ui.eventsPerSecond.toFixed(0)} events/s (${ui.events} events) into the timeline, its log open (${ui.shownLines} lines shown), while the panel scrolls, ${where}: ${ui.longTasksOver50} long tasks over 50 ms, longest ${ui.longestTaskMs} ms (goal: none over 50 ms)`);
const shared = await benchUi({ ownCore: false });
console.log(`  the same with the browser sharing both cores with the server and the build's busy generator: ${shared.longTasksOver50} long tasks over 50 ms, longest ${shared.longestTaskMs} ms (for reference: the page is descheduled mid-task)`);
