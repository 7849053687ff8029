import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { hasToken } from "../security/access-token.js";

/**
 * Upgrades WebSocket requests for the paths in `routes` after the same checks as every HTTP
 * request and one more: Host (DNS rebinding), Origin (cross-site WebSocket hijacking), token.
 * Each socket server gets the request with its connection, for its query.
 */
export function routeSockets(server: Server, routes: Record<string, WebSocketServer>, options: { token: string; hosts: Set<string> }): void {
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://x");
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const wss = routes[url.pathname];
    if (wss === undefined) return reject(404, "Not Found");
    const host = (req.headers.host ?? "").toLowerCase();
    if (!options.hosts.has(host)) return reject(403, "Forbidden Host");
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) return reject(403, "Forbidden Origin");
    if (!hasToken(options.token, req.headers.cookie, req.headers.authorization)) return reject(401, "Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
}
