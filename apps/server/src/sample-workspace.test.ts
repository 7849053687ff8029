import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeDockerfile } from "@layerlab/core";
import { ImageStore } from "@layerlab/core/node";
import { describe, expect, it } from "vitest";
import { SAMPLE_BASE, startServer } from "./index.js";

describe("the sample workspace", () => {
  it("is copied into $LAYERLAB_HOME, with its base image made offline from busybox-static", async () => {
    const home = mkdtempSync(join(tmpdir(), "layerlab-sample-"));
    process.env.LAYERLAB_HOME = home;
    const server = await startServer({ port: 0, webDist: null, token: "t" });
    try {
      expect(server.workspace.root).toBe(join(home, "workspaces", "sample"));
      expect(existsSync(join(server.workspace.root, ".dockerignore"))).toBe(true);
      const store = await ImageStore.open(home);
      const base = await store.resolve(SAMPLE_BASE);
      expect(base.config.config?.Cmd).toEqual(["sh"]);
      const dockerfile = readFileSync(join(server.workspace.root, "Dockerfile"), "utf8");
      const analysis = analyzeDockerfile(dockerfile);
      expect(analysis.diagnostics).toEqual([]);
      expect(analysis.graph.stages.map((s) => s.base)).toEqual([SAMPLE_BASE, SAMPLE_BASE, SAMPLE_BASE]);
    } finally {
      await server.close();
    }
  });
});
