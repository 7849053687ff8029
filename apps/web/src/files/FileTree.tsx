import { memo } from "react";
import type { WorkspaceEntry } from "../api/client.js";

interface Props {
  entries: WorkspaceEntry[];
  openPath: string | null;
  onOpen(path: string): void;
}

function FileTreeView({ entries, openPath, onOpen }: Props) {
  return (
    <nav className="files" aria-label="Workspace files">
      <ul>
        {entries.map((e) => {
          const depth = e.path.split("/").length - 1;
          const name = e.path.split("/").pop();
          return (
            <li key={e.path} style={{ paddingLeft: 8 + depth * 14 }}>
              {e.type === "file" ? (
                <button className={e.path === openPath ? "file open" : "file"} onClick={() => onOpen(e.path)} aria-current={e.path === openPath}>
                  {name}
                </button>
              ) : (
                <span className="dir">{name}/</span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** Memoised: the app re-renders whenever a build step starts or finishes. */
export const FileTree = memo(FileTreeView);
