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

export const api = {
  listFiles: () => request<{ entries: WorkspaceEntry[] }>("GET", "/api/workspace/files"),
  readFile: (path: string) => request<{ content: string }>("GET", `/api/workspace/file?path=${encodeURIComponent(path)}`),
  writeFile: (path: string, content: string) => request<{ path: string }>("PUT", "/api/workspace/file", { path, content }),
};
