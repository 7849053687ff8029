import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { tarBuffer, type TarItem } from "../testing/tar-fixtures.js";
import { applyLayerEntries } from "./apply-layer.js";
import { DEFAULT_LIMITS, normaliseEntryName, readUntrustedTar } from "./untrusted-tar.js";

type Item = TarItem;
const craft = tarBuffer;

const read = async (items: Item[], limits = DEFAULT_LIMITS, spool: string | null = null) => readUntrustedTar([await craft(items)], spool, limits);
const refusal = async (items: Item[], limits = DEFAULT_LIMITS) => {
  try {
    await read(items, limits);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe("reading untrusted layers and archives", () => {
  it("refuses '..' in entry names, naming the entry", async () => {
    expect(await refusal([{ name: "../../etc/passwd", body: "x" }])).toBe('refused entry "../../etc/passwd": the name contains \'..\'');
    expect(await refusal([{ name: "a/../../b", body: "x" }])).toMatch(/contains '\.\.'/);
  });

  it("treats absolute names as root-relative, as Docker does", async () => {
    const layer = await read([{ name: "/etc/motd", body: "hi" }, { name: "./usr/", type: "directory" }]);
    expect(layer.entries.map((e) => e.path)).toEqual(["etc/motd", "usr"]);
    expect(normaliseEntryName("//a//./b/")).toBe("a/b");
  });

  it("refuses hardlinks that do not point at an earlier file of the same layer", async () => {
    expect(await refusal([{ name: "evil", type: "link", linkname: "/etc/shadow" }])).toMatch(/^refused entry "evil": hardlink to "\/etc\/shadow"/);
    expect(await refusal([{ name: "evil", type: "link", linkname: "../outside" }])).toMatch(/contains '\.\.'/);
    expect(await refusal([{ name: "d/", type: "directory" }, { name: "l", type: "link", linkname: "d" }])).toMatch(/hardlink/);
    const ok = await read([{ name: "a", body: "x" }, { name: "b", type: "link", linkname: "a" }]);
    expect(ok.entries[1]).toMatchObject({ type: "hardlink", linkname: "a" });
  });

  it("refuses device nodes unless allowed, but keeps FIFOs as metadata", async () => {
    expect(await refusal([{ name: "dev/sda", type: "block-device" }])).toBe('refused entry "dev/sda": device nodes are not allowed in layers');
    expect(await refusal([{ name: "dev/mem", type: "character-device" }])).toMatch(/device nodes/);
    expect((await read([{ name: "pipe", type: "fifo" }])).entries[0]!.type).toBe("fifo");
  });

  it("refuses duplicate entries", async () => {
    expect(await refusal([{ name: "a", body: "1" }, { name: "./a", body: "2" }])).toBe('refused entry "./a": the path appears twice in the archive');
  });

  it("refuses decompression bombs, too many entries and too deep paths", async () => {
    const bomb = gzipSync(await craft([{ name: "zeros", body: "\0".repeat(8 * 1024 * 1024) }]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(readUntrustedTar([bomb], null, { ...DEFAULT_LIMITS, maxBytes: 1024 * 1024 })).rejects.toThrow(/more than 1048576 bytes/);
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: "" }));
    expect(await refusal(many, { ...DEFAULT_LIMITS, maxEntries: 10 })).toMatch(/more than 10 entries/);
    expect(await refusal([{ name: `${"d/".repeat(40)}f`, body: "" }], { ...DEFAULT_LIMITS, maxPathDepth: 32 })).toMatch(/deeper than 32/);
  });

  it("reads whiteouts and opaque markers and refuses whiteouts that name no file", async () => {
    const layer = await read([{ name: "etc/.wh.motd" }, { name: "var/.wh..wh..opq" }, { name: "x/.wh..wh.plnk" }]);
    expect(layer.entries.map((e) => [e.type, e.path])).toEqual([
      ["whiteout", "etc/motd"],
      ["opaque", "var"],
    ]);
    expect(await refusal([{ name: "etc/.wh." }])).toMatch(/a whiteout must name a file/);
    expect(await refusal([{ name: ".wh.." }])).toMatch(/a whiteout must name a file|contains '\.\.'/);
  });

  it("computes the diffID of the uncompressed tar, whether or not it is gzipped", async () => {
    const plain = await craft([{ name: "a", body: "hello" }]);
    const a = await readUntrustedTar([plain], null);
    const b = await readUntrustedTar([gzipSync(plain)], null);
    expect(a.diffId).toBe(b.diffId);
    expect(a.entries[0]!.contentDigest).toBe("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });
});

describe("applying a layer to a directory", () => {
  it("keeps every write inside the root, even through hostile symlinks", async () => {
    const base = mkdtempSync(join(tmpdir(), "layerlab-apply-"));
    const root = join(base, "root");
    const outside = join(base, "outside");
    mkdirSync(root);
    mkdirSync(outside);
    const spool = join(base, "spool");
    const layer = await read(
      [
        { name: "escape", type: "symlink", linkname: outside },
        { name: "escape/pwned", body: "gotcha" },
        { name: "up", type: "symlink", linkname: "../../../../.." },
        { name: "up/tmp/pwned2", body: "gotcha" },
        { name: "etc/", type: "directory" },
        { name: "etc/localtime", type: "symlink", linkname: "/usr/share/zoneinfo/UTC" },
      ],
      DEFAULT_LIMITS,
      spool,
    );
    await applyLayerEntries(root, layer.entries, (e) => join(spool, e.contentDigest!.slice(7)), { chown: false });
    expect(existsSync(join(outside, "pwned"))).toBe(false);
    expect(readFileSync(join(root, outside, "pwned"), "utf8")).toBe("gotcha");
    expect(readFileSync(join(root, "tmp/pwned2"), "utf8")).toBe("gotcha");
    expect(readlinkSync(join(root, "etc/localtime"))).toBe("/usr/share/zoneinfo/UTC");
    expect(lstatSync(join(root, "escape")).isSymbolicLink()).toBe(true);
  });

  it("whiteouts and opaque markers remove lower-layer content", async () => {
    const base = mkdtempSync(join(tmpdir(), "layerlab-apply-"));
    const root = join(base, "root");
    mkdirSync(root);
    const spool = join(base, "spool");
    const lower = await read([{ name: "a/", type: "directory" }, { name: "a/keep", body: "1" }, { name: "b/", type: "directory" }, { name: "b/old", body: "2" }, { name: "c", body: "3" }], DEFAULT_LIMITS, spool);
    await applyLayerEntries(root, lower.entries, (e) => join(spool, e.contentDigest!.slice(7)), { chown: false });
    const upper = await read([{ name: ".wh.c" }, { name: "b/", type: "directory" }, { name: "b/.wh..wh..opq" }, { name: "b/new", body: "4" }], DEFAULT_LIMITS, spool);
    await applyLayerEntries(root, upper.entries, (e) => join(spool, e.contentDigest!.slice(7)), { chown: false });
    expect(existsSync(join(root, "c"))).toBe(false);
    expect(existsSync(join(root, "b/old"))).toBe(false);
    expect(readFileSync(join(root, "b/new"), "utf8")).toBe("4");
    expect(readFileSync(join(root, "a/keep"), "utf8")).toBe("1");
  });
});
