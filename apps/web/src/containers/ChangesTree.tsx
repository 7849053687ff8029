import type { ContainerChange } from "../api/client.js";

const KIND = { A: "added", C: "changed", D: "deleted" } as const;

/** A container's changes (docker diff) as an indented tree: each path under its parent. */
export function ChangesTree({ changes }: { changes: ContainerChange[] }) {
  if (changes.length === 0) return <p className="empty">No changes yet.</p>;
  return (
    <ul className="changes-tree" aria-label="Container changes">
      {changes.map((c) => {
        const parts = c.path.split("/").filter(Boolean);
        return (
          <li key={c.path} className={`change-${KIND[c.kind]}`} style={{ paddingLeft: `${(parts.length - 1) * 14}px` }} aria-label={`${KIND[c.kind]} ${c.path}`}>
            <span className="change-kind">{c.kind}</span> {parts.at(-1)}
          </li>
        );
      })}
    </ul>
  );
}
