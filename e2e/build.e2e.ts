import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot, useServerAndBrowser } from "./harness.js";

const env = useServerAndBrowser({ seedBase: true });

async function open(): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(env.server.url);
  await page.waitForSelector(".monaco-editor .view-lines");
  await expect.poll(() => page.locator('[aria-label="Stage graph"] g[role="button"]').count()).toBe(3);
  return page;
}

const builds = (page: Page) => page.evaluate(async () => ((await (await fetch("/api/builds")).json()) as { builds: { status: string }[] }).builds);

async function buildAndWait(page: Page): Promise<void> {
  const before = (await builds(page)).length;
  await page.getByRole("button", { name: "Build (Ctrl+Enter)" }).click();
  // The status line still shows the previous build until the new one is queued: wait for the new one to end.
  await expect.poll(async () => (await builds(page)).length === before + 1 && !["queued", "running"].includes((await builds(page))[0]!.status), { timeout: 60_000 }).toBe(true);
  await expect.poll(() => page.locator(".build-status").textContent(), { timeout: 60_000 }).toMatch(/succeeded|failed/);
  expect(await page.locator(".build-status").textContent()).toBe("succeeded");
}

/** [line, badge] of every step that has a cache key (FROM and metadata steps show "—"). */
const badges = async (page: Page) =>
  (await page.locator(".step").evaluateAll((els) => els.map((e) => [e.querySelector(".step-line")?.textContent ?? "", e.querySelector(".step-badge")?.textContent ?? ""]))).filter(([, b]) => b !== "—");

