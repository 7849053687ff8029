import { familiarName, formatReference, parseImageReference, type ImageReference } from "./reference.js";

/** A tag as the store keeps it: canonical `domain/path:tag`, plus how users write it. */
export interface TagName {
  canonical: string;
  familiar: string;
  repository: string;
  tag: string;
}

/**
 * Parses a name to tag with (`busybox`, `busybox:1.36`, `ghcr.io/x/y:z`); `latest` when no tag
 * is written. Digests are not allowed in a tag name. Returns null when invalid.
 */
export function parseTagName(text: string): TagName | null {
  const ref = parseImageReference(text);
  if (ref === null || ref.digest !== null) return null;
  const withTag: ImageReference = { ...ref, tag: ref.tag ?? "latest" };
  const familiar = familiarName(withTag);
  return { canonical: formatReference(withTag), familiar, repository: familiar.slice(0, familiar.lastIndexOf(":")), tag: withTag.tag! };
}
