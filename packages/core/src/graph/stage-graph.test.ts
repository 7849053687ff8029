import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse.js";
import { resolveVariables } from "../expand/resolve.js";
import { buildStageGraph, findTarget, reachableStages } from "./stage-graph.js";

const graph = (text: string) => buildStageGraph(resolveVariables(parseDockerfile(text)));

const MULTI = `FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM node:20 AS assets
RUN npm run build
FROM alpine:3.20 AS unused
RUN false
FROM scratch
COPY --from=build /out/app /app
COPY --from=1 /dist /www
RUN --mount=type=bind,from=assets,source=/x,target=/y true
COPY --from=nginx:1.25 /etc/nginx /etc/nginx
`;

describe("stage graph", () => {
  it("numbers stages and names them in lower case, unnamed ones as stage-N", () => {
    const g = graph(MULTI);
    expect(g.stages.map((s) => [s.index, s.name, s.label])).toEqual([
      [0, "build", "build"],
      [1, "assets", "assets"],
      [2, "unused", "unused"],
      [3, null, "stage-3"],
    ]);
    expect(g.defaultTarget).toBe(3);
  });

  it("has edges for FROM <stage>, COPY --from=<name|index> and RUN --mount from, and none for images", () => {
    const g = graph(MULTI + "FROM build AS again\n");
    expect(g.edges.map((e) => [e.kind, e.from, e.to, e.ref])).toEqual([
      ["copy", 3, 0, "build"],
      ["copy", 3, 1, "1"],
      ["mount", 3, 1, "assets"],
      ["copy", 3, null, "nginx:1.25"],
      ["from", 4, 0, "build"],
    ]);
  });

  it("only stages reachable from the target are built (BuildKit resolveReachableStages)", () => {
    const g = graph(MULTI);
    expect(reachableStages(g, 3)).toEqual([0, 1, 3]);
    expect(reachableStages(g, findTarget(g, "unused")!)).toEqual([2]);
    expect(findTarget(g, "BUILD")).toBe(0);
    expect(findTarget(g, "nope")).toBeNull();
  });

  it("a stage can only be built FROM an earlier stage", () => {
    const g = graph("FROM later\nFROM scratch AS later\n");
    expect(g.diagnostics.map((d) => d.code)).toContain("graph/forward-reference");
  });

  it("COPY --from a later stage is allowed but marked forward; cycles are errors", () => {
    const fwd = graph("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\n");
    expect(fwd.edges[0]).toMatchObject({ to: 1, forward: true });
    expect(fwd.diagnostics).toEqual([]);
    const cyc = graph("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\n");
    expect(cyc.diagnostics.map((d) => d.message)).toContain("circular dependency detected on stage: a");
  });

  it("rejects an out-of-range stage index and variables in --from", () => {
    expect(graph("FROM scratch\nCOPY --from=5 /a /b\n").diagnostics.map((d) => d.message)).toContain("invalid stage index 5");
    expect(graph("FROM scratch\nCOPY --from=$X /a /b\n").diagnostics[0]!.message).toMatch(/^variable expansion is not supported for --from/);
  });

  it("a base that expands to nothing is an error", () => {
    expect(graph("ARG IMG\nFROM $IMG\n").diagnostics.map((d) => d.message)).toContain("base name ($IMG) should not be blank");
  });
});
