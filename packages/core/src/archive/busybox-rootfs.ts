import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import tar from "tar-stream";

export const BUSYBOX = "/bin/busybox";

/**
 * A small root filesystem tar made from Debian's busybox-static: /bin/busybox, a symlink per
 * applet, /etc/passwd and /etc/group with root, user and other. It is the offline sample's base
 * image and the tests' base image; it throws when busybox-static is missing, so nothing skips.
 */
export async function busyboxRootfsTar(extraFiles: Record<string, string | { body: string; mode: number }> = {}): Promise<Buffer> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} not found: install Debian's busybox-static (scripts/test.sh does)`);
  const applets = execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter((a) => a && a !== "busybox").sort();
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on("data", (c: unknown) => chunks.push(c as Buffer));
    pack.on("end", () => resolve(Buffer.concat(chunks)));
    pack.on("error", reject);
  });
  const mtime = new Date(0);
  const dir = (name: string, mode = 0o755) => pack.entry({ name: `${name}/`, type: "directory", mode, mtime, uid: 0, gid: 0 });
  for (const d of ["bin", "etc", "home", "root", "tmp"]) dir(d, d === "tmp" ? 0o1777 : d === "root" ? 0o700 : 0o755);
  pack.entry({ name: "bin/busybox", mode: 0o755, mtime, uid: 0, gid: 0 }, readFileSync(BUSYBOX));
  for (const a of applets) pack.entry({ name: `bin/${a}`, type: "symlink", linkname: "busybox", mode: 0o777, mtime, uid: 0, gid: 0 });
  pack.entry({ name: "etc/group", mode: 0o644, mtime, uid: 0, gid: 0 }, "root:x:0:\nuser:x:1000:\nother:x:1001:\n");
  pack.entry(
    { name: "etc/passwd", mode: 0o644, mtime, uid: 0, gid: 0 },
    "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home:/bin/sh\nother:x:1001:1001:other:/home:/bin/sh\n",
  );
  for (const [name, file] of Object.entries(extraFiles)) {
    const { body, mode } = typeof file === "string" ? { body: file, mode: 0o644 } : file;
    pack.entry({ name, mode, mtime, uid: 0, gid: 0 }, body);
  }
  pack.finalize();
  return done;
}
