import { memo } from "react";
import type { Diagnostic } from "@layerlab/core";

interface Props {
  diagnostics: Diagnostic[];
  onJump(line: number, column: number): void;
}

function DiagnosticsPanelView({ diagnostics, onJump }: Props) {
  if (diagnostics.length === 0) return <p className="empty">No problems found.</p>;
  return (
    <ul className="diagnostics" aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li key={i}>
          <button className={`diag diag-${d.severity}`} onClick={() => onJump(d.range.line, d.range.column)} aria-label={`${d.severity} on line ${d.range.line}: ${d.message}`}>
            <span className="diag-pos">{`${d.range.line}:${d.range.column}`}</span>
            <span className="diag-code">{d.code}</span>
            <span className="diag-msg">{d.message}</span>
            {d.hint && <span className="diag-hint">{d.hint}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Memoised: the app re-renders whenever a build step starts or finishes. */
export const DiagnosticsPanel = memo(DiagnosticsPanelView);
