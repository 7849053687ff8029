import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useServerAndBrowser } from "./harness.js";

const env = useServerAndBrowser({ seedBase: true });

const INTERACTIVE = new Set(["button", "textbox", "combobox", "checkbox", "link", "menuitem", "tab", "slider", "spinbutton", "searchbox", "listbox", "radio", "switch", "treeitem"]);

interface AxNode {
  role?: { value: string };
  name?: { value: string };
  ignored: boolean;
  backendDOMNodeId?: number;
}

/** The page's controls that assistive technology would announce without a name, as HTML. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: AxNode[] };
  const out: string[] = [];
  for (const n of nodes) {
    if (n.ignored || !n.role || !INTERACTIVE.has(n.role.value) || (n.name?.value ?? "").trim() !== "") continue;
    const { object } = await cdp.send("DOM.resolveNode", { backendNodeId: n.backendDOMNodeId! });
    const html = await cdp.send("Runtime.callFunctionOn", { objectId: object.objectId!, functionDeclaration: "function () { return this.outerHTML.slice(0, 200); }", returnByValue: true });
    out.push(`${n.role.value}: ${String(html.result.value)}`);
  }
  await cdp.detach();
  return out;
}

/** Every control named, and nothing wider than the 1280×720 window. */
async function expectUsable(page: Page, view: string): Promise<void> {
  expect(await unnamedControls(page), view).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBeLessThanOrEqual(1280);
}

describe("every view at 1280×720", () => {
  it("names every control for assistive technology and fits the window", async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(env.server.url);
    await page.waitForSelector(".monaco-editor .view-lines");
    await page.getByRole("button", { name: "Build (Ctrl+Enter)" }).click();
    await page.getByRole("button", { name: "Open the built image" }).waitFor({ timeout: 60_000 });
    await expectUsable(page, "workspace after a build");

    await page.getByRole("button", { name: "Open the built image" }).click();
    const views = page.getByRole("navigation", { name: "Image views" }).getByRole("button");
    const names = await views.allTextContents();
    expect(names).toEqual(["Layers & files", "History", "Efficiency", "Compare"]);
    for (const name of names) {
      await views.filter({ hasText: name }).click();
      await page.waitForLoadState("networkidle");
      await expectUsable(page, `image explorer: ${name}`);
    }
    await page.getByRole("button", { name: "Close the image explorer" }).click();

    await page.getByRole("button", { name: "Keyboard shortcuts (?)" }).click();
    await expectUsable(page, "shortcuts overlay");
    await page.keyboard.press("Escape");

    for (const name of ["Images", "Containers"]) {
      await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name }).click();
      await page.waitForLoadState("networkidle");
      await expectUsable(page, `${name} page`);
    }
    await page.getByRole("button", { name: "Switch theme" }).click();
    await expectUsable(page, "Containers page, light theme");
    await page.close();
  });
});
