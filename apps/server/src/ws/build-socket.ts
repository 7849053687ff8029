import { WebSocketServer, type WebSocket } from "ws";
import type { BuildHub } from "../builds/build-hub.js";
import { ClientMessageSchema, CLOSE, MAX_MESSAGE_BYTES } from "./client-messages.js";
import { ViewerStream } from "./viewer-stream.js";

const HEARTBEAT_MS = 15_000;

/**
 * The build WebSocket at /api/ws (the router checks Host, Origin and the token). Each viewer
 * can start and cancel builds and subscribe to one build (or to whatever build is latest);
 * viewer counts are broadcast.
 */
export function buildSocket(hub: BuildHub): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const viewers = new Map<string, Set<ViewerStream>>();

  const broadcastViewers = (buildId: string) => {
    const set = viewers.get(buildId);
    for (const v of set ?? []) v.send({ type: "viewers", buildId, count: set?.size ?? 0 });
  };

  wss.on("connection", (ws: WebSocket) => {
    let unsubscribe: (() => void) | null = null;
    let subscribedTo: string | null = null;
    let followLatest: (() => void) | null = null;
    let alive = true;
    const stream = new ViewerStream(ws);
    const send = (value: unknown) => stream.send(value);
    const leave = () => {
      unsubscribe?.();
      unsubscribe = null;
      if (subscribedTo !== null) {
        viewers.get(subscribedTo)?.delete(stream);
        broadcastViewers(subscribedTo);
      }
      subscribedTo = null;
    };
    // Each subscription gets a generation; a slower earlier one (a history read from disk) that
    // finishes after a newer one started is dropped, so a viewer never ends up on the wrong build.
    let generation = 0;
    const watch = async (buildId: string, fromSeq: number) => {
      leave();
      const mine = ++generation;
      subscribedTo = buildId;
      const set = viewers.get(buildId) ?? new Set<ViewerStream>();
      set.add(stream);
      viewers.set(buildId, set);
      stream.beginReplay();
      const off = await hub.subscribe(buildId, fromSeq, (event) => {
        if (generation === mine) send({ type: "event", event });
      });
      if (generation !== mine) {
        off?.();
        return;
      }
      stream.endReplay();
      if (off === null) {
        send({ type: "error", code: "not-found", message: `no build ${buildId}` });
        leave();
        return;
      }
      unsubscribe = off;
      broadcastViewers(buildId);
    };
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    ws.on("pong", () => (alive = true));
    // ws closes the socket itself (1009 for an oversized message); nothing else to do here.
    ws.on("error", () => undefined);
    ws.on("message", async (data, isBinary) => {
      let parsed;
      try {
        if (isBinary) throw new Error("binary");
        parsed = ClientMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        ws.close(CLOSE.malformed, "malformed message: send JSON");
        return;
      }
      if (!parsed.success) {
        ws.close(CLOSE.malformed, `invalid message: ${parsed.error.issues[0]?.path.join(".") || "type"}`.slice(0, 120));
        return;
      }
      const m = parsed.data;
      if (m.type === "build.start") {
        const { type: _t, ...settings } = m;
        const buildId = await hub.start(settings);
        send({ type: "build.queued", buildId });
      } else if (m.type === "build.cancel") {
        send({ type: "build.cancelled", buildId: m.buildId, ok: hub.cancel(m.buildId) });
      } else if (m.type === "subscribe") {
        followLatest?.();
        followLatest = null;
        if (m.buildId === "latest") {
          followLatest = hub.onLatest((id) => void watch(id, 0));
          const current = hub.latestId();
          if (current) await watch(current, m.fromSeq);
        } else await watch(m.buildId, m.fromSeq);
      } else {
        followLatest?.();
        generation++;
        leave();
      }
    });
    ws.on("close", () => {
      clearInterval(heartbeat);
      generation++;
      followLatest?.();
      leave();
    });
  });
  return wss;
}
