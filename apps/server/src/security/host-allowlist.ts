import type { NextFunction, Request, Response } from "express";

/** Host names a browser may use to reach the server; anything else is a DNS-rebinding attempt. */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(["localhost", "127.0.0.1", "[::1]", bindHost.includes(":") ? `[${bindHost}]` : bindHost]);
  return new Set([...names].flatMap((n) => [n, `${n}:${port}`]));
}

export function requireAllowedHost(hosts: Set<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (hosts.has((req.headers.host ?? "").toLowerCase())) return next();
    res.status(403).json({ error: { code: "forbidden-host", message: "this Host is not allowed; open Layerlab by the address it printed" } });
  };
}
