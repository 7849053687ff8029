import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Digest } from "../store/digest.js";
import { INDEX_TYPES, MANIFEST_TYPES, MEDIA } from "../image/oci-schemas.js";
import type { CredentialLookup, Credentials } from "./credentials.js";
import { parseChallenges } from "./www-authenticate.js";

/** A registry problem as a value: HTTP status, the registry's error code, and a readable message. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(", ");
const MAX_MANIFEST = 4 * 1024 * 1024;

export interface Endpoint {
  /** The registry as references name it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  host: string;
  /** Where the API lives: `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  baseUrl: string;
}

/**
 * Where a registry's API is. Docker Hub's API host differs from its name; loopback registries
 * and those listed as insecure are spoken to over plain HTTP, as Docker does.
 */
export function endpointFor(host: string, insecure: readonly string[] = []): Endpoint {
  if (host === "docker.io" || host === "index.docker.io") return { host: "docker.io", baseUrl: "https://registry-1.docker.io" };
  const bare = host.replace(/:\d+$/, "");
  const plain = insecure.includes(host) || bare === "localhost" || /^127\./.test(bare) || bare === "[::1]";
  return { host, baseUrl: `${plain ? "http" : "https"}://${host}` };
}

export interface RequestOptions {
  repo: string;
  actions: ("pull" | "push")[];
  /** Further scopes the token needs (a cross-repository mount's source). */
  extraScopes?: string[];
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Follow redirects ourselves so credentials never travel to another origin. */
  redirect?: "manual";
}

interface CachedToken {
  token: string;
  expires: number;
}

/**
 * A Distribution (OCI registry) client on Node's fetch: anonymous, Basic and Bearer token auth
 * (scopes from the challenge, tokens cached per scope set), manifests by tag or digest with
 * every manifest media type accepted, verified blob downloads that resume, and uploads.
 */
export class RegistryClient {
  private readonly tokens = new Map<string, CachedToken>();
  private scheme: "none" | "basic" | "bearer" = "none";
  private bearerParams: Record<string, string> = {};
  private creds: Credentials | null | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly credentials: CredentialLookup,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async getCredentials(): Promise<Credentials | null> {
    if (this.creds === undefined) this.creds = await this.credentials(this.endpoint.host);
    return this.creds;
  }

  private scopes(o: RequestOptions): string[] {
    return [`repository:${o.repo}:${o.actions.join(",")}`, ...(o.extraScopes ?? [])].sort();
  }

