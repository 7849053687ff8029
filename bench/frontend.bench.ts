import { analyzeDockerfile } from "@layerlab/core";

/**
 * A 2,000-line Dockerfile in the styles users write: multi-stage, ARGs in FROM, long apt-get
 * RUNs with continuations, heredocs, COPY --from, ENV and LABEL blocks.
 */
export function largeDockerfile(lines = 2000): string {
  const out: string[] = ["# syntax=docker/dockerfile:1", "ARG BASE=debian:12-slim", "ARG VERSION=1.0.0"];
  let stage = 0;
  while (out.length < lines) {
    out.push(`FROM \${BASE} AS stage${stage}`, "ARG VERSION", `ENV APP_HOME=/opt/app${stage} VERSION=\${VERSION}`, "WORKDIR $APP_HOME");
    out.push("RUN apt-get update \\", "    && apt-get install -y --no-install-recommends \\", "       curl ca-certificates git \\", "    && rm -rf /var/lib/apt/lists/*");
    out.push("COPY --chown=1000:1000 src/ ./src/", `RUN --mount=type=cache,target=/root/.cache make -C src VERSION=$VERSION`);
    out.push("RUN <<EOF", "set -e", "echo building", "EOF");
    if (stage > 0) out.push(`COPY --from=stage${stage - 1} /opt/app${stage - 1}/out ./prev`);
    out.push('LABEL org.opencontainers.image.version="${VERSION}" maintainer="team"', "EXPOSE 8080/tcp", "USER 1000", 'CMD ["./run"]', "");
    stage++;
  }
  return out.slice(0, lines).join("\n") + "\n";
}

export interface FrontendResult {
  lines: number;
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export function benchFrontend(runs = 200): FrontendResult {
  const text = largeDockerfile();
  for (let i = 0; i < 20; i++) analyzeDockerfile(text);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    analyzeDockerfile(text);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    lines: text.split("\n").length - 1,
    runs,
    medianMs: times[Math.floor(runs / 2)]!,
    p95Ms: times[Math.floor(runs * 0.95)]!,
  };
}
