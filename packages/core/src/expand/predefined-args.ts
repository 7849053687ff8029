/** Proxy build args usable in RUN without declaring them; never keyed or recorded unless declared. */
export const PROXY_ARGS = new Set(
  ["HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"].flatMap((n) => [n, n.toLowerCase()]),
);

/** BuildKit's built-in build args: they configure the builder and never need declaring. */
export const BUILDKIT_BUILTIN_ARGS = new Set([
  "BUILDKIT_INLINE_CACHE",
  "BUILDKIT_CACHE_MOUNT_NS",
  "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
  "BUILDKIT_MULTI_PLATFORM",
  "BUILDKIT_SANDBOX_HOSTNAME",
  "BUILDKIT_SYNTAX",
  "BUILDKIT_BUILD_NAME",
  "BUILDKIT_DOCKERFILE_CHECK",
  "SOURCE_DATE_EPOCH",
]);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

export function parsePlatform(text: string): Platform | null {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) return null;
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
}

/** TARGET* and BUILD* args, defined automatically in the global scope. */
export function platformArgs(target: Platform, build: Platform): Map<string, string> {
  return new Map([
    ["TARGETPLATFORM", formatPlatform(target)],
    ["TARGETOS", target.os],
    ["TARGETARCH", target.architecture],
    ["TARGETVARIANT", target.variant ?? ""],
    ["BUILDPLATFORM", formatPlatform(build)],
    ["BUILDOS", build.os],
    ["BUILDARCH", build.architecture],
    ["BUILDVARIANT", build.variant ?? ""],
  ]);
}

/** Names FROM may use without declaring them (they may carry no value here). */
export const FROM_PREDEFINED_NAMES = new Set([
  "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "TARGETOSVERSION", "TARGETSTAGE",
  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "BUILDOSVERSION",
]);

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };
