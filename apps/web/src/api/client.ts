import type { BuildEvent, Efficiency as CoreEfficiency, HistoryRow, ImageDiff as CoreImageDiff } from "@layerlab/core";

export type { HistoryRow };
/** An error the server reported, with its code and message, for showing where it belongs. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What to show for a failed call: the server's message, or the error itself. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

/** Runs a user's action on a page, then reloads the page's data; a failure goes to `onError`. */
export function thenRefresh(refresh: () => Promise<void>, onError: (message: string) => void): (action: () => Promise<unknown>) => Promise<void> {
  return async (action) => {
    try {
      await action();
      await refresh();
    } catch (e) {
      onError(errorText(e));
    }
  };
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "unreachable", "the Layerlab server is not reachable; is `layerlab serve` still running?");
  }
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? "http", data?.error?.message ?? `HTTP ${res.status}`);
  return data as T;
}

export interface WorkspaceEntry {
  path: string;
  type: "file" | "dir" | "symlink";
  size: number;
}

export interface LayerSummary {
  index: number;
  digest: string;
  size: number | null;
  compressedSize: number;
  createdBy: string | null;
}


export interface ImageDetail {
  id: string;
  tags: string[];
  layers: LayerSummary[];
  history: HistoryRow[];
  config: { architecture: string; os: string; created?: string };
}

/** dive's figures for an image, and how many paths are stored more than once in all. */
export type Efficiency = CoreEfficiency & { inefficientPaths: number };

export interface FileContent {
  path: string;
  layer: number;
  size: number;
  encoding: "text" | "hex";
  truncated: boolean;
  shownBytes: number;
  content: string;
}

/** The diff of two images as the server sends it: the first changes, and how many there are. */
export type ImageDiff = CoreImageDiff & { from: string; to: string; totalChanges: number };

export interface FilesQuery {
  dir: string;
  view: "layer" | "merged";
  q: string;
  sort: "name" | "size";
}

export interface FileRow {
  name: string;
  path: string;
  type: string;
  size: number;
  mode: number;
  linkname: string | null;
  change: "added" | "modified" | "deleted" | "unchanged";
}

export interface ImageRow {
  id: string;
  tags: string[];
  created: string | null;
  size: number;
}

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  imageRef: string;
  command: string[];
  created: string;
  status: string;
  tty: boolean;
  state: { status: "created" | "running" | "exited"; exitCode: number | null; error: string | null };
}

export interface ContainerChange {
  kind: "A" | "C" | "D";
  path: string;
}

export interface DiskUsage {
  images: { total: number; active: number; size: number; reclaimable: number };
  shared: number;
  unique: number;
  buildCache: { total: number; size: number; reclaimable: number };
  containers: { total: number; running: number; size: number; reclaimable: number };
}

const ref = (r: string) => encodeURIComponent(r);

export interface BuildRecord {
  id: string;
  settings: { dockerfile: string; target?: string; buildArgs?: Record<string, string>; noCache?: boolean };
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "interrupted";
  queuedAt: number;
  finishedAt: number | null;
  imageId: string | null;
  error: string | null;
}

/** Reads an NDJSON response line by line (pull and push progress), then its `done` or `error` line. */
async function streamLines(path: string, body: unknown, onLine: (line: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
  const res = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok || res.body === null) {
    const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, data?.error?.code ?? "http", data?.error?.message ?? `HTTP ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last: Record<string, unknown> = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const l of lines.filter(Boolean)) {
      last = JSON.parse(l) as Record<string, unknown>;
      onLine(last);
    }
  }
  if (last.type === "error") {
    const e = last.error as { code: string; message: string };
    throw new ApiError(502, e.code, e.message);
  }
  return last;
}

async function upload<T>(path: string, file: Blob): Promise<T> {
  const res = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/x-tar" }, body: file });
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? "http", data?.error?.message ?? `HTTP ${res.status}`);
  return data as T;
}

export const api = {
  pull: (r: string, onProgress: (p: Record<string, unknown>) => void) => streamLines("/api/registry/pull", { ref: r }, onProgress),
  push: (r: string, onProgress: (p: Record<string, unknown>) => void) => streamLines("/api/registry/push", { ref: r }, onProgress),
  loadArchive: (file: Blob) => upload<{ loaded: { id: string; tags: string[] }[] }>("/api/archive/load", file),
  builds: () => request<{ builds: BuildRecord[] }>("GET", "/api/builds"),
  buildEvents: (id: string) => request<{ events: BuildEvent[] }>("GET", `/api/builds/${encodeURIComponent(id)}/events`),
  images: () => request<{ images: ImageRow[] }>("GET", "/api/images"),
  removeImage: (r: string, force = false) => request<{ untagged: string[]; deleted: string[] }>("DELETE", `/api/images/${ref(r)}?force=${force}`),
  tagImage: (r: string, tag: string) => request<{ tag: string }>("POST", `/api/images/${ref(r)}/tag`, { tag }),
  pruneImages: (all: boolean) => request<{ deleted: string[]; reclaimed: number }>("POST", "/api/images/prune", { all }),
  diskUsage: () => request<DiskUsage>("GET", "/api/system/df"),
  containers: () => request<{ containers: ContainerRow[] }>("GET", "/api/containers"),
  runContainer: (image: string) => request<ContainerRow>("POST", "/api/containers", { image, tty: true }),
  startContainer: (id: string) => request<ContainerRow>("POST", `/api/containers/${ref(id)}/start`),
  stopContainer: (id: string) => request<ContainerRow>("POST", `/api/containers/${ref(id)}/stop`, { timeout: 5 }),
  removeContainer: (id: string) => request<{ removed: string }>("DELETE", `/api/containers/${ref(id)}?force=true`),
  containerChanges: (id: string) => request<{ changes: ContainerChange[] }>("GET", `/api/containers/${ref(id)}/diff`),
  commitContainer: (id: string, tag: string, message: string) => request<{ id: string; tag: string | null }>("POST", `/api/containers/${ref(id)}/commit`, { ...(tag ? { tag } : {}), ...(message ? { message } : {}) }),
  image: (ref: string) => request<ImageDetail>("GET", `/api/images/${encodeURIComponent(ref)}`),
  layerFiles: (r: string, layer: number, f: FilesQuery, offset: number, limit: number) =>
    request<{ dir: string; total: number; entries: FileRow[] }>(
      "GET",
      `/api/images/${ref(r)}/layers/${layer}/files?dir=${encodeURIComponent(f.dir)}&view=${f.view}&q=${encodeURIComponent(f.q)}&sort=${f.sort}&offset=${offset}&limit=${limit}`,
    ),
  fileContent: (r: string, layer: number, path: string, view: "layer" | "merged") => request<FileContent>("GET", `/api/images/${ref(r)}/layers/${layer}/content?path=${encodeURIComponent(path)}&view=${view}`),
  efficiency: (r: string) => request<Efficiency>("GET", `/api/images/${ref(r)}/efficiency?limit=50`),
  imageDiff: (from: string, to: string) => request<ImageDiff>("GET", `/api/images/${ref(from)}/diff?to=${ref(to)}&limit=2000`),
  listFiles: () => request<{ entries: WorkspaceEntry[] }>("GET", "/api/workspace/files"),
  readFile: (path: string) => request<{ content: string }>("GET", `/api/workspace/file?path=${encodeURIComponent(path)}`),
  writeFile: (path: string, content: string) => request<{ path: string }>("PUT", "/api/workspace/file", { path, content }),
};
