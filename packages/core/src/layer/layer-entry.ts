import type { Digest } from "../store/digest.js";

export type EntryType = "file" | "dir" | "symlink" | "hardlink" | "fifo" | "char" | "block";

/**
 * One path of a layer as plain data. Whiteouts are entries too: `whiteout` deletes `path` from
 * the layers below, `opaque` hides everything below inside the directory `path`.
 */
export interface LayerEntry {
  /** Root-relative, normalised: no leading `/` or `./`, no trailing `/`, no `.` or `..` parts. */
  path: string;
  type: EntryType | "whiteout" | "opaque";
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Bytes of content for regular files; 0 otherwise. */
  size: number;
  /** Symlink target (verbatim) or hardlink target (a root-relative path in the same layer). */
  linkname?: string;
  /** sha256 of a regular file's content. */
  contentDigest?: Digest;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, values base64-encoded (they are bytes). */
  xattrs?: Record<string, string>;
}

export const WHITEOUT_PREFIX = ".wh.";
export const OPAQUE_MARKER = ".wh..wh..opq";

/** The name a whiteout or opaque marker has inside a tar. */
export function tarNameOf(entry: LayerEntry): string {
  if (entry.type === "opaque") return entry.path === "" ? OPAQUE_MARKER : `${entry.path}/${OPAQUE_MARKER}`;
  if (entry.type === "whiteout") {
    const slash = entry.path.lastIndexOf("/");
    return slash < 0 ? `${WHITEOUT_PREFIX}${entry.path}` : `${entry.path.slice(0, slash + 1)}${WHITEOUT_PREFIX}${entry.path.slice(slash + 1)}`;
  }
  return entry.type === "dir" ? `${entry.path}/` : entry.path;
}

/** Sort order of entries in a layer: by path, so every directory comes before its children. */
export function compareEntries(a: LayerEntry, b: LayerEntry): number {
  const pa = tarNameOf(a);
  const pb = tarNameOf(b);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}
