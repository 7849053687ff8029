import { create } from "zustand";
import { api, ApiError, type WorkspaceEntry } from "../api/client.js";

interface WorkspaceState {
  entries: WorkspaceEntry[];
  openPath: string | null;
  /** Text in the editor; `saved` is what the server has. */
  text: string;
  saved: string;
  error: string | null;
  loadFiles(): Promise<void>;
  open(path: string): Promise<void>;
  edit(text: string): void;
  save(): Promise<void>;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  entries: [],
  openPath: null,
  text: "",
  saved: "",
  error: null,
  async loadFiles() {
    try {
      const { entries } = await api.listFiles();
      set({ entries, error: null });
      if (get().openPath === null) {
        const first = entries.find((e) => e.path === "Dockerfile") ?? entries.find((e) => e.type === "file");
        if (first) await get().open(first.path);
      }
    } catch (e) {
      set({ error: message(e) });
    }
  },
  async open(path) {
    try {
      const { content } = await api.readFile(path);
      set({ openPath: path, text: content, saved: content, error: null });
    } catch (e) {
      set({ error: message(e) });
    }
  },
  edit(text) {
    set({ text });
  },
  async save() {
    const { openPath, text } = get();
    if (openPath === null) return;
    try {
      await api.writeFile(openPath, text);
      set({ saved: text, error: null });
    } catch (e) {
      set({ error: message(e) });
    }
  },
}));

/** A file is edited as a Dockerfile when its name says so (Dockerfile, x.Dockerfile, Dockerfile.dev). */
export function isDockerfile(path: string | null): boolean {
  if (path === null) return false;
  const name = path.split("/").pop() ?? "";
  return /^dockerfile(\..+)?$/i.test(name) || /\.dockerfile$/i.test(name) || /^containerfile$/i.test(name);
}
