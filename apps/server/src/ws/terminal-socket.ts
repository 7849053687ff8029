import type { IncomingMessage } from "node:http";
import { execInContainer, type ContainerProcess, type ContainerStore } from "@layerlab/core/node";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { errorBody } from "../routes/http-errors.js";
import { CLOSE } from "./client-messages.js";

const MAX_TERMINAL_MESSAGE = 64 * 1024;

const TerminalMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(MAX_TERMINAL_MESSAGE) }),
  z.object({ type: z.literal("resize"), rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) }),
]);

const TerminalQuery = z.object({
  container: z.string().min(1).max(128),
  rows: z.coerce.number().int().min(1).max(1000).default(24),
  cols: z.coerce.number().int().min(1).max(1000).default(80),
  shell: z.string().max(256).default("/bin/sh"),
});

/**
 * The terminal WebSocket at /api/terminal?container=ID: a shell exec'd in a running container
 * with a real terminal. Keystrokes and resizes come as JSON; terminal output goes out as binary
 * frames; when the shell exits the client gets its code and the socket closes (1000). Closing
 * the socket kills the shell.
 */
export function terminalSocket(containers: ContainerStore): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TERMINAL_MESSAGE + 1024 });
  wss.on("connection", async (ws: WebSocket, req: IncomingMessage) => {
    ws.on("error", () => undefined);
    const query = TerminalQuery.safeParse(Object.fromEntries(new URL(req.url ?? "/", "http://x").searchParams));
    if (!query.success) {
      ws.close(CLOSE.malformed, "invalid terminal request: container, rows and cols");
      return;
    }
    // Keystrokes that arrive while the shell is starting wait for it.
    let shell: ContainerProcess | null = null;
    const early: z.infer<typeof TerminalMessage>[] = [];
    const apply = (m: z.infer<typeof TerminalMessage>, to: ContainerProcess) => (m.type === "input" ? to.write(m.data) : to.resize({ rows: m.rows, cols: m.cols }));
    ws.on("message", (data, isBinary) => {
      let message;
      try {
        message = TerminalMessage.safeParse(isBinary ? null : JSON.parse(data.toString()));
      } catch {
        message = null;
      }
      if (!message?.success) {
        ws.close(CLOSE.malformed, "invalid message: send {type: input|resize}");
        return;
      }
      if (shell) apply(message.data, shell);
      else early.push(message.data);
    });
    ws.on("close", () => shell?.kill());
    try {
      shell = await execInContainer(containers, query.data.container, [query.data.shell], {
        tty: true,
        size: { rows: query.data.rows, cols: query.data.cols },
        onOutput: (_stream, data) => {
          if (ws.readyState === ws.OPEN) ws.send(data, { binary: true });
        },
      });
    } catch (e) {
      ws.send(JSON.stringify({ type: "error", ...errorBody(e).error }));
      ws.close(1000, "no terminal");
      return;
    }
    if (ws.readyState !== ws.OPEN) shell.kill();
    for (const m of early.splice(0)) apply(m, shell);
    const code = await shell.exited.catch(() => -1);
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ type: "exit", code }));
      ws.close(1000, "shell exited");
    }
  });
  return wss;
}
