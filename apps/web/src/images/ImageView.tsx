import { useEffect, useState } from "react";
import { api, type FileRow, type ImageDetail, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { EfficiencyPanel } from "./EfficiencyPanel.js";
import { FileViewer } from "./FileViewer.js";
import { HistoryTable } from "./HistoryTable.js";
import { ImageCompare } from "./ImageCompare.js";
import { SizeTreemap } from "./SizeTreemap.js";
import { VirtualFileList } from "./VirtualFileList.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";

type Tab = "layers" | "history" | "efficiency" | "compare";
const TABS: [Tab, string][] = [
  ["layers", "Layers & files"],
  ["history", "History"],
  ["efficiency", "Efficiency"],
  ["compare", "Compare"],
];

/**
 * An image, dive-style: its layers with the step that made each and both sizes; the files of a
 * layer (or of the whole image at that layer) with added/modified/deleted marks, filtered,
 * sorted, as a treemap, and viewable; its history; efficiency; and a comparison with another image.
 */
export function ImageView({ imageId, onClose }: { imageId: string; onClose(): void }) {
  const [image, setImage] = useState<ImageDetail | null>(null);
  const [tab, setTab] = useState<Tab>("layers");
  const [layer, setLayer] = useState(0);
  const [dir, setDir] = useState("");
  const [view, setView] = useState<"layer" | "merged">("layer");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<"name" | "size">("name");
  const [viewing, setViewing] = useState<FileRow | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .image(imageId)
      .then((i) => {
        setImage(i);
        setLayer(i.layers.length - 1);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [imageId]);

  const openDir = (path: string) => {
    setDir(path);
    setFilter("");
  };
  const query = { dir, view, q: filter, sort };
  const total = image?.layers.reduce((s, l) => s + (l.size ?? 0), 0) ?? 0;

  return (
    <div className="image-view" aria-label="Image explorer">
      <div className="image-head">
        <strong>Image {imageId.slice(7, 19)}</strong> {image?.tags.join(", ")}
        {image && (
          <span className="muted">
            {image.config.os}/{image.config.architecture} · {image.layers.length} layers · {formatSize(total)}
          </span>
        )}
        <nav className="tabs" aria-label="Image views">
          {TABS.map(([id, label]) => (
            <button key={id} className={tab === id ? "tab active" : "tab"} aria-current={tab === id ? "page" : undefined} onClick={() => setTab(id)}>
              {label}
            </button>
          ))}
        </nav>
        <button onClick={onClose} aria-label="Close the image explorer">
          Close
        </button>
      </div>
      <ErrorMessage error={error} />
      {tab === "history" && image && <HistoryTable rows={image.history} />}
      {tab === "efficiency" && <EfficiencyPanel imageId={imageId} />}
      {tab === "compare" && <ImageCompare imageId={imageId} />}
      {tab === "layers" && (
        <div className="layers-and-files">
          <ol className="layers" aria-label="Layers">
            {image?.layers.map((l) => (
              <li key={l.index}>
                <button
                  className={l.index === layer ? "layer selected" : "layer"}
                  onClick={() => {
                    setLayer(l.index);
                    setDir("");
                    setViewing(null);
                  }}
                  aria-label={`Layer ${l.index}: ${l.createdBy ?? "unknown step"}`}
                >
                  <span className="layer-size" title="uncompressed">{formatSize(l.size)}</span>
                  <span className="layer-size muted" title="compressed">{formatSize(l.compressedSize)}</span> <span className="layer-step">{l.createdBy ?? "(no history)"}</span>
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
            <input className="filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="filter names" aria-label="Filter files by name" />
            <select value={sort} onChange={(e) => setSort(e.target.value as "name" | "size")} aria-label="Sort files">
              <option value="name">by name</option>
              <option value="size">by size</option>
            </select>
            <span className="path">/{dir}</span>
            {dir !== "" && (
              <button onClick={() => openDir(dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "")} aria-label="Up one directory">
                ..
              </button>
            )}
          </div>
          {image && <SizeTreemap imageId={imageId} layer={layer} query={query} onOpenDir={openDir} />}
          {image && <VirtualFileList imageId={imageId} layer={layer} query={query} onOpenDir={openDir} onOpenFile={setViewing} onError={setError} />}
          {viewing && <FileViewer imageId={imageId} layer={layer} path={viewing.path} view={view} onClose={() => setViewing(null)} />}
        </div>
      )}
    </div>
  );
}
