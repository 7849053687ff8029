import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { importRootfs } from "../archive/import-rootfs.js";
import { saveImages } from "../archive/save-archive.js";
import { parseTagName } from "../image/image-name.js";
import { layerRecords } from "../store/image-facts.js";
import { ImageStore } from "../store/image-store.js";
import { collect } from "../testing/tar-fixtures.js";
import { docker } from "../testing/docker-cli.js";
import { waitUntil } from "../testing/wait-until.js";
import { commitContainer, containerChanges, exportContainer } from "./container-changes.js";
import { containerLogs, execInContainer, startContainer, stopContainer, type ContainerProcess } from "./container-runtime.js";
import { ContainerStore } from "./container-store.js";
import { createContainer, type CreateOptions } from "./create-container.js";
import { readUntrustedTar } from "../layer/untrusted-tar.js";

const tag = (n: string) => parseTagName(n)!;
let store: ImageStore;
let containers: ContainerStore;
/** Prints each argument it received in brackets, its own name first. */
const ARGV = { body: '#!/bin/sh\nfor a in "$0" "$@"; do printf "[%s]" "$a"; done; echo\n', mode: 0o755 };

beforeAll(async () => {
  store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-containers-")));
  containers = await ContainerStore.open(store);
  const rootfs = await busyboxRootfsTar({ "bin/argv": ARGV, "etc/motd": "welcome\n" });
  await importRootfs(store, [rootfs], { tags: [tag("bb:1")], changes: ['CMD ["sh"]'] });
  await importRootfs(store, [rootfs], { tags: [tag("argv:exec")], changes: ['ENTRYPOINT ["/bin/argv", "e1"]', 'CMD ["c1", "c2"]'] });
  await importRootfs(store, [rootfs], { tags: [tag("argv:shell")], changes: ["ENTRYPOINT /bin/argv e1", 'CMD ["c1"]'] });
  await importRootfs(store, [rootfs], { tags: [tag("argv:cmd")], changes: ["CMD /bin/argv c1 c2"] });
});

/** Runs a container to its end and returns its output and exit code. */
async function run(image: string, o: CreateOptions = {}): Promise<{ out: string; code: number; id: string }> {
  const c = await createContainer(containers, image, o);
  let out = "";
  const p = await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) });
  const code = await p.exited;
  return { out, code, id: c.id };
}


