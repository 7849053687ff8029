import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, startTestServer } from "./harness.js";

let browser: Browser;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ seedBase: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("containers in the browser", () => {
  it("runs an image, opens a shell, creates a file, commits from the UI and finds the file added in the new image's top layer", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.getByRole("button", { name: "Images" }).click();
    await page.getByRole("button", { name: "Run image busybox:1.36" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 30_000 }).toBe("Shell: connected");
    const terminal = page.locator('[aria-label="Container terminal"]');
    await terminal.click();
    await page.keyboard.type("echo hello > /greeting; echo MADE-$((6*7))\n");
    await expect.poll(() => terminal.locator(".xterm-rows").textContent(), { timeout: 15_000 }).toContain("MADE-42");
    await page.getByRole("button", { name: "Refresh changes" }).click();
    await expect.poll(() => page.getByLabel("added /greeting").count()).toBe(1);
    await screenshot(page, "container-terminal");
    await page.getByLabel("New image name").fill("greeted:1");
    await page.getByLabel("Commit message").fill("said hello");
    await page.getByRole("button", { name: "Commit the container as an image" }).click();
    const explorer = page.getByLabel("Image explorer", { exact: true });
    await expect.poll(() => explorer.textContent(), { timeout: 15_000 }).toContain("greeted:1");
    const rows = explorer.locator(".file-table tr");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/^addedgreeting6B$/);
    await screenshot(page, "container-committed");
    await page.close();
  });
});
