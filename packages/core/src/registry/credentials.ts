import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Credentials {
  username: string;
  password: string;
  /** An identity token (OAuth2 refresh token) instead of a password. */
  identityToken?: string;
}

export type CredentialLookup = (registryHost: string) => Promise<Credentials | null>;

const HUB_KEYS = ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];

function keysFor(host: string): string[] {
  if (host === "docker.io" || host === "registry-1.docker.io") return HUB_KEYS;
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`];
}

/** Runs `docker-credential-<helper> get` with the server URL on stdin (the credential helper protocol). */
function helperGet(helper: string, serverUrl: string): Promise<Credentials | null> {
  return new Promise((resolve) => {
    const child = spawn(`docker-credential-${helper}`, ["get"], { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", () => resolve(null));
    child.on("close", (code) => {
      if (code !== 0) return resolve(null);
      try {
        const parsed = JSON.parse(out) as { Username?: string; Secret?: string };
        if (!parsed.Secret) return resolve(null);
        resolve(parsed.Username === "<token>" ? { username: "", password: "", identityToken: parsed.Secret } : { username: parsed.Username ?? "", password: parsed.Secret });
      } catch {
        resolve(null);
      }
    });
    child.stdin.end(serverUrl);
  });
}

/**
 * Credentials the way the docker CLI finds them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`) `credHelpers[host]`, then `credsStore`, then `auths[host]`.
 * Secrets are returned to the caller only; nothing here logs them.
 */
export function dockerConfigCredentials(configDir = process.env.DOCKER_CONFIG ?? join(homedir(), ".docker")): CredentialLookup {
  return async (host) => {
    const text = await readFile(join(configDir, "config.json"), "utf8").catch(() => null);
    if (text === null) return null;
    let config: { auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>; credHelpers?: Record<string, string>; credsStore?: string };
    try {
      config = JSON.parse(text);
    } catch {
      return null;
    }
    const keys = keysFor(host);
    const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
    if (helper) {
      for (const key of keys.slice(0, 1)) {
        const found = await helperGet(helper, key);
        if (found) return found;
      }
    }
    for (const key of keys) {
      const entry = config.auths?.[key];
      if (!entry) continue;
      if (entry.identitytoken) return { username: "", password: "", identityToken: entry.identitytoken };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
      if (entry.username && entry.password) return { username: entry.username, password: entry.password };
    }
    return null;
  };
}
