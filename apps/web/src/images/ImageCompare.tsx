import { useEffect, useState } from "react";
import { api, type ImageDiff, type ImageRow, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";

const signed = (n: number) => `${n >= 0 ? "+" : "−"}${formatSize(Math.abs(n))}`;

/** This image against another: shared layers, then every path added, modified or deleted. */
export function ImageCompare({ imageId }: { imageId: string }) {
  const [images, setImages] = useState<ImageRow[]>([]);
  const [other, setOther] = useState("");
  const [diff, setDiff] = useState<ImageDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .images()
      .then((r) => setImages(r.images.filter((i) => i.id !== imageId)))
      .catch((e: unknown) => setError(errorText(e)));
  }, [imageId]);
  useEffect(() => {
    if (other === "") return;
    setDiff(null);
    api
      .imageDiff(other, imageId)
      .then(setDiff)
      .catch((e: unknown) => setError(errorText(e)));
  }, [other, imageId]);
  return (
    <div className="compare" aria-label="Compare images">
      <label>
        Compare with{" "}
        <select value={other} onChange={(e) => setOther(e.target.value)} aria-label="Image to compare with">
          <option value="">choose an image…</option>
          {images.map((i) => (
            <option key={i.id} value={i.id}>
              {i.tags[0] ?? i.id.slice(7, 19)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} inline />
      {diff && (
        <>
          <p className="muted" aria-label="Comparison summary">
            {diff.sharedLayers} shared layers · {diff.added} added · {diff.modified} modified · {diff.deleted} deleted · {signed(diff.sizeDelta)}
          </p>
          <table className="list-table" aria-label="Changed paths">
            <tbody>
              {diff.changes.map((c) => (
                <tr key={c.path} className={`change-${c.kind}`}>
                  <td className="file-change">{c.kind}</td>
                  <td className="mono">/{c.path}</td>
                  <td>{c.type === "file" ? signed(c.delta) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {diff.totalChanges > diff.changes.length && <p className="muted">and {diff.totalChanges - diff.changes.length} more</p>}
        </>
      )}
    </div>
  );
}
