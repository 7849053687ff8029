import type { HistoryRow } from "../api/client.js";
import { formatSize } from "../format/size.js";

/** Every step of the image, newest first, empty ones included, like `docker history`. */
export function HistoryTable({ rows }: { rows: HistoryRow[] }) {
  return (
    <table className="list-table" aria-label="History">
      <thead>
        <tr>
          <th>Created</th>
          <th>Created by</th>
          <th>Size</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className={r.emptyLayer ? "empty-layer" : ""}>
            <td>{r.created ? new Date(r.created).toLocaleString() : ""}</td>
            <td className="mono history-cmd">{r.createdBy}</td>
            <td>{formatSize(r.size)}</td>
            <td>{r.comment}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
