import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTagName } from "../image/image-name.js";
import { ImageStore } from "../store/image-store.js";
import { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
import { exportRootfs } from "./export-rootfs.js";
import { importRootfs } from "./import-rootfs.js";

async function entriesOf(stream: AsyncIterable<Buffer> | Buffer[]): Promise<Map<string, { type: string; mode: number; linkname: string | null; size: number; content?: string }>> {
  const extract = tar.extract();
  Readable.from(stream).pipe(extract);
  const out = new Map<string, { type: string; mode: number; linkname: string | null; size: number; content?: string }>();
  for await (const e of extract) {
    const bufs: Buffer[] = [];
    for await (const c of e) bufs.push(c as Buffer);
    const h = e.header;
    out.set(h.name.replace(/\/$/, ""), {
      type: h.type ?? "file",
      mode: (h.mode ?? 0) & 0o7777,
      linkname: h.linkname || null,
      size: h.size ?? 0,
      ...(h.type === "file" && (h.size ?? 0) < 200 ? { content: Buffer.concat(bufs).toString() } : {}),
    });
  }
  return out;
}

let store: ImageStore;
let rootfs: Buffer;

beforeAll(async () => {
  store = await ImageStore.open(mkdtempSync(join(tmpdir(), "layerlab-store-")));
  rootfs = await busyboxRootfsTar();
});

describe("import and export (docker import / docker export)", () => {
  it("imports a rootfs tar as a one-layer image with --change applied", async () => {
    const { id } = await importRootfs(store, [rootfs], {
      tags: [parseTagName("busybox:test")!],
      changes: ['CMD ["/bin/sh"]', "ENV GREETING=hello", "WORKDIR /root", "EXPOSE 8080"],
      source: "rootfs.tar",
    });
    const image = await store.resolve("busybox:test");
    expect(image.id).toBe(id);
    expect(image.manifest.layers).toHaveLength(1);
    expect(image.config.config).toMatchObject({ Cmd: ["/bin/sh"], Env: ["GREETING=hello"], WorkingDir: "/root", ExposedPorts: { "8080/tcp": {} } });
    expect(image.config.history).toEqual([expect.objectContaining({ created_by: "layerlab import rootfs.tar" })]);
  });

  it("records the layer's file index when the layer enters the store", async () => {
    const image = await store.resolve("busybox:test");
    const record = await store.layerRecord(image.config.rootfs.diff_ids[0]! as `sha256:${string}`);
    const passwd = record!.entries.find((e) => e.path === "etc/passwd")!;
    expect(passwd).toMatchObject({ type: "file", mode: 0o644, uid: 0, gid: 0, contentDigest: expect.stringMatching(/^sha256:/) });
    expect(record!.entries.find((e) => e.path === "bin/sh")).toMatchObject({ type: "symlink", linkname: "busybox" });
    expect(record!.entries.find((e) => e.path === "tmp")!.mode).toBe(0o1777);
  });

  it("importing the same tar twice gives the same layer (deterministic tar and gzip)", async () => {
    await importRootfs(store, [rootfs], { tags: [parseTagName("busybox:again")!] });
    const a = await store.resolve("busybox:test");
    const b = await store.resolve("busybox:again");
    expect(b.manifest.layers[0]!.digest).toBe(a.manifest.layers[0]!.digest);
    expect(b.config.rootfs.diff_ids).toEqual(a.config.rootfs.diff_ids);
  });

  it("keeps empty files, hardlinks, setuid bits and long names through import and export", async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on("data", (c: unknown) => chunks.push(c as Buffer));
    const ended = new Promise<void>((r) => pack.on("end", () => r()));
    const long = `deep/${"x".repeat(120)}/${"y".repeat(120)}.txt`;
    pack.entry({ name: "empty", mode: 0o644 }, "");
    pack.entry({ name: "suid", mode: 0o4755 }, "#!/bin/sh\n");
    pack.entry({ name: "hard", type: "link", linkname: "suid" });
    pack.entry({ name: long, mode: 0o600 }, "long");
    pack.finalize();
    await ended;
    await importRootfs(store, [Buffer.concat(chunks)], { tags: [parseTagName("edge:1")!] });
    const exported = await entriesOf(await exportRootfs(store, "edge:1"));
    expect(exported.get("empty")).toMatchObject({ type: "file", size: 0 });
    // One file, two names: in sort order "hard" now carries the data and "suid" links to it.
    expect(exported.get("hard")).toMatchObject({ type: "file", mode: 0o4755, content: "#!/bin/sh\n" });
    expect(exported.get("suid")).toMatchObject({ type: "link", linkname: "hard" });
    expect(exported.get(long)).toMatchObject({ content: "long", mode: 0o600 });
  });

  it("export gives back the same files, modes and links", async () => {
    const original = await entriesOf([rootfs]);
    const exported = await entriesOf(await exportRootfs(store, "busybox:test"));
    expect([...exported.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [path, e] of original) expect(exported.get(path), path).toEqual(e);
  });
});
