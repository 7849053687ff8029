import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { busyboxRootfsTar, waitUntil } from "@layerlab/core/testing";
import { beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "layerlab-cli-containers-"));
const env = { ...process.env, LAYERLAB_HOME: join(dir, "home"), GREETING: "from-the-host" };

/** The CLI as a user runs it, in its own process. */
function layerlab(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { env, input: input ?? "", encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}


beforeAll(async () => {
  const rootfs = join(dir, "rootfs.tar");
  writeFileSync(rootfs, await busyboxRootfsTar());
  expect(layerlab(["import", "-c", 'CMD ["sh"]', rootfs, "bb:1"]).code).toBe(0);
});

describe("container commands", () => {
  it("run: options before the image, the command after it; the exit code is the container's; --rm removes it", () => {
    const r = layerlab(["run", "--rm", "-e", "X=1", "-e", "GREETING", "-w", "/tmp", "bb:1", "sh", "-c", 'echo "$X $GREETING $(pwd)"; exit 3']);
    expect(r).toMatchObject({ code: 3, out: "1 from-the-host /tmp\n" });
    expect(layerlab(["ps", "-a", "-q"]).out).toBe("");
    const piped = layerlab(["run", "--rm", "-i", "bb:1", "sh", "-c", "tr a-z A-Z"], "shout\n");
    expect(piped.out).toBe("SHOUT\n");
    expect(layerlab(["run", "nope:1"])).toMatchObject({ code: 1, err: "Error: no such image: nope:1\n" });
  });

  it("create, start, diff, commit, logs, export, rm, and rmi refusing an image in use", () => {
    const id = layerlab(["create", "--name", "maker", "bb:1", "sh", "-c", "echo hi > /f; rm /etc/group; echo done"]).out.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(layerlab(["ps", "-a"]).out).toMatch(new RegExp(`^${id.slice(0, 12)}\\s+bb:1\\s+"sh -c echo hi > /f;…"\\s+.*ago\\s+Created\\s+maker$`, "m"));
    expect(layerlab(["start", "maker"])).toMatchObject({ code: 0, out: "done\n" });
    expect(layerlab(["ps", "-a"]).out).toMatch(/Exited \(0\) .* ago\s+maker/);
    expect(layerlab(["diff", "maker"]).out).toBe("C /etc\nD /etc/group\nA /f\n");
    expect(layerlab(["logs", "maker"]).out).toBe("done\n");
    const image = layerlab(["commit", "-m", "by hand", "-c", 'CMD ["cat", "/f"]', "maker", "snap:1"]).out.trim();
    expect(image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(layerlab(["run", "--rm", "snap:1"]).out).toBe("hi\n");
    expect(layerlab(["history", "snap:1"]).out.split("\n")[1]).toMatch(/sh -c echo hi > \/f; rm \/etc\/group; echo done\s+[\d.]+kB\s+by hand$/);
    const tar = join(dir, "maker.tar");
    expect(layerlab(["export", "-o", tar, "maker"]).code).toBe(0);
    const listing = spawnSync("tar", ["-tf", tar], { encoding: "utf8" }).stdout.split("\n");
    expect(listing).toContain("f");
    expect(listing).not.toContain("etc/group");
    const refused = layerlab(["rmi", "bb:1"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^Error: image [0-9a-f]{12} is in use by container [0-9a-f]{12}; stop and remove it first, or use --force\n$/);
    expect(layerlab(["rm", "maker"])).toMatchObject({ code: 0, out: "maker\n" });
    expect(layerlab(["diff", "maker"])).toMatchObject({ code: 1, err: "Error: no such container: maker\n" });
  });

  it("exec into a running container, stop it, and kill -9 of the process running it leaves nothing behind", async () => {
    // A sleep no other test or earlier run has, so pgrep finds only this container's.
    const nap = `3600.${process.pid}`;
    const runner = spawn(process.execPath, ["--import", "tsx", MAIN, "run", "--name", "svc", "bb:1", "sleep", nap], { env, stdio: "ignore" });
    const exited = new Promise<number | null>((r) => runner.once("exit", (code) => r(code)));
    await waitUntil(() => /Up /.test(layerlab(["ps"]).out), 20_000);
    expect(layerlab(["exec", "-e", "Y=2", "svc", "sh", "-c", "echo $((40 + Y)) $(cat /proc/1/cmdline | tr '\\0' ' ')"]).out).toBe(`42 /dev/init -p SIGKILL -- sleep ${nap}\n`);
    expect(layerlab(["stop", "-t", "5", "svc"]).out).toBe("svc\n");
    expect(await exited).toBe(143);
    expect(layerlab(["ps", "-a"]).out).toMatch(/Exited \(143\).*svc/);
    const again = spawn(process.execPath, ["--import", "tsx", MAIN, "start", "svc"], { env, stdio: "ignore" });
    await waitUntil(() => /Up /.test(layerlab(["ps"]).out), 20_000);
    expect(spawnSync("pgrep", ["-f", `sleep ${nap}`]).stdout.toString()).not.toBe("");
    again.kill("SIGKILL");
    await waitUntil(() => spawnSync("pgrep", ["-f", `sleep ${nap}`]).stdout.toString() === "", 20_000);
    expect(layerlab(["ps", "-a"]).out).toMatch(/Exited \(137\).*svc/);
    expect(layerlab(["container", "prune"]).out).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n/);
    expect(layerlab(["ps", "-a", "-q"]).out).toBe("");
  }, 120_000);
});
