import { useEffect, useState } from "react";
import { api, type Efficiency, errorText } from "../api/client.js";
import { formatSize } from "../format/size.js";
import { ErrorMessage } from "../panels/ErrorMessage.js";

/** dive's efficiency score and wasted space, the bytes squashing would reclaim, and the files to blame. */
export function EfficiencyPanel({ imageId }: { imageId: string }) {
  const [e, setE] = useState<Efficiency | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .efficiency(imageId)
      .then(setE)
      .catch((x: unknown) => setError(errorText(x)));
  }, [imageId]);
  if (error) return <ErrorMessage error={error} inline />;
  if (!e) return <p className="empty">Computing…</p>;
  return (
    <div className="efficiency" aria-label="Efficiency">
      <dl className="figures">
        <dt>Efficiency</dt>
        <dd aria-label="Efficiency score">{Math.floor(e.score * 100)}%</dd>
        <dt>Potential wasted space (dive)</dt>
        <dd>{formatSize(e.wastedBytes)}</dd>
        <dt>Reclaimable by squashing</dt>
        <dd aria-label="Reclaimable bytes">{formatSize(e.reclaimableBytes)}</dd>
        <dt>Wasted, of what the layers above the base add</dt>
        <dd>{(e.wastedUserPercent * 100).toFixed(1)}%</dd>
      </dl>
      {e.inefficiencies.length === 0 ? (
        <p className="empty">No file is stored more than once.</p>
      ) : (
        <table className="list-table" aria-label="Files stored more than once">
          <thead>
            <tr>
              <th>Count</th>
              <th>Total space</th>
              <th>Path</th>
            </tr>
          </thead>
          <tbody>
            {e.inefficiencies.map((i) => (
              <tr key={i.path}>
                <td>{i.count}</td>
                <td>{formatSize(i.cumulative)}</td>
                <td className="mono">/{i.path}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {e.inefficientPaths > e.inefficiencies.length && <p className="muted">and {e.inefficientPaths - e.inefficiencies.length} more</p>}
    </div>
  );
}
