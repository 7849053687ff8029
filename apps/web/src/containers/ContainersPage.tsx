import { useCallback, useEffect, useState } from "react";
import { api, type ContainerChange, type ContainerRow, errorText, thenRefresh } from "../api/client.js";
import { ChangesTree } from "./ChangesTree.js";
import { ContainerTerminal } from "./ContainerTerminal.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";


/** Containers: their state, a terminal into a running one, its changes, and commit to an image. */
export function ContainersPage({ selected, onSelect, onOpenImage, theme }: { selected: string | null; onSelect(id: string | null): void; onOpenImage(id: string): void; theme: "dark" | "light" }) {
  const [containers, setContainers] = useState<ContainerRow[]>([]);
  const [changes, setChanges] = useState<ContainerChange[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState("");
  const [commitMessage, setCommitMessage] = useState("");

  const refresh = useCallback(async () => {
    try {
      setContainers((await api.containers()).containers);
      if (selected) setChanges((await api.containerChanges(selected)).changes);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, [selected]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = thenRefresh(refresh, setError);
  const current = containers.find((c) => c.id === selected) ?? null;

  return (
    <div className="page containers-page" aria-label="Containers">
      <ErrorMessage error={error} />
      <table className="list-table" aria-label="Container list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Image</th>
            <th>Command</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {containers.map((c) => (
            <tr key={c.id} className={c.id === selected ? "selected" : ""}>
              <td>
                <button className="link" onClick={() => onSelect(c.id)} aria-label={`Open container ${c.name}`}>
                  {c.name}
                </button>
              </td>
              <td>{c.imageRef}</td>
              <td className="mono">{c.command.join(" ")}</td>
              <td>{c.status}</td>
              <td className="actions">
                {c.state.status === "running" ? (
                  <button onClick={() => void act(() => api.stopContainer(c.id))} aria-label={`Stop ${c.name}`}>
                    Stop
                  </button>
                ) : (
                  <button onClick={() => void act(() => api.startContainer(c.id))} aria-label={`Start ${c.name}`}>
                    Start
                  </button>
                )}
                <button
                  onClick={() =>
                    void act(async () => {
                      await api.removeContainer(c.id);
                      if (selected === c.id) onSelect(null);
                    })
                  }
                  aria-label={`Remove ${c.name}`}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {containers.length === 0 && <p className="empty">No containers. Run one from the Images page.</p>}
      {current && (
        <div className="container-detail">
          <section>
            <h2>Terminal · {current.name}</h2>
            {current.state.status === "running" ? <ContainerTerminal containerId={current.id} theme={theme} /> : <p className="empty">Start the container to open a shell in it.</p>}
          </section>
          <section>
            <h2>Changes</h2>
            <button onClick={() => void refresh()} aria-label="Refresh changes">
              Refresh
            </button>
            <ChangesTree changes={changes} />
            <h2>Commit</h2>
            <form
              className="commit-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act(async () => onOpenImage((await api.commitContainer(current.id, tag.trim(), commitMessage.trim())).id));
              }}
            >
              <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="name:tag (optional)" aria-label="New image name" />
              <input value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} placeholder="message" aria-label="Commit message" />
              <button className="primary" type="submit" aria-label="Commit the container as an image">
                Commit
              </button>
            </form>
          </section>
        </div>
      )}
    </div>
  );
}
