import { useEffect, useState } from "react";
import { api, type FileContent, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";

/** A file's first bytes from the layer that wrote it: text as is, anything else as a hex dump. */
export function FileViewer({ imageId, layer, path, view, onClose }: { imageId: string; layer: number; path: string; view: "layer" | "merged"; onClose(): void }) {
  const [file, setFile] = useState<FileContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFile(null);
    setError(null);
    api
      .fileContent(imageId, layer, path, view)
      .then(setFile)
      .catch((e: unknown) => setError(errorText(e)));
  }, [imageId, layer, path, view]);
  return (
    <div className="file-viewer" aria-label="File viewer">
      <div className="file-viewer-head">
        <strong>/{path}</strong>
        {file && (
          <span className="muted">
            {formatSize(file.size)} · from layer {file.layer} · {file.encoding}
            {file.truncated ? ` · first ${formatSize(file.shownBytes)}` : ""}
          </span>
        )}
        <button onClick={onClose} aria-label="Close the file viewer">
          Close
        </button>
      </div>
      <ErrorMessage error={error} inline />
      {file && <pre className="file-content">{file.content}</pre>}
    </div>
  );
}
