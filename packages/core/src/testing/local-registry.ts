import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenServer } from "./token-server.js";

export const REGISTRY_BIN = "/usr/bin/docker-registry";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface LocalRegistry {
  host: string;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** A bcrypt htpasswd line (the registry accepts only bcrypt), made with Python's crypt module. */
function htpasswdLine(user: string, password: string): string {
  const script = `import crypt,sys;print(sys.argv[1]+':'+crypt.crypt(sys.argv[2],crypt.mksalt(crypt.METHOD_BLOWFISH)))`;
  return execFileSync("python3", ["-W", "ignore", "-c", script, user, password], { encoding: "utf8" }).trim();
}

/**
 * Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 and a free port,
 * optionally with htpasswd Basic auth or Bearer tokens from a token server. Its log goes to a file. Fails loudly when the package
 * is missing, so registry tests never skip.
 */
export async function startRegistry(auth?: { user: string; password: string; token?: TokenServer }): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} not found: install Debian's docker-registry (scripts/test.sh does)`);
  const dir = mkdtempSync(join(tmpdir(), "layerlab-registry-"));
  const port = await freePort();
  const t = auth?.token;
  const authBlock = t
    ? `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certPath}\n`
    : auth
      ? `auth:\n  htpasswd:\n    realm: layerlab-test\n    path: ${join(dir, "htpasswd")}\n`
      : "";
  if (auth && !t) writeFileSync(join(dir, "htpasswd"), htpasswdLine(auth.user, auth.password) + "\n");
  writeFileSync(
    join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authBlock}`,
  );
  const log = openSync(join(dir, "registry.log"), "a");
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/v2/`).then((r) => r.status === 200 || r.status === 401).catch(() => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`docker-registry exited; see ${join(dir, "registry.log")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    dir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
