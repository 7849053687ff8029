import { memo, useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { formatSize } from "../format/size.js";
import { useBuild, type StepView } from "../state/build-store.js";
import { StepLogView } from "./StepLogView.js";

/** A running step's time so far, ticking on its own so that only this text re-renders. */
function RunningFor({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, []);
  return <>{(Math.max(0, now - since) / 1000).toFixed(1)}s</>;
}

/** One step's row; memoised, and its output never re-renders it (the log view appends itself). */
const Step = memo(function Step({ s, maxMs, onJump }: { s: StepView; maxMs: number; onJump(line: number): void }) {
  const [open, setOpen] = useState(false);
  const hasLogs = useBuild((b) => b.logs.has(s.step));
  const badge = s.status === "failed" ? "FAILED" : s.status === "running" ? "RUNNING" : s.cache === "hit" ? "CACHED" : s.cache === "miss" ? "MISS" : "—";
  return (
    <li className={`step step-${s.status} cache-${s.cache ?? "pending"}`}>
      <div className="step-row">
        <span className="step-badge">{badge}</span>
        <button className="step-line" onClick={() => onJump(s.line)} aria-label={`Go to line ${s.line}`}>
          {s.line}
        </button>
        <span className="step-text" title={s.instruction}>
          {s.instruction}
        </span>
        <span className="step-size">{s.layer ? formatSize(s.layer.size) : ""}</span>
        <span className="step-time">{s.durationMs !== null ? `${(s.durationMs / 1000).toFixed(1)}s` : s.status === "running" ? <RunningFor since={s.startedAt} /> : ""}</span>
        {hasLogs && (
          <button className="step-logs-toggle" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={`${open ? "Hide" : "Show"} output of line ${s.line}`}>
            {open ? "▾" : "▸"} log
          </button>
        )}
      </div>
      <div className="step-bar" style={{ width: `${Math.max(1, ((s.durationMs ?? 0) / Math.max(maxMs, 1)) * 100)}%` }} />
      {s.reason && <div className="step-reason">← {s.reason}</div>}
      {open && <StepLogView step={s.step} line={s.line} />}
    </li>
  );
});

/** Steps grouped by stage in lanes, with cache badge, reason, duration bar, layer size and logs. */
export function BuildTimeline({ onJump, onOpenImage }: { onJump(line: number): void; onOpenImage(id: string): void }) {
  const { status, stages, steps, durationMs, error, imageId, viewers, connected } = useBuild(
    useShallow((b) => ({ status: b.status, stages: b.stages, steps: b.steps, durationMs: b.durationMs, error: b.error, imageId: b.imageId, viewers: b.viewers, connected: b.connected })),
  );
  const list = [...steps.values()];
  const maxMs = Math.max(0, ...list.map((s) => s.durationMs ?? 0));
  const hits = list.filter((s) => s.cache === "hit").length;
  const misses = list.filter((s) => s.cache === "miss").length;
  const bytes = list.reduce((n, s) => n + (s.layer && s.cache === "miss" ? s.layer.size : 0), 0);
  return (
    <div className="timeline" aria-label="Build timeline">
      <div className="timeline-summary">
        <span className={`build-status status-${status}`}>{status}</span>
        {durationMs !== null && <span>{(durationMs / 1000).toFixed(1)}s</span>}
        <span>
          {hits} cached · {misses} built · {formatSize(bytes)} new
        </span>
        <span title="People watching this build">{viewers} viewing</span>
        {!connected && <span className="offline">reconnecting…</span>}
      </div>
      {error && (
        <div className="build-error" role="alert">
          {error.line !== null && (
            <button onClick={() => onJump(error.line!)} aria-label={`Go to failing line ${error.line}`}>
              line {error.line}
            </button>
          )}{" "}
          <pre>{error.message}</pre>
        </div>
      )}
      {imageId && (
        <div className="image-id">
          image {imageId.slice(7, 19)}{" "}
          <button onClick={() => onOpenImage(imageId)} aria-label="Open the built image">
            Open image
          </button>
        </div>
      )}
      {stages.map((stage) => (
        <section key={stage.index} className="lane" aria-label={`Stage ${stage.label}`}>
          <h3>{stage.label}</h3>
          <ul>
            {list
              .filter((s) => s.stage === stage.index)
              .map((s) => (
                <Step key={s.step} s={s} maxMs={maxMs} onJump={onJump} />
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
