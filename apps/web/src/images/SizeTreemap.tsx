import { useEffect, useState } from "react";
import { api, type FileRow, type FilesQuery, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { squarify } from "./squarify.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";

const W = 640;
const H = 220;

/** Where a directory's bytes go: its largest entries as a treemap; a directory tile opens it. */
export function SizeTreemap({ imageId, layer, query, onOpenDir }: { imageId: string; layer: number; query: FilesQuery; onOpenDir(path: string): void }) {
  const [rows, setRows] = useState<FileRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    api
      .layerFiles(imageId, layer, { ...query, sort: "size" }, 0, 60)
      .then((r) => setRows(r.entries.filter((e) => e.change !== "deleted")))
      .catch((e: unknown) => {
        setRows([]);
        setError(errorText(e));
      });
  }, [imageId, layer, query.dir, query.view, query.q]);
  if (error) return <ErrorMessage error={error} inline />;
  const tiles = squarify(rows, (r) => r.size, W, H);
  if (tiles.length === 0) return <p className="empty">Nothing here takes space.</p>;
  return (
    <svg className="treemap" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Sizes in /${query.dir}`}>
      {tiles.map(({ item, x, y, w, h }) => (
        <g key={item.path} className={`tile change-${item.change}`} onClick={() => item.type === "dir" && onOpenDir(item.path)} role={item.type === "dir" ? "button" : undefined} aria-label={item.type === "dir" ? `Open directory ${item.path} (${formatSize(item.size)})` : undefined}>
          <rect x={x} y={y} width={Math.max(0, w - 1)} height={Math.max(0, h - 1)} />
          {w > 60 && h > 16 && (
            <text x={x + 4} y={y + 13}>
              {item.name}
              {item.type === "dir" ? "/" : ""} {formatSize(item.size)}
            </text>
          )}
          <title>{`/${item.path} ${formatSize(item.size)}`}</title>
        </g>
      ))}
    </svg>
  );
}
