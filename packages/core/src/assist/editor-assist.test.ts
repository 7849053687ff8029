import { describe, expect, it } from "vitest";
import { completionsAt, hoverAt } from "./editor-assist.js";

const labels = (r: { items: { label: string }[] }) => r.items.map((i) => i.label);

describe("editor assistance", () => {
  it("offers instructions at the start of a line, replacing what was typed", () => {
    const r = completionsAt("FROM alpine\nCO", 2, 3);
    expect(r.from).toBe(1);
    expect(labels(r)).toContain("COPY");
    expect(r.items.find((i) => i.label === "COPY")?.insert).toBe("COPY ");
  });

  it("offers the instruction's own flags after --, with = for valued ones", () => {
    const r = completionsAt("FROM alpine\nCOPY --", 2, 8);
    expect(labels(r)).toEqual(["--from", "--chown", "--chmod", "--link", "--parents", "--exclude"]);
    expect(r.items.find((i) => i.label === "--link")?.insert).toBe("--link");
    expect(r.items.find((i) => i.label === "--from")?.insert).toBe("--from=");
    expect(r.from).toBe(6);
    expect(labels(completionsAt("FROM alpine\nRUN --mount=type=cache,target=/x \\\n  --n", 3, 6))).toEqual(["--mount", "--network", "--security"]);
  });

  it("offers earlier stages and stored images after --from=", () => {
    const text = "FROM alpine AS deps\nFROM alpine AS build\nCOPY --from=d";
    const r = completionsAt(text, 3, 14, { images: ["busybox:1.36"] });
    expect(labels(r)).toEqual(["deps", "build", "busybox:1.36"]);
    expect(r.from).toBe(13);
  });

  it("offers stored images after FROM, and ARG/ENV names inside ${}", () => {
    expect(labels(completionsAt("FROM bu", 1, 8, { images: ["busybox:1.36"] }))).toEqual(["busybox:1.36", "scratch"]);
    const r = completionsAt("ARG VERSION=1\nFROM alpine\nENV APP_HOME=/app\nRUN echo ${AP", 4, 14);
    expect(labels(r)).toContain("APP_HOME");
    expect(labels(r)).toContain("VERSION");
    expect(labels(r)).toContain("TARGETARCH");
    expect(r.from).toBe(12);
  });

  it("explains the instruction or flag under the cursor", () => {
    expect(hoverAt("FROM alpine\nworkdir /app", 2, 3)?.markdown).toMatch(/^\*\*WORKDIR\*\*\n\n`WORKDIR <path>`/);
    expect(hoverAt("FROM alpine\nCOPY --chmod=755 a b", 2, 9)).toMatchObject({ markdown: expect.stringContaining("**COPY --chmod**"), from: 6, to: 13 });
    expect(hoverAt("FROM alpine\nRUN echo copy", 2, 11)).toBeNull();
  });
});
