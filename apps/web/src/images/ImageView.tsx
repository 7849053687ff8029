import { useEffect, useState } from "react";
import { formatSize } from "../format/size.js";
import { api, ApiError, type FileRow, type ImageDetail } from "../api/client.js";

/** An image's layers (with the step that made each) and the files of the selected layer, dive-style. */
export function ImageView({ imageId, onClose }: { imageId: string; onClose(): void }) {
  const [image, setImage] = useState<ImageDetail | null>(null);
  const [layer, setLayer] = useState(0);
  const [dir, setDir] = useState("");
  const [view, setView] = useState<"layer" | "merged">("layer");
  const [files, setFiles] = useState<FileRow[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .image(imageId)
      .then((i) => {
        setImage(i);
        setLayer(i.layers.length - 1);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [imageId]);

  useEffect(() => {
    if (image === null) return;
    api
      .layerFiles(imageId, layer, dir, view)
      .then((r) => setFiles(r.entries))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [image, imageId, layer, dir, view]);

  return (
    <div className="image-view" aria-label="Image explorer">
      <div className="image-head">
        <strong>Image {imageId.slice(7, 19)}</strong> {image?.tags.join(", ")}
        <button onClick={onClose} aria-label="Close the image explorer">
          Close
        </button>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <ol className="layers" aria-label="Layers">
        {image?.layers.map((l) => (
          <li key={l.index}>
            <button
              className={l.index === layer ? "layer selected" : "layer"}
              onClick={() => {
                setLayer(l.index);
                setDir("");
              }}
              aria-label={`Layer ${l.index}: ${l.createdBy ?? "unknown step"}`}
            >
              <span className="layer-size">{formatSize(l.size)}</span> <span className="layer-step">{l.createdBy ?? "(no history)"}</span>
            </button>
          </li>
        ))}
      </ol>
      <div className="files-head">
        <label>
          <input type="radio" checked={view === "layer"} onChange={() => setView("layer")} /> this layer only
        </label>
        <label>
          <input type="radio" checked={view === "merged"} onChange={() => setView("merged")} /> whole image at this layer
        </label>
        <span className="path">/{dir}</span>
        {dir !== "" && (
          <button onClick={() => setDir(dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "")} aria-label="Up one directory">
            ..
          </button>
        )}
      </div>
      <table className="file-table" aria-label="Files">
        <tbody>
          {files.map((f) => (
            <tr key={f.path} className={`change-${f.change}`}>
              <td className="file-change">{f.change === "unchanged" ? "" : f.change}</td>
              <td className="file-name">
                {f.type === "dir" ? (
                  <button onClick={() => setDir(f.path)} aria-label={`Open directory ${f.path}`}>
                    {f.name}/
                  </button>
                ) : (
                  <span>
                    {f.name}
                    {f.linkname ? ` → ${f.linkname}` : ""}
                  </span>
                )}
              </td>
              <td className="file-size">{f.type === "file" ? formatSize(f.size) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