describe("running containers", () => {
  it("runs exactly the argv Docker's ENTRYPOINT/CMD rules give", async () => {
    expect((await run("argv:exec")).out).toBe("[/bin/argv][e1][c1][c2]\n");
    expect((await run("argv:exec", { args: ["x", "y z"] })).out).toBe("[/bin/argv][e1][x][y z]\n");
    // Shell-form ENTRYPOINT ignores CMD and arguments: they become the shell's $0 and $1.
    expect((await run("argv:shell")).out).toBe("[/bin/argv][e1]\n");
    expect((await run("argv:shell", { args: ["x"] })).out).toBe("[/bin/argv][e1]\n");
    expect((await run("argv:cmd")).out).toBe("[/bin/argv][c1][c2]\n");
    expect((await run("argv:exec", { entrypoint: "/bin/argv" })).out).toBe("[/bin/argv]\n");
    expect((await run("argv:exec", { entrypoint: "", args: ["/bin/argv", "only"] })).out).toBe("[/bin/argv][only]\n");
  });

  it("applies -e, -w and -u, and propagates the exit code", async () => {
    const r = await run("bb:1", { args: ["sh", "-c", 'echo "$GREETING $(id -u):$(id -g) $(pwd) $HOSTNAME"; exit 7'], env: ["GREETING=hi"], workdir: "/tmp", user: "user" });
    expect(r.code).toBe(7);
    expect(r.out).toBe(`hi 1000:1000 /tmp ${r.id.slice(0, 12)}\n`);
    const record = await containers.get(r.id);
    expect(record.state).toMatchObject({ status: "exited", exitCode: 7, owner: null });
    expect((await containerLogs(containers, r.id)).map((l) => l.d).join("")).toBe(r.out);
  });

  it("cannot see or change host files outside its root, and sees only its own processes", async () => {
    const marker = join(tmpdir(), `layerlab-host-marker-${process.pid}`);
    writeFileSync(marker, "host");
    const r = await run("bb:1", { args: ["sh", "-c", `test -e ${marker} && echo visible; echo escaped > /escape-${process.pid}; ps -o pid,comm > /tmp/ps; cat /tmp/ps`], network: "none" });
    // tini as PID 1, the shell and ps: nothing of the host's.
    expect(r.out.split("\n").slice(1, -1).map((l) => l.trim().split(/\s+/)[1])).toEqual(["init", "sh", "ps"]);
    expect(existsSync(`/escape-${process.pid}`)).toBe(false);
  });

  it("stop sends the stop signal, then kills after the timeout", async () => {
    const polite = await createContainer(containers, "bb:1", { args: ["sleep", "100"] });
    const p1 = await startContainer(containers, polite.id);
    await waitUntil(async () => (await containers.get(polite.id)).state.status === "running");
    const t0 = Date.now();
    await stopContainer(containers, polite.id, 10);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await p1.exited).toBe(143);
    const stubborn = await createContainer(containers, "bb:1", { args: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"] });
    const p2 = await startContainer(containers, stubborn.id);
    await new Promise((r) => setTimeout(r, 300));
    const t1 = Date.now();
    await stopContainer(containers, stubborn.id, 1);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(1000);
    expect(await p2.exited).toBe(137);
  });

  it("execs a shell with a real terminal: output, resize, Ctrl-C and exit code", async () => {
    const c = await createContainer(containers, "bb:1", { args: ["sleep", "300"] });
    const main = await startContainer(containers, c.id);
    await waitUntil(async () => (await containers.get(c.id)).state.status === "running");
    let out = "";
    const shell: ContainerProcess = await execInContainer(containers, c.id, ["sh"], { tty: true, size: { rows: 30, cols: 90 }, onOutput: (_s, d) => (out += d.toString()) });
    // Markers the shell computes, so the terminal's echo of the typed line never matches them.
    shell.write("stty size; test -t 0 && echo IS-A-TTY-$((6*7))\n");
    await waitUntil(() => out.includes("IS-A-TTY-42\r\n"));
    expect(out).toMatch(/^30 90\r$/m);
    shell.resize({ rows: 40, cols: 100 });
    await new Promise((r) => setTimeout(r, 100));
    shell.write("stty size\n");
    await waitUntil(() => /^40 100\r$/m.test(out));
    shell.write("sleep 50; echo NOT-$((1+1))-INTERRUPTED\n");
    await new Promise((r) => setTimeout(r, 300));
    shell.write("\x03");
    shell.write("echo AFTER-$((2+2)); exit 3\n");
    expect(await shell.exited).toBe(3);
    expect(out).toContain("AFTER-4\r\n");
    expect(out).not.toContain("NOT-2-INTERRUPTED");
    await stopContainer(containers, c.id, 1);
    await main.exited;
  });
});

describe("container changes", () => {
  let changed: string;

  beforeAll(async () => {
    const r = await run("bb:1", { args: ["sh", "-c", "echo new > /added; echo changed > /etc/motd; rm /etc/group; chmod 700 /home; mkdir -p /made/deep && echo x > /made/deep/f"], name: "changer" });
    expect(r.code).toBe(0);
    changed = r.id;
  });

  it("diff lists what was added, changed and deleted, like docker diff", async () => {
    expect(await containerChanges(containers, "changer")).toEqual([
      { kind: "A", path: "/added" },
      { kind: "C", path: "/etc" },
      { kind: "D", path: "/etc/group" },
      { kind: "C", path: "/etc/motd" },
      { kind: "C", path: "/home" },
      { kind: "A", path: "/made" },
      { kind: "A", path: "/made/deep" },
      { kind: "A", path: "/made/deep/f" },
    ]);
  });

  it("commit makes an image whose new layer is exactly those changes, whiteout included, that runs here and under Docker", async () => {
    const result = await commitContainer(containers, changed, { tags: [tag("committed:1")], changes: ['CMD ["cat", "/added"]'], message: "made by hand", author: "Ada <ada@example.com>" });
    const image = await store.resolve("committed:1");
    expect(image.id).toBe(result.id);
    const records = await layerRecords(store, image);
    expect(records).toHaveLength(2);
    const top = records[1]!.entries.map((e) => [e.path, e.type, e.type === "dir" ? e.mode.toString(8) : null]);
    expect(top).toEqual([
      ["added", "file", null],
      ["etc", "dir", "755"],
      ["etc/group", "whiteout", null],
      ["etc/motd", "file", null],
      ["home", "dir", "700"],
      ["made", "dir", "755"],
      ["made/deep", "dir", "755"],
      ["made/deep/f", "file", null],
    ]);
    expect(image.config.history?.at(-1)).toMatchObject({ created_by: "sh -c echo new > /added; echo changed > /etc/motd; rm /etc/group; chmod 700 /home; mkdir -p /made/deep && echo x > /made/deep/f", comment: "made by hand", author: "Ada <ada@example.com>" });
    expect(image.config.config?.Cmd).toEqual(["cat", "/added"]);
    expect((await run("committed:1")).out).toBe("new\n");
    expect((await run("committed:1", { args: ["sh", "-c", "cat /etc/motd; test -e /etc/group || echo gone"] })).out).toBe("changed\ngone\n");
    const archive = await collect(await saveImages(store, ["committed:1"]));
    docker(["load"], archive);
    expect(docker(["run", "--rm", "--network=none", "committed:1"])).toBe("new\n");
    expect(docker(["run", "--rm", "--network=none", "committed:1", "sh", "-c", "test -e /etc/group || echo gone"])).toBe("gone\n");
    docker(["rmi", "committed:1"]);
  });

  it("export gives the container's whole filesystem as a tar that imports as a one-layer image", async () => {
    const tar = await collect(await exportContainer(containers, changed));
    const read = await readUntrustedTar([tar], null);
    const paths = new Set(read.entries.map((e) => e.path));
    expect(paths.has("added")).toBe(true);
    expect(paths.has("bin/busybox")).toBe(true);
    expect(paths.has("etc/group")).toBe(false);
    expect(paths.has("proc")).toBe(false);
    await importRootfs(store, [tar], { tags: [tag("flat:1")] });
    expect((await store.resolve("flat:1")).config.rootfs.diff_ids).toHaveLength(1);
    expect((await run("flat:1", { args: ["cat", "/made/deep/f"] })).out).toBe("x\n");
  });

  it("a stopped container restarts with its changes", async () => {
    const c = await createContainer(containers, "bb:1", { args: ["sh", "-c", "echo run >> /runs; cat /runs"] });
    let out = "";
    await (await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) })).exited;
    await (await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) })).exited;
    expect(out).toBe("run\nrun\nrun\n");
  });
});

