import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, startTestServer } from "./harness.js";

let browser: Browser;
let server: Awaited<ReturnType<typeof startTestServer>>;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(server.url);
  await page.waitForSelector(".monaco-editor .view-lines");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Markers Monaco draws for the current model, as [line, message] pairs. */
async function markers(): Promise<{ line: number; message: string; severity: number }[]> {
  return page.evaluate(() => {
    const w = window as unknown as { layerlabMarkers?: () => { line: number; message: string; severity: number }[] };
    return w.layerlabMarkers ? w.layerlabMarkers() : [];
  });
}

async function replaceText(text: string): Promise<void> {
  await page.click(".monaco-editor .view-lines");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

describe("the Dockerfile editor", () => {
  it("opens the workspace Dockerfile and draws its stage graph", async () => {
    await expect.poll(() => page.locator('[aria-label="Stage graph"] g[role="button"]').count()).toBe(3);
    await screenshot(page, "editor-sample");
  });

  it("marks a mistake on its line as you type, and clears it when fixed", async () => {
    await replaceText("FROM busybox:1.36\nRUNN echo hello\nUSER user\n");
    await expect.poll(async () => (await markers()).filter((m) => m.severity === 8).map((m) => m.line)).toEqual([2]);
    expect((await markers())[0]!.message).toContain("unknown instruction: RUNN (did you mean RUN?)");
    await expect.poll(() => page.locator(".diag-error").count()).toBe(1);
    await screenshot(page, "editor-error");
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Delete");
    await expect.poll(async () => (await markers()).filter((m) => m.severity === 8)).toEqual([]);
    await expect.poll(() => page.locator(".diag-error").count()).toBe(0);
  });

  it("completes flags and stage names, explains instructions on hover, and applies a lint quick fix", async () => {
    await replaceText("FROM busybox:1.36 AS deps\nFROM busybox:1.36\nCOPY --fr");
    await page.keyboard.press("Control+Space");
    const suggestions = page.locator(".suggest-widget .monaco-list-row");
    await expect.poll(() => suggestions.first().getAttribute("aria-label")).toMatch(/^--from/);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+Space");
    await expect.poll(() => suggestions.first().getAttribute("aria-label")).toMatch(/^deps/);
    await page.keyboard.press("Escape");
    const text = () => page.evaluate(() => (window as unknown as { layerlabEditorText: () => string }).layerlabEditorText());
    expect(await text()).toBe("FROM busybox:1.36 AS deps\nFROM busybox:1.36\nCOPY --from=");
    await page.locator(".view-line", { hasText: "COPY --from=" }).locator("span", { hasText: "--from" }).last().hover();
    await expect.poll(() => page.locator(".monaco-hover", { hasText: "Copy from a stage (name or index) or an image" }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await replaceText("FROM busybox:1.36 AS Build\n");
    await expect.poll(async () => (await markers()).some((m) => m.message.startsWith("Stage name 'Build' should be lowercase"))).toBe(true);
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("End");
    await page.keyboard.press("Control+.");
    await expect.poll(() => page.locator(".action-widget", { hasText: "Make the stage name lowercase" }).count()).toBeGreaterThan(0);
    await page.keyboard.press("Enter");
    await expect.poll(text).toBe("FROM busybox:1.36 AS build\n");
    await screenshot(page, "editor-assist");
  });
});
