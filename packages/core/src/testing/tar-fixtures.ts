import tar from "tar-stream";

export interface TarItem {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "block-device" | "fifo";
  linkname?: string;
  body?: string | Buffer;
  mode?: number;
}

/** A tar exactly as described, hostile names and all: tests build archives with this. */
export async function tarBuffer(items: TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack as unknown as AsyncIterable<Buffer>);
  for (const i of items) {
    const type = i.type ?? "file";
    pack.entry({ name: i.name, type, linkname: i.linkname ?? "", mode: i.mode ?? (type === "directory" ? 0o755 : 0o644) }, i.body ?? "");
  }
  pack.finalize();
  return done;
}

export async function collect(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
