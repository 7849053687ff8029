import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
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
 * The generator runs at the lowest priority, so it only ever takes CPU nobody else wants; given
 * a core, it is pinned there (see `confineBrowser`).
 */
const noisyDockerfile = (core: number | null) =>
  `FROM busybox:1.36\nRUN busybox renice -n 19 -p $$ >/dev/null && ${core === null ? "" : `busybox taskset -c ${core} `}awk 'BEGIN { for (i = 0; i < 20000; i++) { print "\\033[32mline\\033[0m " i; fflush(); for (j = 0; j < ${process.env.LAYERLAB_BENCH_SPIN ?? 1200}; j++) {} } }'\n`;

export interface UiBench {
  /** The core Chromium had to itself while the server and the build used the others, if any. */
  browserCore: number | null;
  files: number;
  treeMs: number;
  treeLongestTaskMs: number;
  events: number;
  eventsPerSecond: number;
  longTasksOver50: number;
  longestTaskMs: number;
  /** Whether the step's output was open while it streamed, and how many lines it showed. */
  logOpen: boolean;
  shownLines: number;
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
    const w = globalThis as unknown as { longTasks: number[]; longTaskObserver?: { disconnect(): void } };
    // One observer at a time: a second one would count every task twice.
    w.longTaskObserver?.disconnect();
    w.longTasks = [];
    // Runs in the page: the browser's observer, typed here with Node's lib.
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }) as unknown as { observe(options: { type: string }): void; disconnect(): void };
    observer.observe({ type: "longtask" });
    w.longTaskObserver = observer;
  });
const longTasks = (page: Page) => page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);

/**
 * Chromium confined to the last core and this process (the server and the build) to the
 * others, as when the page runs on the viewer's machine and the build on a server. Without
 * it, on two cores, the server and the build's busy generator take the CPU from the page's
 * main thread mid-task: traces show such "long" tasks using 5–15 ms of CPU in 50–100 ms.
 * The generator itself, at the lowest priority, goes on the browser's core: the server then
 * has a core to itself (so it can send 2,000 events a second), and the page still wins every
 * contest for its core.
 */
function confineBrowser(dir: string): { executable: string; core: number; release(): void } {
  const n = cpus().length;
  const core = n - 1;
  const executable = join(dir, "chromium-on-one-core");
  writeFileSync(executable, `#!/bin/sh\nexec taskset -c ${core} ${CHROMIUM} "$@"\n`);
  chmodSync(executable, 0o755);
  const pin = (cores: string) => execFileSync("taskset", ["-a", "-cp", cores, String(process.pid)], { stdio: "ignore" });
  pin(`0-${core - 1}`);
  return { executable, core, release: () => pin(`0-${core}`) };
}

/**
 * The web app under load, in Debian's Chromium: opening a 100,000-file directory of an image
 * in the explorer, and a build streaming about 2,000 events a second into the timeline, with
 * the step's output open, while the panel is scrolled. Long tasks come from the browser's own
 * PerformanceObserver. With `ownCore` (and at least two cores) the browser gets a core of its own.
 */
export async function benchUi({ files = 100_000, ownCore }: { files?: number; ownCore: boolean }): Promise<UiBench> {
  const dir = mkdtempSync(join(tmpdir(), "layerlab-bench-ui-"));
  const confined = ownCore && cpus().length >= 2 ? confineBrowser(dir) : null;
  process.env.LAYERLAB_HOME = join(dir, "home");
  const store = await ImageStore.open(process.env.LAYERLAB_HOME);
  await importRootfs(store, [await busyboxRootfsTar()], { tags: [parseTagName("busybox:1.36")!], changes: ['CMD ["sh"]'] });
  await importRootfs(store, [await rootfsWith(files)], { tags: [parseTagName("many-files:1")!] });
  const workspace = join(dir, "ws");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "Dockerfile"), noisyDockerfile(confined?.core ?? null));
  const server = await startServer({ workspaceDir: workspace, port: 0, token: "bench", webDist: WEB_DIST });
  const browser = await chromium.launch({ executablePath: confined?.executable ?? CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
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
    const trace = process.env.LAYERLAB_BENCH_TRACE;
    if (trace) await browser.startTracing(page, { path: trace, screenshots: false });
    const before = (await server.hub.history()).length;
    await page.getByRole("button", { name: "Build (Ctrl+Enter)" }).click();
    const aside = page.getByRole("complementary", { name: "Dockerfile structure" });
    // The streaming step's output is open, as someone watching the build would have it.
    const showLog = page.getByRole("button", { name: "Show output of line 2" });
    let logOpen = false;
    // The pointer rests on the panel and only the wheel moves: Playwright's own element queries
    // run in the page and walk the whole DOM, so they stay out of the measured loop.
    const box = (await aside.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (;;) {
      if (!logOpen && (await server.hub.history())[0]?.status === "running" && (await showLog.isVisible())) {
        await showLog.click();
        logOpen = true;
      }
      const builds = await server.hub.history();
      if (builds.length > before && !["queued", "running"].includes(builds[0]!.status)) break;
      await page.mouse.wheel(0, 200);
      await page.waitForTimeout(50);
      await page.mouse.wheel(0, -200);
    }
    if (trace) await browser.stopTracing();
    const build = (await server.hub.history())[0]!;
    if (build.status !== "succeeded") throw new Error(`the streaming build ${build.id} ended ${build.status}; its events are in ${process.env.LAYERLAB_HOME}`);
    const id = build.id;
    const shownLines = (await page.getByLabel("Output of line 2", { exact: true }).textContent())?.split("\n").length ?? 0;
    const events = (await server.hub.events(id)) ?? [];
    const span = (events.at(-1)!.time - events[0]!.time) / 1000;
    const tasks = await longTasks(page);
    return {
      browserCore: confined?.core ?? null,
      files,
      treeMs,
      treeLongestTaskMs,
      events: events.length,
      eventsPerSecond: events.length / span,
      longTasksOver50: tasks.filter((t) => t > 50).length,
      longestTaskMs: Math.max(0, ...tasks),
      logOpen,
      shownLines,
    };
  } finally {
    await browser.close();
    await server.close();
    confined?.release();
  }
}
