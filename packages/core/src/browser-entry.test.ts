import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe("the browser entry (@layerlab/core)", () => {
  it("bundles for the browser without pulling in any Node built-in", async () => {
    const imported: string[] = [];
    const result = await build({
      entryPoints: [fileURLToPath(new URL("./index.ts", import.meta.url))],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      metafile: true,
      logLevel: "silent",
      plugins: [
        {
          name: "record-builtins",
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (NODE_BUILTINS.has(args.path)) imported.push(`${args.path} (from ${args.importer})`);
              return undefined;
            });
          },
        },
      ],
    });
    expect(imported).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((p) => p.endsWith("dockerfile/parse.ts"))).toBe(true);
  });
});
