/** A parsed image reference such as `ghcr.io/org/app:1.2@sha256:...`. */
export interface ImageReference {
  /** Registry host, `docker.io` when none is written. */
  domain: string;
  /** Repository path, with `library/` added for Docker Hub official images. */
  path: string;
  tag: string | null;
  digest: string | null;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export const DOCKER_HUB = "docker.io";

/**
 * Parses a reference with Docker's grammar and normalisation: the first path component is a
 * registry only if it contains `.` or `:` or is `localhost`. Returns null when invalid.
 */
export function parseImageReference(text: string): ImageReference | null {
  if (text.length === 0 || text.length > 255 + 128 + 80) return null;
  const m = REFERENCE.exec(text);
  if (!m) return null;
  let domain = m[1];
  let path = m[2]!;
  if (domain !== undefined && !/[.:]/.test(domain) && domain !== "localhost") {
    if (domain !== domain.toLowerCase()) return null;
    path = `${domain}/${path}`;
    domain = undefined;
  }
  domain ??= DOCKER_HUB;
  if (domain === "index.docker.io") domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  if (path.length > 255) return null;
  return { domain, path, tag: m[3] ?? null, digest: m[4] ?? null };
}

/** The canonical string: `docker.io/library/busybox:latest` for `busybox`. */
export function formatReference(ref: ImageReference, defaultTag = true): string {
  const tag = ref.tag ?? (ref.digest === null && defaultTag ? "latest" : null);
  return `${ref.domain}/${ref.path}${tag !== null ? `:${tag}` : ""}${ref.digest !== null ? `@${ref.digest}` : ""}`;
}

/** The short form Docker prints: `busybox:latest`, `ghcr.io/org/app:1`. */
export function familiarName(ref: ImageReference): string {
  const path = ref.domain === DOCKER_HUB && ref.path.startsWith("library/") ? ref.path.slice(8) : ref.path;
  const repo = ref.domain === DOCKER_HUB ? path : `${ref.domain}/${path}`;
  return `${repo}${ref.tag !== null ? `:${ref.tag}` : ""}${ref.digest !== null ? `@${ref.digest}` : ""}`;
}
