import { mkdtempSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { busyboxRootfsTar } from "@layerlab/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "./cli.js";
import { startRegistry, type LocalRegistry } from "@layerlab/core/testing";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let dir: string;
let rootfs: string;
let registry: LocalRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "layerlab-cli-store-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  rootfs = join(dir, "rootfs.tar");
  writeFileSync(rootfs, await busyboxRootfsTar());
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

describe("image commands", () => {
  it("import prints the image ID; images lists it like docker images", async () => {
    const r = await run(["import", "-c", 'CMD ["sh"]', "-m", "from busybox-static", rootfs, "bb:1"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sha256:[a-f0-9]{64}$/);
    const images = await run(["images"]);
    expect(images.out.split("\n")[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(images.out).toMatch(new RegExp(`bb\\s+1\\s+${r.out.slice(7, 19)}\\s+.*ago\\s+2\\.\\d+MB`));
    const json = JSON.parse((await run(["images", "--format", "json"])).out.split("\n")[0]!);
    expect(json).toMatchObject({ Repository: "bb", Tag: "1", ID: r.out.slice(7, 19) });
  });

  it("tag, history, inspect", async () => {
    expect((await run(["tag", "bb:1", "bb:copy"])).code).toBe(0);
    const history = await run(["history", "--no-trunc", "bb:copy"]);
    expect(history.out).toMatch(/layerlab import .*rootfs\.tar\s+2\.\d+MB\s+from busybox-static/);
    const inspect = JSON.parse((await run(["inspect", "bb:copy"])).out);
    expect(inspect[0]).toMatchObject({ RepoTags: ["bb:1", "bb:copy"], Config: { Cmd: ["sh"] }, Os: "linux", RootFS: { Type: "layers" } });
    expect((await run(["tag", "bb:1", "Bad:Tag!"])).err).toContain("invalid reference format");
  });

  it("save -o, load -i, export -o", async () => {
    const archive = join(dir, "bb.tar");
    expect((await run(["save", "-o", archive, "bb:1"])).code).toBe(0);
    expect(statSync(archive).size).toBeGreaterThan(1_000_000);
    expect((await run(["load", "-i", archive])).out).toBe("Loaded image: bb:1");
    const flat = join(dir, "flat.tar");
    expect((await run(["export", "-o", flat, "bb:1"])).code).toBe(0);
    expect(statSync(flat).size).toBeGreaterThan(2_000_000);
  });

  it("push and pull through a registry", async () => {
    const ref = `${registry.host}/cli/bb:1`;
    await run(["tag", "bb:1", ref]);
    const pushed = await run(["push", ref]);
    expect(pushed.out).toMatch(/Pushed/);
    expect(pushed.out).toMatch(/1: digest: sha256:[a-f0-9]{64} size: \d+/);
    const pulled = await run(["pull", ref]);
    expect(pulled.out).toContain(`Status: Image is up to date for ${ref}`);
  });

  it("rmi untags, then deletes; errors exit 1 with a message", async () => {
    expect((await run(["rmi", "bb:copy"])).out).toBe("Untagged: bb:copy");
    const missing = await run(["rmi", "nope:1"]);
    expect(missing).toMatchObject({ code: 1, err: "Error: no such image: nope:1" });
  });

  it("df, prune and fsck", async () => {
    expect((await run(["df"])).out).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+1/);
    expect((await run(["prune"])).out).toContain("Total reclaimed space");
    const fsck = await run(["fsck"]);
    expect(fsck).toMatchObject({ code: 0 });
    expect(fsck.out).toMatch(/clean$/);
  });
});
