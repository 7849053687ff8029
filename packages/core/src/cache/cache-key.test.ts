import { describe, expect, it } from "vitest";
import { cacheKey, explainMiss, type KeyInputs } from "./cache-key.js";

const base: KeyInputs = [
  { name: "parent", value: "sha256:p" },
  { name: "command", value: ["/bin/sh", "-c", "make"] },
  { name: "env", value: ["PATH=/bin", "MODE=dev", "FLAVOR=a"] },
  { name: "files", value: { app: "d1", "app/a.txt": "f1" } },
];
const change = (name: string, value: unknown) => base.map((i) => (i.name === name ? { name, value } : i));

describe("cache keys and miss reasons", () => {
  it("the key is a digest of the inputs in order", () => {
    expect(cacheKey(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(cacheKey(base)).toBe(cacheKey(JSON.parse(JSON.stringify(base))));
    expect(cacheKey(change("command", ["/bin/sh", "-c", "make "]))).not.toBe(cacheKey(base));
  });

  it("names the first input that differs, in words", () => {
    const args = new Set(["FLAVOR"]);
    expect(explainMiss(null, base, args).code).toBe("first-build");
    expect(explainMiss(base, change("parent", "sha256:q"), args).message).toBe("the step before it changed");
    expect(explainMiss(base, change("env", ["PATH=/bin", "MODE=dev", "FLAVOR=b"]), args).message).toBe("build-arg FLAVOR changed: a → b");
    expect(explainMiss(base, change("env", ["PATH=/bin", "MODE=prod", "FLAVOR=a"]), args).message).toBe("env MODE changed: dev → prod");
    expect(explainMiss(base, change("command", ["x"]), args).code).toBe("instruction-changed");
  });

  it("names the deepest changed file, not the directory that contains it", () => {
    expect(explainMiss(base, change("files", { app: "d2", "app/a.txt": "f2" }), new Set()).message).toBe("app/a.txt changed (f1 → f2)");
    expect(explainMiss(base, change("files", { app: "d2", "app/a.txt": "f1", "app/b.txt": "f3" }), new Set()).message).toBe("app/b.txt was added");
    expect(explainMiss(base, change("files", { app: "d2" }), new Set()).message).toBe("app/a.txt was removed");
    expect(explainMiss(base, change("files", { app: "d9", "app/a.txt": "f1" }), new Set()).message).toBe("app changed (d1 → d9)");
  });
});