describe("building from the browser", () => {
  it("a first build misses every step, a rebuild hits every step, and two viewers both see every step", async () => {
    const page = await open();
    const watcher = await (await env.browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await watcher.goto(env.server.url);
    await watcher.waitForSelector(".monaco-editor .view-lines");
    await buildAndWait(page);
    const first = await badges(page);
    expect(first.length).toBe(9);
    expect(first.every(([, b]) => b === "MISS")).toBe(true);
    await expect.poll(async () => (await badges(watcher)).length).toBe(first.length);
    await screenshot(page, "build-first");
    await buildAndWait(page);
    expect((await badges(page)).every(([, b]) => b === "CACHED")).toBe(true);
    await screenshot(watcher, "build-watcher");
    await watcher.close();
    await page.close();
  });

  it("editing a source file re-runs exactly the affected steps, and the reason names the file", async () => {
    const file = join(env.server.workspaceDir, "src/10-body.sh");
    writeFileSync(file, readFileSync(file, "utf8") + 'echo "edited"\n');
    const page = await open();
    await buildAndWait(page);
    const result = Object.fromEntries(await badges(page));
    // deps is untouched; build re-copies src and re-runs; the final stage's COPYs follow (parent chain).
    expect(result).toEqual({ "7": "CACHED", "8": "CACHED", "9": "CACHED", "13": "CACHED", "14": "CACHED", "15": "MISS", "16": "MISS", "20": "MISS", "21": "MISS" });
    await expect.poll(() => page.locator(".step-reason").first().textContent()).toMatch(/src\/10-body\.sh changed/);
    const notes = (await page.evaluate(() => (window as unknown as { layerlabLineNotes: () => { line: number; text: string }[] }).layerlabLineNotes())) as { line: number; text: string }[];
    expect(notes.find((n) => n.line === 15)?.text).toMatch(/^● built/);
    expect(notes.find((n) => n.line === 8)?.text).toMatch(/^✓ cached/);
    await screenshot(page, "build-edit");
    await page.close();
  });

  it("opening the built image shows the file a COPY added, with its size, in that layer", async () => {
    const page = await open();
    await buildAndWait(page);
    await page.getByRole("button", { name: "Open the built image" }).click();
    const copyLayer = page.getByRole("button", { name: /^Layer \d+: COPY \/app\/app\.sh \/usr\/local\/bin\/app/ });
    await copyLayer.click();
    for (const d of ["usr", "usr/local", "usr/local/bin"]) await page.getByRole("button", { name: `Open directory ${d}`, exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: "app" });
    await expect.poll(() => row.locator(".file-change").textContent()).toBe("added");
    expect(await row.locator(".file-size").textContent()).toMatch(/^\d+B$/);
    await screenshot(page, "image-explorer");
    await page.close();
  });

  it("compares two builds step by step, and lists the keyboard shortcuts", async () => {
    const page = await open();
    const history = page.getByLabel("Build history");
    await expect.poll(() => history.getByRole("checkbox").count()).toBeGreaterThanOrEqual(3);
    // The newest build (all cached) against the one after the edit (some built).
    await history.getByRole("checkbox").nth(0).check();
    await history.getByRole("checkbox").nth(2).check();
    await page.getByRole("button", { name: "Compare the two picked builds" }).click();
    const table = page.getByRole("table", { name: "Build comparison" });
    await expect.poll(() => table.locator("tbody tr").count()).toBeGreaterThan(5);
    await screenshot(page, "build-compare");
    await page.locator("body").click({ position: { x: 5, y: 700 } });
    await page.keyboard.press("?");
    await expect.poll(() => page.getByRole("dialog", { name: "Keyboard shortcuts" }).isVisible()).toBe(true);
    expect(await page.getByRole("dialog").textContent()).toContain("Build the open Dockerfile");
    await screenshot(page, "shortcuts");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    await page.close();
  });

  it("streams a step's output live with its colours, keeps a line that arrives in pieces whole, and shows earlier output on request", async () => {
    // 12,000 numbered lines (~130 kB, more than the view first shows), then a line written in two parts.
    writeFileSync(
      join(env.server.workspaceDir, "logs.Dockerfile"),
      "FROM busybox:1.36\nRUN printf '\\033[31mred\\033[0m plain\\n'; i=0; while [ $i -lt 12000 ]; do i=$((i+1)); echo \"line $i\"; done; sleep 1; printf 'half'; sleep 1; echo ' whole'\n",
    );
    const page = await open();
    await page.getByRole("navigation", { name: "Workspace files" }).getByRole("button", { name: "logs.Dockerfile" }).click();
    await expect.poll(() => page.locator('[aria-label="Stage graph"] g[role="button"]').count()).toBe(1);
    await page.getByRole("button", { name: "Build (Ctrl+Enter)" }).click();
    const show = page.getByRole("button", { name: "Show output of line 2" });
    await show.click({ timeout: 60_000 });
    // While it runs, its time so far ticks beside it.
    await expect.poll(() => page.locator(".step-running .step-time").textContent()).toMatch(/^\d+\.\ds$/);
    const log = page.getByRole("log", { name: "Output of line 2" });
    await expect.poll(() => log.textContent(), { timeout: 60_000 }).toContain("half whole\n");
    const text = (await log.textContent())!;
    expect(text).toContain("line 12000\nhalf whole");
    // It followed the output to its end.
    expect(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5);
    await screenshot(page, "build-log");

    // Reopened after the build: the last part first, earlier output a click (or two) away, colours kept.
    await page.getByRole("button", { name: "Hide output of line 2" }).click();
    await show.click();
    expect(await log.textContent()).not.toContain("line 1\n");
    const earlier = log.getByRole("button", { name: /^Show earlier output/ });
    while (await earlier.isVisible()) await earlier.click();
    const all = (await log.textContent())!;
    expect(all.startsWith("red plain\nline 1\nline 2\n")).toBe(true);
    expect(all.match(/^line \d+$/gm)).toHaveLength(12000);
    expect(await log.locator("span.ansi-1").first().textContent()).toBe("red");

    // The next build's step of the same name shows only its own output.
    writeFileSync(join(env.server.workspaceDir, "logs.Dockerfile"), "FROM busybox:1.36\nRUN echo second build\n");
    await buildAndWait(page);
    await show.click();
    await expect.poll(() => log.textContent()).toBe("second build\n");
    await page.close();
  });
});
