import { describe, expect, it } from "vitest";
import type { LayerEntry } from "../layer/layer-entry.js";
import { diffImages } from "./image-diff.js";

const entry = (path: string, over: Partial<LayerEntry> = {}): LayerEntry => ({ path, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 1, contentDigest: `sha256:${"a".repeat(64)}`, ...over });

describe("diffing two images", () => {
  it("lists added, modified and deleted paths with size deltas, ignoring mtimes", () => {
    const base = [entry("etc", { type: "dir", size: 0, contentDigest: undefined }), entry("etc/conf", { size: 10 }), entry("old", { size: 4 })];
    const from = { diffIds: ["sha256:1"], layers: [base] };
    const to = {
      diffIds: ["sha256:1", "sha256:2"],
      layers: [base, [entry("etc/conf", { size: 12, contentDigest: `sha256:${"b".repeat(64)}`, mtime: 99 }), entry("new", { size: 7 }), entry("old", { type: "whiteout", size: 0 })]],
    };
    const d = diffImages(from, to);
    expect(d.sharedLayers).toBe(1);
    expect(d.changes).toEqual([
      { path: "etc/conf", kind: "modified", type: "file", size: 12, delta: 2 },
      { path: "new", kind: "added", type: "file", size: 7, delta: 7 },
      { path: "old", kind: "deleted", type: "file", size: 4, delta: -4 },
    ]);
    expect([d.added, d.modified, d.deleted, d.sizeDelta]).toEqual([1, 1, 1, 5]);
  });

  it("a file rewritten with the same bytes and a new mtime is no change", () => {
    const from = { diffIds: ["sha256:1"], layers: [[entry("a")]] };
    const to = { diffIds: ["sha256:1", "sha256:2"], layers: [[entry("a")], [entry("a", { mtime: 5 })]] };
    expect(diffImages(from, to).changes).toEqual([]);
  });
});
