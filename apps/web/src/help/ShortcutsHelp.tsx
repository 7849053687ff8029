import { useEffect, useRef } from "react";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl/⌘ + Enter", "Build the open Dockerfile"],
  ["Ctrl/⌘ + S", "Save the open file"],
  ["Ctrl + Space", "Complete instructions, flags, stages, images, variables"],
  ["Ctrl/⌘ + .", "Quick fix for the problem under the cursor"],
  ["F1", "Editor command palette"],
  ["Alt + 1 / 2 / 3", "Workspace / Images / Containers"],
  ["?", "This help (outside the editor)"],
  ["Esc", "Close this help or the image explorer"],
  ["Enter on a stage", "Jump to its FROM line (t: make it the target)"],
];

/** The keyboard shortcuts, in a dialog that takes focus and closes on Escape. */
export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div className="dialog">
        <h2>Keyboard shortcuts</h2>
        <table className="list-table">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td className="mono">{keys}</td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button ref={close} onClick={onClose} aria-label="Close the shortcuts help">
          Close
        </button>
      </div>
    </div>
  );
}
