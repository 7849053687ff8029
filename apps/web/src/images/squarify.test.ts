import { describe, expect, it } from "vitest";
import { squarify } from "./squarify.js";

describe("the treemap layout", () => {
  it("covers the area exactly, each tile proportional to its size, and skips empty items", () => {
    const sizes = [6, 6, 4, 3, 2, 2, 1, 0];
    const tiles = squarify(sizes, (s) => s, 600, 400);
    expect(tiles).toHaveLength(7);
    const area = tiles.reduce((s, t) => s + t.w * t.h, 0);
    expect(area).toBeCloseTo(600 * 400);
    for (const t of tiles) {
      expect(t.w * t.h).toBeCloseTo((t.item / 24) * 600 * 400);
      expect(t.x).toBeGreaterThanOrEqual(-1e-9);
      expect(t.y + t.h).toBeLessThanOrEqual(400 + 1e-9);
      expect(t.x + t.w).toBeLessThanOrEqual(600 + 1e-9);
    }
    // The first two (6 and 6) sit side by side as near-squares, not as thin strips.
    expect(Math.max(tiles[0]!.w / tiles[0]!.h, tiles[0]!.h / tiles[0]!.w)).toBeLessThan(2);
  });
});
