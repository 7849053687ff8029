import { describe, expect, it } from "vitest";
import { screenshot, useServerAndBrowser } from "./harness.js";

const env = useServerAndBrowser({ seedBase: true });

describe("containers in the browser", () => {
  it("runs an image, opens a shell, creates a file, commits from the UI and finds the file added in the new image's top layer", async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(env.server.url);
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
    const rows = explorer.getByRole("row");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator(".file-change").textContent()).toBe("added");
    expect(await rows.first().locator(".file-name").textContent()).toBe("greeting");
    expect(await rows.first().locator(".file-size").textContent()).toBe("6B");
    await rows.first().getByRole("button", { name: "View file greeting" }).click();
    await expect.poll(() => page.getByLabel("File viewer").locator(".file-content").textContent()).toBe("hello\n");
    await page.getByRole("button", { name: "Efficiency" }).click();
    await expect.poll(() => page.getByLabel("Efficiency score").textContent()).toBe("100%");
    await page.getByRole("button", { name: "Compare" }).click();
    await page.getByLabel("Image to compare with").selectOption({ label: "busybox:1.36" });
    await expect.poll(() => page.getByLabel("Comparison summary").textContent()).toMatch(/^1 shared layers · 1 added · 0 modified · 0 deleted · \+6B$/);
    await page.getByRole("button", { name: "History" }).click();
    await expect.poll(() => page.getByLabel("History").locator("tbody tr").first().textContent()).toContain("said hello");
    await screenshot(page, "container-committed");
    await page.close();
  });
});
