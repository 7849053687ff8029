import { cpus } from "node:os";
import { benchFrontend } from "./frontend.bench.js";

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
