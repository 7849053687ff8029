import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImageStore, saveImages } from "@layerlab/core/node";
import { startRegistry, type LocalRegistry } from "@layerlab/core/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, startTestServer, tmp } from "./harness.js";

let browser: Browser;
let server: Awaited<ReturnType<typeof startTestServer>>;
let registry: LocalRegistry;

beforeAll(async () => {
  server = await startTestServer({ seedBase: true });
  browser = await launchBrowser();
  registry = await startRegistry();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await registry?.stop();
});

const imageNames = (page: Page) => page.getByRole("table", { name: "Image list" }).locator("tbody tr td:first-child").allTextContents();

describe("the images page", () => {
  it("tags, pushes to a registry, removes, pulls back, loads an archive by upload, and shows disk usage", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.getByRole("button", { name: "Images" }).click();
    await expect.poll(() => imageNames(page)).toEqual(["busybox:1.36"]);
    expect(await page.getByLabel("Disk usage").textContent()).toMatch(/^1 images, 2\.\d+MB/);
    const remote = `${registry.host}/team/bb:1`;
    page.once("dialog", (d) => void d.accept(remote));
    await page.getByRole("button", { name: "Tag image busybox:1.36" }).click();
    await expect.poll(() => imageNames(page)).toEqual([`busybox:1.36, ${remote}`]);
    await page.getByLabel("Image reference to pull or push").fill(remote);
    await page.getByRole("button", { name: "Push the image" }).click();
    await expect.poll(() => page.getByLabel("Transfer progress").textContent(), { timeout: 30_000 }).toMatch(/^pushed /);
    const archive = join(tmp(), "bb.tar");
    const parts: Buffer[] = [];
    for await (const chunk of await saveImages(await ImageStore.open(process.env.LAYERLAB_HOME!), ["busybox:1.36"])) parts.push(chunk as Buffer);
    writeFileSync(archive, Buffer.concat(parts));
    await page.getByRole("button", { name: `Remove image busybox:1.36` }).click();
    await expect.poll(() => imageNames(page)).toEqual([remote]);
    await page.getByRole("button", { name: `Remove image ${remote}` }).click();
    await expect.poll(() => imageNames(page)).toEqual([]);
    await page.getByRole("button", { name: "Pull the image" }).click();
    await expect.poll(() => page.getByLabel("Transfer progress").textContent(), { timeout: 30_000 }).toBe(`pulled ${remote}`);
    await expect.poll(() => imageNames(page)).toEqual([remote]);
    await page.getByLabel("Load an image archive").setInputFiles(archive);
    await expect.poll(() => page.getByLabel("Transfer progress").textContent(), { timeout: 30_000 }).toBe("loaded busybox:1.36");
    await expect.poll(async () => (await imageNames(page)).map((n) => n.split(", ").sort().join(", "))).toEqual([[remote, "busybox:1.36"].sort().join(", ")]);
    await screenshot(page, "images-page");
    await page.close();
  });
});
