import { existsSync, mkdirSync, mkdtempSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer } from "@layerlab/server";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const CHROMIUM = process.env.LAYERLAB_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const WEB_DIST = fileURLToPath(new URL("../apps/web/dist/", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../apps/server/sample-workspace/", import.meta.url));

/** Debian's Chromium; the e2e suite fails loudly without it rather than skipping. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (scripts/test.sh does)`);
  if (!existsSync(join(WEB_DIST, "index.html"))) throw new Error("apps/web/dist is missing: build the web app first (scripts/test.sh does)");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A server over a fresh copy of the sample workspace, with its own store. */
export async function startTestServer(options: { seedBase?: boolean } = {}): Promise<RunningServer & { workspaceDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-e2e-"));
  const workspaceDir = join(dir, "workspace");
  cpSync(SAMPLE, workspaceDir, { recursive: true });
  process.env.LAYERLAB_HOME = join(dir, "home");
  if (options.seedBase) {
    const store = await ImageStore.open(process.env.LAYERLAB_HOME);
    await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!], changes: ['CMD ["sh"]'] });
  }
  const server = await startServer({ workspaceDir, port: 0, webDist: WEB_DIST });
  return { ...server, workspaceDir };
}

/**
 * A test server and Chromium for the whole test file, started before its tests and stopped
 * after them; read `server` and `browser` inside tests, once they have started.
 */
export function useServerAndBrowser(options: { seedBase?: boolean } = {}): { server: Awaited<ReturnType<typeof startTestServer>>; browser: Browser } {
  const env = {} as { server: Awaited<ReturnType<typeof startTestServer>>; browser: Browser };
  beforeAll(async () => {
    env.server = await startTestServer(options);
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), "layerlab-e2e-"));
}