describe("containers and images", () => {
  it("a container stays bound to its image ID when the tag moves; rmi refuses an image in use unless forced, and then only untags", async () => {
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [tag("moving:1")], changes: ["ENV V=1", 'CMD ["sh", "-c", "echo $V"]'] });
    const first = await store.resolve("moving:1");
    const c = await createContainer(containers, "moving:1");
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [tag("moving:1")], changes: ["ENV V=2", 'CMD ["sh", "-c", "echo $V"]'] });
    expect((await containers.get(c.id)).image).toBe(first.id);
    let out = "";
    await (await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) })).exited;
    expect(out).toBe("1\n");
    const inUse = (id: `sha256:${string}`) => containers.userOf(id);
    await store.tag(first.id, "pinned:1");
    await expect(store.remove("pinned:1", { inUse })).rejects.toThrow(`image ${first.id.slice(7, 19)} is in use by container ${c.id.slice(0, 12)}; stop and remove it first, or use --force`);
    expect(await store.remove("pinned:1", { inUse, force: true })).toEqual({ untagged: ["pinned:1"], deleted: [] });
    expect((await store.resolve(first.id)).tags).toEqual([]);
    out = "";
    await (await startContainer(containers, c.id, { onOutput: (_s, d) => (out += d.toString()) })).exited;
    expect(out).toBe("1\n");
  });

  it("leaves no process behind when the process running it is killed", async () => {
    const script = `
      import { ImageStore, ContainerStore, createContainer, startContainer } from "${join(import.meta.dirname, "..", "node.ts")}";
      const store = await ImageStore.open(${JSON.stringify(store.root)});
      const c = await ContainerStore.open(store);
      const r = await createContainer(c, "bb:1", { args: ["sleep", "3600.5"] });
      await startContainer(c, r.id);
      console.log(r.id);
      setInterval(() => {}, 1000);
    `;
    const file = join(mkdtempSync(join(tmpdir(), "layerlab-owner-")), "owner.mts");
    writeFileSync(file, script);
    const { spawn } = await import("node:child_process");
    const owner = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "inherit"] });
    const id = await new Promise<string>((resolve) => owner.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
    await waitUntil(() => spawnSync("pgrep", ["-f", "sleep 3600.5"]).stdout.toString() !== "");
    owner.kill("SIGKILL");
    await waitUntil(() => spawnSync("pgrep", ["-f", "sleep 3600.5"]).stdout.toString() === "");
    expect((await containers.get(id)).state).toMatchObject({ status: "exited", exitCode: 137, error: "the Layerlab process that ran it stopped" });
  });
});
