import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./index.js";

let server: RunningServer;
let base: string;
let workspace: string;
let outside: string;

const body = async (res: Response): Promise<any> => res.json();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-server-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  workspace = join(dir, "ws");
  outside = join(dir, "outside");
  mkdirSync(join(workspace, "src"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(workspace, "Dockerfile"), "FROM busybox:1.36\n");
  writeFileSync(join(outside, "secret.txt"), "top secret");
  symlinkSync(outside, join(workspace, "escape"));
  server = await startServer({ workspaceDir: workspace, port: 0, token: "test-token", webDist: null });
  base = server.url.replace(/\/\?token=.*$/, "");
});

afterAll(async () => {
  await server.close();
});

const auth = { authorization: "Bearer test-token" };
const get = (path: string, headers: Record<string, string> = auth) => fetch(base + path, { headers, redirect: "manual" });
const send = (method: string, path: string, body: unknown) =>
  fetch(base + path, { method, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("access control", () => {
  it("refuses requests without the token with 401", async () => {
    const res = await get("/api/health", {});
    expect(res.status).toBe(401);
    expect((await body(res)).error.code).toBe("unauthorized");
  });

  it("trades the URL token for an HttpOnly cookie and redirects without it", async () => {
    const res = await get("/?token=test-token", {});
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/layerlab_token=test-token; HttpOnly; SameSite=Strict/);
    expect((await get("/api/health", { cookie: cookie.split(";")[0]! })).status).toBe(200);
  });

  it("refuses a wrong token", async () => {
    expect((await get("/api/health", { authorization: "Bearer nope" })).status).toBe(401);
  });

  it("refuses a Host it does not serve (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve) => {
      const req = request(`${base}/api/health`, { headers: { ...auth, host: "attacker.example:80" } }, (res) => resolve(res.statusCode ?? 0));
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe("workspace files", () => {
  it("lists, reads and writes files under the root", async () => {
    const list = await body(await get("/api/workspace/files"));
    expect(list.entries.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(["Dockerfile", "src", "escape"]));
    expect((await body(await get("/api/workspace/file?path=Dockerfile"))).content).toBe("FROM busybox:1.36\n");
    expect((await send("PUT", "/api/workspace/file", { path: "src/app.sh", content: "echo hi\n" })).status).toBe(200);
    expect(readFileSync(join(workspace, "src/app.sh"), "utf8")).toBe("echo hi\n");
  });

  it("refuses ../ paths and touches nothing outside", async () => {
    const res = await get("/api/workspace/file?path=../outside/secret.txt");
    expect(res.status).toBe(403);
    expect((await body(res)).error.message).toBe('path "../outside/secret.txt" leaves the workspace');
    expect((await send("PUT", "/api/workspace/file", { path: "../outside/new.txt", content: "x" })).status).toBe(403);
    expect(existsSync(join(outside, "new.txt"))).toBe(false);
  });

  it("refuses symlink escapes for reads and writes", async () => {
    expect((await get("/api/workspace/file?path=escape/secret.txt")).status).toBe(403);
    expect((await send("PUT", "/api/workspace/file", { path: "escape/planted.txt", content: "x" })).status).toBe(403);
    expect(existsSync(join(outside, "planted.txt"))).toBe(false);
  });

  it("refuses absolute paths and validates bodies", async () => {
    expect((await get("/api/workspace/file?path=/etc/passwd")).status).toBe(400);
    const bad = await send("PUT", "/api/workspace/file", { path: "x" });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.message).toMatch(/^content: /);
  });

  it("renames and deletes, and reports missing files with 404", async () => {
    await send("PUT", "/api/workspace/file", { path: "a.txt", content: "a" });
    expect((await send("POST", "/api/workspace/rename", { from: "a.txt", to: "b.txt" })).status).toBe(200);
    expect((await fetch(`${base}/api/workspace/file?path=b.txt`, { method: "DELETE", headers: auth })).status).toBe(200);
    expect((await get("/api/workspace/file?path=b.txt")).status).toBe(404);
  });

  it("lists the store's images", async () => {
    expect(await body(await get("/api/images"))).toEqual({ images: [] });
  });

  it("answers unknown API routes with a JSON 404 and no stack trace", async () => {
    const res = await get("/api/nope");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/at |\/work\//);
  });
});
