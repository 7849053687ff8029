import { cpus } from "node:os";
import { benchFrontend } from "./frontend.bench.js";
import { benchStore } from "./store.bench.js";

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
