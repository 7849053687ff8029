import { describe, expect, it } from "vitest";
import type { LayerEntry } from "../layer/layer-entry.js";
import { imageEfficiency } from "./efficiency.js";

const file = (path: string, size: number): LayerEntry => ({ path, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size });
const dir = (path: string): LayerEntry => ({ path, type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
const whiteout = (path: string): LayerEntry => ({ path, type: "whiteout", mode: 0, uid: 0, gid: 0, mtime: 0, size: 0 });

describe("image efficiency (dive's formula, plus reclaimable bytes)", () => {
  it("is 1 with nothing stored twice", () => {
    const e = imageEfficiency([[dir("etc"), file("etc/a", 10)], [file("b", 5)]]);
    expect(e).toMatchObject({ score: 1, wastedBytes: 0, reclaimableBytes: 0, sizeBytes: 15, userSizeBytes: 5, inefficiencies: [] });
  });

  it("counts every copy as wasted like dive, but only the hidden copies as reclaimable", () => {
    // dive's own example from its PR #685: one file stored three times.
    const e = imageEfficiency([[file("f", 17)], [file("f", 30)], [file("f", 33)]]);
    expect(e.wastedBytes).toBe(80);
    expect(e.reclaimableBytes).toBe(47);
    expect(e.score).toBeCloseTo(17 / 80);
    expect(e.inefficiencies).toEqual([{ path: "f", count: 3, cumulative: 80, min: 17 }]);
    expect(e.wastedUserPercent).toBeCloseTo(80 / 63);
  });

  it("a file added then deleted wastes its whole size", () => {
    const e = imageEfficiency([[dir("tmp")], [file("tmp/big", 1000)], [whiteout("tmp/big")]]);
    expect(e.inefficiencies).toEqual([{ path: "tmp/big", count: 2, cumulative: 1000, min: 0 }]);
    expect(e.reclaimableBytes).toBe(1000);
    expect(e.score).toBe(0);
  });

  it("a deleted directory costs the bytes it hid; directories with children are not leaves", () => {
    const e = imageEfficiency([[dir("cache"), file("cache/x", 40), file("cache/y", 60)], [whiteout("cache")]]);
    expect(e.inefficiencies).toEqual([]);
    expect(e.score).toBe(1);
    expect(e.reclaimableBytes).toBe(100);
    const again = imageEfficiency([[dir("cache"), file("cache/x", 40)], [whiteout("cache")], [dir("cache")]]);
    expect(again.inefficiencies).toEqual([{ path: "cache", count: 2, cumulative: 40, min: 0 }]);
  });
});
