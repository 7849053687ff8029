import { execFileSync } from "node:child_process";
import { createSign, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Every token request: the scopes asked for and the account, for assertions on the flow. */
  requests: { scopes: string[]; account: string | null }[];
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/**
 * A token service like Docker Hub's, for a registry in token-auth mode: it issues RS256 JWTs
 * carrying the signing certificate in `x5c`. Anonymous callers get pull only; `user:password`
 * (Basic) gets pull and push.
 */
export async function startTokenServer(dir: string, user: string, password: string): Promise<TokenServer> {
  const keyPath = join(dir, "token.key");
  const certPath = join(dir, "token.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=layerlab-token"], { stdio: "ignore" });
  const key = readFileSync(keyPath);
  const der = new X509Certificate(readFileSync(certPath)).raw;
  const service = "layerlab-registry";
  const issuer = "layerlab-issuer";
  const requests: TokenServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const scopes = url.searchParams.getAll("scope");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [u, p] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    const authed = u === user && p === password;
    if (basic && !authed) {
      res.writeHead(401).end();
      return;
    }
    requests.push({ scopes, account: url.searchParams.get("account") });
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(":");
      return { type, name, actions: (actions ?? "").split(",").filter((a) => a === "pull" || (authed && a === "push")) };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", x5c: [der.toString("base64")] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: u ?? "", aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access }));
    const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(key);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
