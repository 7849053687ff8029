import { open } from "node:fs/promises";
import { constants } from "node:fs";
import { secureJoin } from "../fs/secure-join.js";

async function readConfined(root: string, path: string): Promise<string> {
  const abs = await secureJoin(root, path);
  const handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (handle === null) return "";
  try {
    return (await handle.readFile({ encoding: "utf8" })).slice(0, 4 * 1024 * 1024);
  } finally {
    await handle.close();
  }
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

export class UserError extends Error {}

/**
 * Resolves `USER name[:group]` or `uid[:gid]` against the image's /etc/passwd and /etc/group,
 * read inside the root (an image's `/etc/passwd -> /etc/shadow` symlink cannot reach the host).
 */
export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const [userPart = "", groupPart] = (spec || "root").split(":");
  const passwd = (await readConfined(rootfs, "etc/passwd")).split("\n").map((l) => l.split(":"));
  const group = (await readConfined(rootfs, "etc/group")).split("\n").map((l) => l.split(":"));
  let uid: number;
  let gid: number;
  let home = "/";
  let name: string | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const row = passwd.find((r) => r[2] === userPart);
    gid = row ? Number(row[3]) : 0;
    home = row?.[5] ?? "/";
    name = row?.[0];
  } else {
    const row = passwd.find((r) => r[0] === userPart);
    if (!row) throw new UserError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(row[2]);
    gid = Number(row[3]);
    home = row[5] ?? "/";
    name = userPart;
  }
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const row = group.find((r) => r[0] === groupPart);
      if (!row) throw new UserError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(row[2]);
    }
  }
  const additionalGids = name === undefined ? [] : group.filter((r) => (r[3] ?? "").split(",").includes(name!)).map((r) => Number(r[2])).filter((g) => g !== gid);
  return { uid, gid, additionalGids, home };
}
