import { createHash } from "node:crypto";
import { lookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { nonPublicReason } from "./public-address.js";

export class FetchRefused extends Error {}

const MAX_REDIRECTS = 5;

/**
 * Downloads a URL for ADD, connecting only to public addresses: the host is resolved here,
 * every address checked, and the connection pinned to the checked address (no DNS rebinding);
 * redirects are followed by hand and checked again. Size-capped; the sha256 is returned.
 */
export async function fetchPublic(url: string, maxBytes: number, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<{ digest: string; size: number; finalUrl: string }> {
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") throw new FetchRefused(`ADD supports http and https URLs, not ${current.protocol}`);
    const host = current.hostname.replace(/^\[|\]$/g, "");
    const addresses = await lookup(host, { all: true, verbatim: true }).catch(() => {
      throw new FetchRefused(`cannot resolve ${host}`);
    });
    for (const a of addresses) {
      const why = nonPublicReason(a.address);
      if (why) throw new FetchRefused(`refusing to fetch ${current.href}: ${host} resolves to ${a.address}, ${why}`);
    }
    const pinned = addresses[0]!;
    const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = (current.protocol === "https:" ? httpsRequest : httpRequest)(
        current,
        { lookup: (_h, _o, cb) => (cb as (e: null, a: string, f: number) => void)(null, pinned.address, pinned.family), headers: { "user-agent": "layerlab" } },
        resolve,
      );
      req.on("error", reject);
      req.setTimeout(60_000, () => req.destroy(new Error("timed out")));
      req.end();
    });
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, current);
      continue;
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw new FetchRefused(`${current.href}: HTTP ${res.statusCode}`);
    }
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of res as Readable) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new FetchRefused(`${current.href} is larger than ${maxBytes} bytes`);
      hash.update(chunk as Buffer);
      await onChunk(chunk as Buffer);
    }
    return { digest: `sha256:${hash.digest("hex")}`, size, finalUrl: current.href };
  }
  throw new FetchRefused(`${url}: more than ${MAX_REDIRECTS} redirects`);
}