  private async authorization(o: RequestOptions): Promise<string | null> {
    if (this.scheme === "basic") {
      const c = await this.getCredentials();
      return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}` : null;
    }
    if (this.scheme === "bearer") {
      const key = this.scopes(o).join(" ");
      const cached = this.tokens.get(key);
      if (cached && cached.expires > Date.now()) return `Bearer ${cached.token}`;
      const token = await this.fetchToken(this.scopes(o));
      this.tokens.set(key, token);
      return `Bearer ${token.token}`;
    }
    return null;
  }

  /** The token flow of the distribution spec: GET realm?service=&scope=..., with Basic credentials when we have them. */
  private async fetchToken(scopes: string[]): Promise<CachedToken> {
    const realm = this.bearerParams.realm;
    if (!realm) throw new RegistryError(401, "UNAUTHORIZED", `${this.endpoint.host} asked for a token but gave no realm`);
    const url = new URL(realm);
    if (this.bearerParams.service) url.searchParams.set("service", this.bearerParams.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const c = await this.getCredentials();
    const headers: Record<string, string> = {};
    if (c && !c.identityToken) {
      headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
      url.searchParams.set("account", c.username);
    }
    const res = c?.identityToken
      ? await this.fetchImpl(realm, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: c.identityToken, service: this.bearerParams.service ?? "", scope: scopes.join(" "), client_id: "layerlab" }),
        })
      : await this.fetchImpl(url, { headers });
    if (!res.ok) throw new RegistryError(res.status, "UNAUTHORIZED", `${this.endpoint.host}: the token service refused (${res.status}); check your credentials (docker login)`);
    const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(401, "UNAUTHORIZED", `${this.endpoint.host}: the token service returned no token`);
    return { token, expires: Date.now() + Math.max(60, body.expires_in ?? 60) * 1000 - 10_000 };
  }

  /** One API request; on 401 it learns the auth scheme from the challenge and retries once. */
  async request(method: string, pathOrUrl: string, o: RequestOptions): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.endpoint.baseUrl}${pathOrUrl}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const auth = await this.authorization(o);
      const body = o.body instanceof Readable ? (Readable.toWeb(o.body) as ReadableStream) : o.body;
      const res = await this.fetchImpl(url, {
        method,
        headers: { ...(o.headers ?? {}), ...(auth ? { authorization: auth } : {}) },
        ...(body !== undefined ? { body, duplex: "half" } : {}),
        redirect: o.redirect ?? "follow",
      } as RequestInit);
      if (res.status !== 401 || attempt === 1 || o.body instanceof Readable) return res;
      const challenge = parseChallenges(res.headers.get("www-authenticate") ?? "")[0];
      await res.body?.cancel();
      if (!challenge) return res;
      if (challenge.scheme === "bearer") {
        this.scheme = "bearer";
        this.bearerParams = challenge.params;
        this.tokens.clear();
      } else if (challenge.scheme === "basic") {
        if ((await this.getCredentials()) === null) return res;
        this.scheme = "basic";
      } else return res;
    }
    throw new Error("unreachable");
  }

  async failure(res: Response, what: string): Promise<RegistryError> {
    const text = await res.text().catch(() => "");
    let code = `HTTP_${res.status}`;
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
      const first = parsed.errors?.[0];
      if (first) {
        code = first.code ?? code;
        detail = first.message ?? detail;
      }
    } catch {
      // Not JSON: keep the start of the body.
    }
    const hint = res.status === 401 ? " (authentication required: log in with docker login, or check ~/.docker/config.json)" : res.status === 404 ? " (not found)" : "";
    return new RegistryError(res.status, code, `${what}: ${code}: ${detail}${hint}`);
  }

  /** A manifest or index, verified against the digest when one was asked for. */
  async getManifest(repo: string, ref: string): Promise<{ bytes: Buffer; mediaType: string; digest: Digest }> {
    const res = await this.request("GET", `/v2/${repo}/manifests/${ref}`, { repo, actions: ["pull"], headers: { accept: MANIFEST_ACCEPT } });
    if (!res.ok) throw await this.failure(res, `manifest for ${this.endpoint.host}/${repo}:${ref}`);
    const length = Number(res.headers.get("content-length") ?? 0);
    if (length > MAX_MANIFEST) throw new RegistryError(413, "MANIFEST_TOO_LARGE", `manifest ${ref} is ${length} bytes; refusing more than ${MAX_MANIFEST}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > MAX_MANIFEST) throw new RegistryError(413, "MANIFEST_TOO_LARGE", `manifest ${ref} is larger than ${MAX_MANIFEST} bytes`);
    const digest: Digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (ref.startsWith("sha256:") && ref !== digest) throw new RegistryError(400, "DIGEST_INVALID", `manifest ${ref} arrived with digest ${digest}`);
    let mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    try {
      const declared = (JSON.parse(bytes.toString()) as { mediaType?: string }).mediaType;
      if (declared) mediaType = declared;
    } catch {
      throw new RegistryError(400, "MANIFEST_INVALID", `manifest ${ref} is not JSON`);
    }
    if (!INDEX_TYPES.includes(mediaType) && !MANIFEST_TYPES.includes(mediaType)) {
      throw new RegistryError(415, "UNSUPPORTED", `manifest ${ref} has unsupported media type "${mediaType}"`);
    }
    return { bytes, mediaType, digest };
  }

  /** The digest a tag points at now, without downloading the manifest (HEAD). */
  async headManifest(repo: string, ref: string): Promise<Digest | null> {
    const res = await this.request("HEAD", `/v2/${repo}/manifests/${ref}`, { repo, actions: ["pull"], headers: { accept: MANIFEST_ACCEPT } });
    if (res.status === 404) return null;
    if (!res.ok) throw await this.failure(res, `manifest for ${this.endpoint.host}/${repo}:${ref}`);
    const d = res.headers.get("docker-content-digest");
    return d && /^sha256:[a-f0-9]{64}$/.test(d) ? (d as Digest) : null;
  }

  /**
   * A blob's bytes. Redirects are followed by hand so credentials stay with the registry; a
   * dropped connection resumes with a Range request from the last byte received.
   */
  async *blob(repo: string, digest: Digest, size: number): AsyncGenerator<Buffer> {
    let received = 0;
    for (let attempt = 0; ; attempt++) {
      const range: Record<string, string> = received > 0 ? { range: `bytes=${received}-` } : {};
      try {
        let res = await this.request("GET", `/v2/${repo}/blobs/${digest}`, { repo, actions: ["pull"], headers: range, redirect: "manual" });
        if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
          const location = new URL(res.headers.get("location")!, `${this.endpoint.baseUrl}/v2/${repo}/blobs/${digest}`);
          res = await this.fetchImpl(location, { headers: range });
        }
        if (!res.ok) throw await this.failure(res, `blob ${digest} of ${repo}`);
        if (received > 0 && res.status !== 206) throw new RegistryError(res.status, "RANGE_UNSUPPORTED", `blob ${digest}: the registry cannot resume a download`);
        for await (const chunk of Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (received > size) throw new RegistryError(400, "SIZE_INVALID", `blob ${digest} is larger than its descriptor's ${size} bytes`);
          yield chunk;
        }
        return;
      } catch (e) {
        // A dropped connection (while streaming, or when the retry meets a dead pooled socket)
        // is retried from the last byte received; registry errors are not.
        if (e instanceof RegistryError || attempt >= 4 || received >= size) throw e;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }

  async hasBlob(repo: string, digest: Digest): Promise<boolean> {
    const res = await this.request("HEAD", `/v2/${repo}/blobs/${digest}`, { repo, actions: ["pull", "push"] });
    if (res.status === 404) return false;
    if (!res.ok) throw await this.failure(res, `blob ${digest} of ${repo}`);
    return true;
  }

  /**
   * Uploads a blob: a cross-repository mount when `mountFrom` names a repository of this
   * registry that has it, else a monolithic PUT, or PATCH chunks for large blobs.
   */
  async uploadBlob(repo: string, digest: Digest, size: number, open: (start: number, end: number) => Readable, mountFrom?: string, chunkSize = 32 * 1024 * 1024): Promise<"mounted" | "uploaded"> {
    const o: RequestOptions = { repo, actions: ["pull", "push"], ...(mountFrom ? { extraScopes: [`repository:${mountFrom}:pull`] } : {}) };
    const startPath = mountFrom ? `/v2/${repo}/blobs/uploads/?mount=${digest}&from=${encodeURIComponent(mountFrom)}` : `/v2/${repo}/blobs/uploads/`;
    const start = await this.request("POST", startPath, o);
    if (start.status === 201) return "mounted";
    if (start.status !== 202) throw await this.failure(start, `starting an upload of ${digest} to ${repo}`);
    let location = new URL(start.headers.get("location") ?? "", `${this.endpoint.baseUrl}/v2/${repo}/blobs/uploads/`);
    if (size > chunkSize) {
      for (let offset = 0; offset < size; offset += chunkSize) {
        const end = Math.min(size, offset + chunkSize) - 1;
        const res = await this.request("PATCH", location.toString(), {
          ...o,
          headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${end}`, "content-length": String(end - offset + 1) },
          body: open(offset, end),
        });
        if (res.status !== 202) throw await this.failure(res, `uploading ${digest} to ${repo}`);
        location = new URL(res.headers.get("location") ?? location.toString(), location);
      }
      location.searchParams.set("digest", digest);
      const done = await this.request("PUT", location.toString(), { ...o, headers: { "content-length": "0" } });
      if (done.status !== 201) throw await this.failure(done, `finishing the upload of ${digest} to ${repo}`);
      return "uploaded";
    }
    location.searchParams.set("digest", digest);
    const res = await this.request("PUT", location.toString(), {
      ...o,
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
      body: open(0, size - 1),
    });
    if (res.status !== 201) throw await this.failure(res, `uploading ${digest} to ${repo}`);
    return "uploaded";
  }

  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const res = await this.request("PUT", `/v2/${repo}/manifests/${ref}`, { repo, actions: ["pull", "push"], headers: { "content-type": mediaType }, body: bytes });
    if (res.status !== 201) throw await this.failure(res, `pushing the manifest of ${repo}:${ref}`);
    return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  }
}
