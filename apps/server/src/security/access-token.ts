import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export const COOKIE = "layerlab_token";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === COOKIE && v) return decodeURIComponent(v);
  }
  return null;
}

/** True when a request carries the token in its cookie or an Authorization: Bearer header. */
export function hasToken(token: string, cookieHeader: string | undefined, authorization: string | undefined): boolean {
  const fromCookie = cookieToken(cookieHeader);
  const bearer = /^Bearer\s+(\S+)$/.exec(authorization ?? "")?.[1] ?? null;
  return (fromCookie !== null && same(fromCookie, token)) || (bearer !== null && same(bearer, token));
}

/**
 * Jupyter-style access: the printed URL carries `?token=`; the first visit trades it for an
 * HttpOnly cookie and a redirect that drops it from the address bar. Everything else needs it.
 */
export function requireToken(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const query = typeof req.query.token === "string" ? req.query.token : null;
    if (query !== null && same(query, token)) {
      res.setHeader("Set-Cookie", `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      const url = new URL(req.originalUrl, "http://x");
      url.searchParams.delete("token");
      res.redirect(302, url.pathname + url.search);
      return;
    }
    if (hasToken(token, req.headers.cookie, req.headers.authorization)) return next();
    res.status(401).json({ error: { code: "unauthorized", message: "missing or wrong access token: open the URL printed by `layerlab serve`" } });
  };
}
