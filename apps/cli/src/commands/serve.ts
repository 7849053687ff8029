import { startServer } from "@layerlab/server";
import { option, parseArgs, UsageError } from "../args.js";

export const serveUsage = `Usage: layerlab serve [WORKSPACE_DIR] [--host 127.0.0.1] [--port 7420]

Serve the web app and the API with the embedded store. Without WORKSPACE_DIR it opens the
sample workspace. Prints the URL with its access token; keep it private.`;

export async function serveCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, { host: "value", port: "value" }, { p: "port" });
  if (args.positionals.length > 1) throw new UsageError("serve takes at most one WORKSPACE_DIR");
  const portText = option(args, "port") ?? "7420";
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`invalid port "${portText}"`);
  const host = option(args, "host") ?? "127.0.0.1";
  const running = await startServer({ workspaceDir: args.positionals[0], host, port: Number(portText), warn: (m) => err(`warning: ${m}`) });
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    err(`warning: listening on ${host}, reachable from other machines. Every request needs the token; share the URL only with people you trust.`);
  }
  out(`Layerlab is running. Open:\n\n  ${running.url}\n\nWorkspace: ${running.workspace.root}\nPress Ctrl+C to stop.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void running.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
