import { useCallback, useEffect, useState } from "react";
import { api, type DiskUsage, type ImageRow, errorText, thenRefresh } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";


/** The store's images with open, run and remove, and what the store uses on disk. */
export function ImagesPage({ onOpen, onRun }: { onOpen(id: string): void; onRun(containerId: string): void }) {
  const [images, setImages] = useState<ImageRow[]>([]);
  const [usage, setUsage] = useState<DiskUsage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [remote, setRemote] = useState("");

  const refresh = useCallback(async () => {
    try {
      const [list, df] = await Promise.all([api.images(), api.diskUsage()]);
      setImages(list.images);
      setUsage(df);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const act = thenRefresh(refresh, setError);

  return (
    <div className="page images-page" aria-label="Images">
      <ErrorMessage error={error} />
      <div className="image-actions">
        <input value={remote} onChange={(e) => setRemote(e.target.value)} placeholder="registry/name:tag" aria-label="Image reference to pull or push" />
        <button
          onClick={() =>
            void act(async () => {
              let blobs = 0;
              await api.pull(remote.trim(), (p) => {
                if (p.kind === "blob" && p.current === p.total) blobs++;
                setProgress(p.type === "done" ? `pulled ${remote}` : `pulling ${remote}: ${p.kind === "resolved" ? `resolved from ${String(p.source)}` : `${blobs} blobs`}`);
              });
            })
          }
          disabled={remote.trim() === ""}
          aria-label="Pull the image"
        >
          Pull
        </button>
        <button
          onClick={() =>
            void act(async () => {
              let blobs = 0;
              await api.push(remote.trim(), (p) => {
                if (p.type === "progress") blobs++;
                setProgress(p.type === "done" ? `pushed ${remote} (${String(p.digest).slice(0, 19)})` : `pushing ${remote}: ${blobs} blobs`);
              });
            })
          }
          disabled={remote.trim() === ""}
          aria-label="Push the image"
        >
          Push
        </button>
        <label className="upload">
          Load archive…
          <input
            type="file"
            accept=".tar,application/x-tar"
            aria-label="Load an image archive"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void act(async () => setProgress(`loaded ${(await api.loadArchive(file)).loaded.map((l) => l.tags.join(", ") || l.id.slice(7, 19)).join("; ")}`));
              e.target.value = "";
            }}
          />
        </label>
        {progress && (
          <span className="muted" role="status" aria-label="Transfer progress">
            {progress}
          </span>
        )}
      </div>
      {usage && (
        <p className="usage" aria-label="Disk usage">
          {usage.images.total} images, {formatSize(usage.images.size)} ({formatSize(usage.shared)} shared) · {usage.containers.total} containers, {formatSize(usage.containers.size)} of changes · build cache {formatSize(usage.buildCache.size)} · reclaimable {formatSize(usage.images.reclaimable + usage.containers.reclaimable + usage.buildCache.reclaimable)}
          <button onClick={() => void act(() => api.pruneImages(false))} aria-label="Remove dangling images">
            Prune dangling
          </button>
        </p>
      )}
      <table className="list-table" aria-label="Image list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Image ID</th>
            <th>Created</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {images.map((i) => {
            const name = i.tags[0] ?? "<none>";
            return (
              <tr key={i.id}>
                <td>{i.tags.join(", ") || "<none>"}</td>
                <td className="mono">{i.id.slice(7, 19)}</td>
                <td>{i.created ? new Date(i.created).toLocaleString() : ""}</td>
                <td>{formatSize(i.size)}</td>
                <td className="actions">
                  <button
                    onClick={() => {
                      const tag = window.prompt(`New name for ${name}`, name);
                      if (tag) void act(() => api.tagImage(i.id, tag));
                    }}
                    aria-label={`Tag image ${name}`}
                  >
                    Tag
                  </button>
                  <button onClick={() => onOpen(i.id)} aria-label={`Open image ${name}`}>
                    Open
                  </button>
                  <button onClick={() => void act(async () => onRun((await api.runContainer(i.tags[0] ?? i.id)).id))} aria-label={`Run image ${name}`}>
                    Run
                  </button>
                  <button onClick={() => void act(() => api.removeImage(i.tags[0] ?? i.id))} aria-label={`Remove image ${name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
