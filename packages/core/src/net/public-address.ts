import { isIP } from "node:net";

function v4(parts: number[]): string | null {
  const [a, b] = parts as [number, number];
  if (a === 0) return "an unspecified address";
  if (a === 127) return "a loopback address";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
  if (a === 169 && b === 254) return "a link-local address (cloud metadata lives here)";
  if (a === 100 && b >= 64 && b <= 127) return "a carrier-grade NAT address";
  if (a >= 224) return "a multicast or reserved address";
  return null;
}

/**
 * Why an address must not be fetched by ADD (loopback, private, link-local, CGNAT,
 * multicast, unspecified, in IPv4 or IPv6), or null when it is a public address. A build
 * must not be a way to reach the builder's own services or the cloud metadata endpoint.
 */
export function nonPublicReason(address: string): string | null {
  const kind = isIP(address);
  if (kind === 4) return v4(address.split(".").map(Number));
  if (kind !== 6) return "not an IP address";
  const a = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return v4(mapped[1]!.split(".").map(Number));
  if (a === "::1") return "a loopback address";
  if (a === "::") return "an unspecified address";
  if (/^f[cd]/.test(a)) return "a private address";
  if (/^fe[89ab]/.test(a)) return "a link-local address";
  if (/^ff/.test(a)) return "a multicast address";
  return null;
}
