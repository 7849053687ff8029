import { cp, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { busyboxRootfsTar, BUSYBOX, ContainerStore, ImageStore, importRootfs, layerlabHome, parseTagName } from "@layerlab/core/node";
import { createApp } from "./app.js";
import { newToken } from "./security/access-token.js";
import { allowedHosts } from "./security/host-allowlist.js";
import { Workspace } from "./workspace/workspace.js";
import { BuildHub } from "./builds/build-hub.js";
import { buildSocket } from "./ws/build-socket.js";
import { routeSockets } from "./ws/socket-router.js";
import { terminalSocket } from "./ws/terminal-socket.js";

export interface ServeOptions {
  /** Where warnings go (the CLI prints them on stderr). */
  warn?: (message: string) => void;
  /** Workspace directory; a copy of the sample workspace under $LAYERLAB_HOME when absent. */
  workspaceDir?: string;
  host?: string;
  port?: number;
  token?: string;
  webDist?: string | null;
  maxUploadBytes?: number;
}

export interface RunningServer {
  url: string;
  hub: BuildHub;
  token: string;
  workspace: Workspace;
  server: Server;
  close(): Promise<void>;
}

const SAMPLE = fileURLToPath(new URL("../sample-workspace/", import.meta.url));
const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** The sample's base image, made from busybox-static so the sample builds with no network. */
export const SAMPLE_BASE = "busybox:1.36";

async function ensureSampleBase(store: ImageStore, warn: (s: string) => void): Promise<void> {
  try {
    await store.resolve(SAMPLE_BASE);
    return;
  } catch {
    // Not there yet: make it below.
  }
  if (!existsSync(BUSYBOX)) {
    warn(`the sample's base image ${SAMPLE_BASE} is missing and ${BUSYBOX} is not installed: install Debian's busybox-static`);
    return;
  }
  await importRootfs(store, [await busyboxRootfsTar()], {
    tags: [parseTagName(SAMPLE_BASE)!],
    changes: ['CMD ["sh"]'],
    message: "busybox-static root filesystem made by Layerlab",
    source: BUSYBOX,
  });
}

/** The sample workspace is copied once, so a user's edits survive restarts. */
async function sampleWorkspace(): Promise<string> {
  const dir = join(layerlabHome(), "workspaces", "sample");
  if (!existsSync(dir)) {
    await mkdir(join(dir, ".."), { recursive: true });
    await cp(SAMPLE, dir, { recursive: true });
  }
  return dir;
}

/** 8 GiB unless LAYERLAB_MAX_UPLOAD (bytes) says otherwise. */
function uploadLimit(): number {
  const n = Number(process.env.LAYERLAB_MAX_UPLOAD);
  return Number.isSafeInteger(n) && n > 0 ? n : 8 * 1024 ** 3;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? newToken();
  const store = await ImageStore.open(layerlabHome());
  if (options.workspaceDir === undefined) await ensureSampleBase(store, options.warn ?? (() => undefined));
  const workspace = await Workspace.open(options.workspaceDir ?? (await sampleWorkspace()));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const hub = await BuildHub.open(store, workspace.root);
  const hosts = allowedHosts(host, port);
  const containers = await ContainerStore.open(store);
  const wss = buildSocket(hub);
  const terminals = terminalSocket(containers);
  routeSockets(server, { "/api/ws": wss, "/api/terminal": terminals }, { token, hosts });
  const app = createApp({ token, hosts, workspace, store, containers, hub, webDist: options.webDist === undefined ? WEB_DIST : options.webDist, maxUploadBytes: options.maxUploadBytes ?? uploadLimit() });
  server.on("request", app);
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    hub,
    token,
    workspace,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const s of [wss, terminals]) {
          for (const client of s.clients) client.terminate();
          s.close();
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
