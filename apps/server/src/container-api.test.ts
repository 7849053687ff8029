import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { waitUntil } from "@layerlab/core/testing";
import { startServer, type RunningServer } from "./index.js";

let server: RunningServer;
let base: string;
const auth = { Authorization: "Bearer tok" };

const json = async (path: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(`${base}${path}`, { method: init.method ?? "GET", headers: { ...auth, "Content-Type": "application/json" }, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

/** A terminal session: everything the shell printed so far, and a way to type. */
function terminal(container: string, headers: Record<string, string> = auth): Promise<{ ws: WebSocket; output: () => string; exit: Promise<number>; type: (s: string) => void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/terminal?container=${container}&rows=30&cols=100`, { headers });
    let out = "";
    let onExit: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (onExit = r));
    ws.on("message", (data, isBinary) => {
      if (isBinary) out += data.toString();
      else {
        const m = JSON.parse(data.toString());
        if (m.type === "exit") onExit(m.code);
        if (m.type === "error") out += `ERROR ${m.message}`;
      }
    });
    ws.once("open", () => resolve({ ws, output: () => out, exit, type: (s) => ws.send(JSON.stringify({ type: "input", data: s })) }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}


beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-containers-api-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("bb:1")!], changes: ['CMD ["sh"]'] });
  mkdirSync(join(dir, "ws"));
  writeFileSync(join(dir, "ws", "Dockerfile"), "FROM bb:1\n");
  server = await startServer({ workspaceDir: join(dir, "ws"), port: 0, token: "tok", webDist: null });
  base = server.url.replace(/\/\?token=.*$/, "");
});

afterAll(async () => {
  await server?.close();
});

describe("containers over HTTP and the terminal WebSocket", () => {
  it("runs an image, opens a shell in it, sees the change as a diff, commits it and finds the file in the new image's top layer", async () => {
    const created = await json("/api/containers", { method: "POST", body: { image: "bb:1", name: "box" } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "box", imageRef: "bb:1", command: ["sh"], state: { status: "running" } });
    const t = await terminal("box");
    t.type("echo hello > /greeting; echo DONE-$((6*7))\n");
    await waitUntil(() => t.output().includes("DONE-42"));
    t.ws.send(JSON.stringify({ type: "resize", rows: 40, cols: 120 }));
    t.type("stty size\n");
    await waitUntil(() => /^40 120\r$/m.test(t.output()));
    t.type("exit 5\n");
    expect(await t.exit).toBe(5);
    expect((await json("/api/containers/box/diff")).body.changes).toEqual([{ kind: "A", path: "/greeting" }]);
    const committed = await json("/api/containers/box/commit", { method: "POST", body: { tag: "greeted:1", message: "said hello" } });
    expect(committed.status).toBe(200);
    const detail = await json("/api/images/greeted:1");
    expect(detail.body.history.at(0)).toMatchObject({ createdBy: "sh", comment: "said hello" });
    const top = detail.body.layers.length - 1;
    const files = await json(`/api/images/greeted:1/layers/${top}/files`);
    expect(files.body.entries).toEqual([expect.objectContaining({ name: "greeting", change: "added", size: 6 })]);
    expect(await json("/api/images/bb:1", { method: "DELETE" })).toMatchObject({ status: 409, body: { error: { code: "in-use" } } });
    const stopped = await json("/api/containers/box/stop", { method: "POST", body: { timeout: 1 } });
    expect(stopped.body.state.status).toBe("exited");
    // The container's own shell (not the exec'd one) wrote its prompt to the log.
    const logs = (await json("/api/containers/box/logs")).body.logs as { s: string; d: string }[];
    expect(logs.map((l) => l.d).join("")).toContain("/ # ");
    expect(await json("/api/containers/prune", { method: "POST" })).toMatchObject({ status: 200, body: { deleted: [created.body.id] } });
    expect(await json("/api/containers/box")).toEqual({ status: 404, body: { error: { code: "not-found", message: "no such container: box" } } });
  }, 60_000);

  it("guards the terminal like every request, and says why there is no shell", async () => {
    await expect(terminal("x", {})).rejects.toThrow("HTTP 401");
    await expect(terminal("x", { ...auth, Origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
    const missing = await terminal("nope");
    await waitUntil(() => missing.output().includes("ERROR"));
    expect(missing.output()).toBe("ERROR no such container: nope");
    const stopped = await json("/api/containers", { method: "POST", body: { image: "bb:1", start: false } });
    const idle = await terminal(stopped.body.id);
    await waitUntil(() => idle.output().includes("ERROR"));
    expect(idle.output()).toBe(`ERROR container ${stopped.body.name} is not running`);
    expect((await json("/api/containers", { method: "POST", body: { image: "bb:1", network: "bridge" } })).status).toBe(400);
  });
});
