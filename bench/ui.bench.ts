import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import tar from "tar-stream";
import { chromium, type Page } from "playwright-core";
import { busyboxRootfsTar, ImageStore, importRootfs, parseTagName } from "@layerlab/core/node";
import { startServer } from "@layerlab/server";

const WEB_DIST = fileURLToPath(new URL("../apps/web/dist/", import.meta.url));
const CHROMIUM = process.env.LAYERLAB_CHROMIUM ?? "/usr/bin/chromium";
/**
 * About 2,000 log lines a second for 10 seconds, each flushed on its own and spaced by a busy
 * wait, so the server reads (and sends) about one event per line instead of one per pipe buffer.
 */
const NOISY = `FROM busybox:1.36\nRUN awk 'BEGIN { for (i = 0; i < 20000; i++) { print "\\033[32mline\\033[0m " i; fflush(); for (j = 0; j < ${process.env.LAYERLAB_BENCH_SPIN ?? 1200}; j++) {} } }'\n`;

export interface UiBench {
  files: number;
  treeMs: number;
  treeLongestTaskMs: number;
  events: number;
  eventsPerSecond: number;
  longTasksOver50: number;
  longestTaskMs: number;
}

async function rootfsWith(files: number): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "data/", type: "directory", mode: 0o755 });
  for (let i = 0; i < files; i++) pack.entry({ name: `data/f${String(i).padStart(6, "0")}.txt`, mode: 0o644 }, `file ${i}\n`);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Long tasks (main-thread work over 50 ms) the page reports from now on. */
const watchLongTasks = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as { longTasks: number[] };
    w.longTasks = [];
    // Runs in the page: the browser's observer, typed here with Node's lib.
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }) as unknown as { observe(options: { type: string }): void };
    observer.observe({ type: "longtask" });
  });
const longTasks = (page: Page) => page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);

/**
 * The web app under load, in Debian's Chromium: opening a 100,000-file directory of an image
 * in the explorer, and a build streaming about 2,000 events a second into the timeline while
 * the panel is scrolled. Long tasks come from the browser's own PerformanceObserver.
 */
export async function benchUi(files = 100_000): Promise<UiBench> {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-bench-ui-"));
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!], changes: ['CMD ["sh"]'] });
  await importRootfs(store, [await rootfsWith(files)], { tags: [parseTagName("many-files:1")!] });
  const workspace = join(dir, "ws");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "Dockerfile"), NOISY);
  const server = await startServer({ workspaceDir: workspace, port: 0, token: "bench", webDist: WEB_DIST });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.getByRole("button", { name: "Images" }).click();
    await page.getByRole("button", { name: "Open image many-files:1" }).waitFor();
    await watchLongTasks(page);
    const t0 = Date.now();
    await page.getByRole("button", { name: "Open image many-files:1" }).click();
    await page.getByRole("table", { name: "Files" }).getByRole("button", { name: "Open directory data", exact: true }).click();
    await page.getByRole("row").filter({ hasText: "f000000.txt" }).waitFor();
    const treeMs = Date.now() - t0;
    await page.getByRole("table", { name: "Files" }).evaluate((el) => (el.scrollTop = 60_000 * 22));
    await page.getByRole("row").filter({ hasText: "f060000.txt" }).waitFor();
    const treeLongestTaskMs = Math.max(0, ...(await longTasks(page)));

    await page.getByRole("button", { name: "Workspace" }).click();
    await page.waitForSelector(".monaco-editor .view-lines");
    // Switching pages re-lays out the editor; only the build's streaming is measured.
    await page.waitForTimeout(1000);
    await watchLongTasks(page);
    const before = (await server.hub.history()).length;
    await page.getByRole("button", { name: "Build (Ctrl+Enter)" }).click();
    const aside = page.getByRole("complementary", { name: "Dockerfile structure" });
    for (;;) {
      const builds = await server.hub.history();
      if (builds.length > before && !["queued", "running"].includes(builds[0]!.status)) break;
      await aside.hover();
      await page.mouse.wheel(0, 200);
      await page.waitForTimeout(50);
      await page.mouse.wheel(0, -200);
    }
    const id = (await server.hub.history())[0]!.id;
    const events = (await server.hub.events(id)) ?? [];
    const span = (events.at(-1)!.time - events[0]!.time) / 1000;
    const tasks = await longTasks(page);
    return {
      files,
      treeMs,
      treeLongestTaskMs,
      events: events.length,
      eventsPerSecond: events.length / span,
      longTasksOver50: tasks.filter((t) => t > 50).length,
      longestTaskMs: Math.max(0, ...tasks),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
