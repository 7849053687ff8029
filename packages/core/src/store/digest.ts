import { createHash } from "node:crypto";

/** A sha256 content digest: `sha256:` and 64 lowercase hex characters. */
export type Digest = `sha256:${string}`;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === "string" && DIGEST.test(value);
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export function hexOf(digest: Digest): string {
  return digest.slice("sha256:".length);
}

/** ChainID of a stack of layers, as the OCI config spec defines it. */
export function chainId(diffIds: readonly Digest[]): Digest | null {
  let chain: Digest | null = null;
  for (const d of diffIds) chain = chain === null ? d : sha256(`${chain} ${d}`);
  return chain;
}
