import { useEffect, useState, memo } from "react";
import { api, type BuildRecord, errorText } from "../api/client.js";
import { compareBuilds, type StepComparison } from "../state/compare-builds.js";
import { ErrorMessage } from "./ErrorMessage.js";

const BADGE = { hit: "CACHED", miss: "MISS", none: "—" } as const;

/** Past builds with their settings and outcome; pick two to see which steps changed status and why. */
function BuildHistoryView({ refreshKey, onOpenImage }: { refreshKey: string; onOpenImage(id: string): void }) {
  const [builds, setBuilds] = useState<BuildRecord[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [rows, setRows] = useState<StepComparison[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(errorText(e));

  useEffect(() => {
    api
      .builds()
      .then((r) => setBuilds(r.builds.slice(0, 20)))
      .catch(fail);
  }, [refreshKey]);

  const toggle = (id: string) => {
    setRows(null);
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  };
  const compare = async () => {
    try {
      const [older, newer] = [...picked].sort((a, b) => (builds.find((x) => x.id === a)?.queuedAt ?? 0) - (builds.find((x) => x.id === b)?.queuedAt ?? 0));
      const [a, b] = await Promise.all([api.buildEvents(older!), api.buildEvents(newer!)]);
      setRows(compareBuilds(a.events, b.events));
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div className="build-history" aria-label="Build history">
      <ErrorMessage error={error} inline />
      <ul>
        {builds.map((b) => (
          <li key={b.id}>
            <label>
              <input type="checkbox" checked={picked.includes(b.id)} onChange={() => toggle(b.id)} aria-label={`Pick build ${b.id} to compare`} />
              <span className={`history-status status-${b.status}`}>{b.status}</span> {new Date(b.queuedAt).toLocaleTimeString()} · {b.settings.dockerfile}
              {b.settings.target ? ` → ${b.settings.target}` : ""}
            </label>
            {b.imageId && (
              <button className="link" onClick={() => onOpenImage(b.imageId!)} aria-label={`Open the image of build ${b.id}`}>
                image
              </button>
            )}
          </li>
        ))}
      </ul>
      <button onClick={() => void compare()} disabled={picked.length !== 2} aria-label="Compare the two picked builds">
        Compare builds
      </button>
      {rows && (
        <table className="list-table" aria-label="Build comparison">
          <thead>
            <tr>
              <th>Line</th>
              <th>Instruction</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.line}:${r.instruction}`} className={r.changed ? "changed" : ""}>
                <td>{r.line}</td>
                <td className="mono history-cmd" title={r.reason ?? undefined}>
                  {r.instruction}
                  {r.reason && <div className="step-reason">{r.reason}</div>}
                </td>
                <td>{r.before ? BADGE[r.before] : "—"}</td>
                <td>{r.after ? BADGE[r.after] : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Memoised: the app re-renders whenever a build step starts or finishes. */
export const BuildHistory = memo(BuildHistoryView);
