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

export const api = {
  image: (ref: string) => request<ImageDetail>("GET", `/api/images/${encodeURIComponent(ref)}`),
  layerFiles: (ref: string, layer: number, dir: string, view: "layer" | "merged") =>
    request<{ dir: string; total: number; entries: FileRow[] }>("GET", `/api/images/${encodeURIComponent(ref)}/layers/${layer}/files?dir=${encodeURIComponent(dir)}&view=${view}&limit=5000`),
  listFiles: () => request<{ entries: WorkspaceEntry[] }>("GET", "/api/workspace/files"),
  readFile: (path: string) => request<{ content: string }>("GET", `/api/workspace/file?path=${encodeURIComponent(path)}`),
  writeFile: (path: string, content: string) => request<{ path: string }>("PUT", "/api/workspace/file", { path, content }),
};
