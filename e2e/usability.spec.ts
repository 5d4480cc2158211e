/**
 * Usable by everyone: keyboard only (one tab stop for the table, roving focus, the panel takes
 * focus and Escape gives it back, a skip link), a phone viewport, the bundled example, and axe.
 * Real proxy model, real images (the bundled CC BY example), real Chromium.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { topModels } from "./helpers.ts";

/** The focused element's test id and model id, read in the page. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { testid: el?.dataset.testid ?? null, model: el?.dataset.modelId ?? null, inTable: !!el?.closest('[data-testid="rank-table"]'), inDetail: !!el?.closest('[data-testid="model-detail"]'), tag: el?.tagName ?? null };
  });

/** Presses Tab until `done` holds for the focused element; returns how many presses it took. */
async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 40, key = "Tab"): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press(key);
    if (done(await focused(page))) return n;
  }
  throw new Error(`not reached in ${max} presses of ${key}; focus is on ${JSON.stringify(await focused(page))}`);
}

test("keyboard only: the example, a skip link, one tab stop with arrow keys, the panel takes and gives back focus; axe finds no violation", async ({ page }) => {
  await page.goto("/?backend=wasm");
  await expect(page.getByTestId("example-dataset")).toBeVisible();
  // From the top of the page: the skip link first, then the example button within a few presses.
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("skip-link")).toBeFocused();
  await expect(page.getByTestId("skip-link")).toHaveText("Skip to choosing a folder");
  const toExample = await tabUntil(page, (f) => f.testid === "example-dataset", 10);
  expect(toExample).toBeLessThanOrEqual(4);
  await page.keyboard.press("Enter");
  const top = await topModels(page, 10);
  await expect(page.getByTestId("dataset-summary")).toContainText("The example: 32 usable images in 8 classes");

  // The skip link now leads to the ranking's one tab stop: the first row.
  // (Back to the top of the page: Shift+Tab until the skip link, the first focusable element.)
  await tabUntil(page, (f) => f.testid === "skip-link", 20, "Shift+Tab");
  await expect(page.getByTestId("skip-link")).toHaveText("Skip to the ranking");
  await page.keyboard.press("Enter");
  expect(await focused(page)).toMatchObject({ testid: "rank-row", model: top[0] });

  // Arrow keys, End and Home move the focus along the rows; the focused row is rendered and in view.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  expect((await focused(page)).model).toBe(top[2]);
  await page.keyboard.press("End");
  // One row per backbone: the last row's index is the table's row count (header included).
  const rowCount = await page.getByTestId("rank-table").getAttribute("aria-rowcount");
  const last = page.locator(`[data-testid="rank-row"][aria-rowindex="${rowCount}"]`);
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();
  await page.keyboard.press("Home");
  await expect(page.locator(`[data-testid="rank-row"][data-model-id="${top[0]}"]`)).toBeFocused();
  // Only the active row is a tab stop: one Tab leaves the table, Shift+Tab comes back to the same row.
  expect(await page.locator('[data-testid="rank-row"][tabindex="0"]').count()).toBe(1);
  expect(await page.locator('[data-testid="rank-table"] a[href], [data-testid="rank-table"] tbody button').evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length)).toBe(0);
  await page.keyboard.press("Tab");
  expect((await focused(page)).inTable).toBe(false);
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toMatchObject({ testid: "rank-row", model: top[0] });

  // Enter opens the panel and moves focus into it; the result field is a few Tabs away.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const detail = page.getByTestId("model-detail");
  await expect(detail).toBeVisible();
  // The second row (one row per backbone: the best member of the second backbone).
  await expect(detail.locator("h2")).toContainText(top[1]);
  expect((await focused(page)).inDetail).toBe(true);
  const toResult = await tabUntil(page, (f) => f.testid === "observed-value", 10);
  expect(toResult).toBeLessThanOrEqual(4);
  // The metric's range is said once.
  await expect(detail).not.toContainText("(0–1) (0–1)");
  await expect(detail).toContainText("fine-tuning test accuracy (0–1)");

  // No violation with the ranking and the open panel on screen (axe's whole rule set).
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);

  // Escape closes the panel and focus goes back to the row it came from.
  await page.keyboard.press("Escape");
  await expect(detail).toHaveCount(0);
  expect(await focused(page)).toMatchObject({ testid: "rank-row", model: top[1] });

  // The first click on Rank sorts best-first; empty columns are left out.
  await page.locator('th[data-column="rank"]').getByRole("button").click();
  await expect(page.locator('th[data-column="rank"]')).toHaveAttribute("aria-sort", "ascending");
  expect(await page.getByTestId("rank-row").first().getAttribute("data-model-id")).toBe(top[0]);
  await expect(page.locator('th[data-column="top1"]')).toHaveCount(0);
  await page.getByTestId("zoo-timm").check();
  await expect(page.locator('th[data-column="top1"]')).toHaveCount(1);
});

test("the model's name opens its panel; the hub page is a separate link", async ({ page, context }) => {
  await page.goto("/?backend=wasm");
  await page.getByTestId("example-dataset").click();
  const top = await topModels(page, 3);
  let opened = 0;
  context.on("page", () => opened++);
  const row = page.locator(`[data-testid="rank-row"][data-model-id="${top[0]}"]`);
  await row.getByRole("button", { name: /./ }).first().click();
  await expect(page.getByTestId("model-detail")).toBeVisible();
  await expect(page.getByTestId("model-detail").locator("h2")).toContainText("#1 ");
  expect(opened).toBe(0);
  const out = row.getByRole("link", { name: /model page/ });
  await expect(out).toHaveText("model page ↗");
  await expect(out).toHaveAttribute("target", "_blank");
  expect(new URL((await out.getAttribute("href"))!).hostname).toBe("huggingface.co");
});

test("the example ranks a bundled CC BY folder from the app's own origin, with its attribution", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto("/?backend=wasm");
  await expect(page.getByTestId("intro")).toBeVisible();
  await expect(page.getByTestId("example-attribution").first()).toContainText("CC BY 4.0");
  await expect(page.getByTestId("example-attribution").first()).toContainText("Caltech-101");
  // The first visit's page, before anything is ranked, has no accessibility violation either.
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
  await page.getByTestId("example-dataset").click();
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  await expect(page.getByTestId("intro")).toHaveCount(0);
  const state = await page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { embedded: { label: string }[]; errors: string[]; example: boolean } } }).__FENNEC__.getState());
  expect(state.embedded).toHaveLength(32);
  expect(new Set(state.embedded.map((e) => e.label)).size).toBe(8);
  expect(state.errors).toEqual([]);
  expect(state.example).toBe(true);
  await page.getByTestId("dataset-summary").locator("summary").click();
  await expect(page.getByTestId("dataset-summary").getByTestId("example-attribution")).toContainText("CC BY 4.0");
  expect(requests.filter((u) => /\/example\/caltech-mini\/.+\.jpg$/.test(u))).toHaveLength(32);
  expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(blob|data):/.test(u))).toEqual([]);
});

test.describe("phone (390 × 844)", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("rows show rank, name and the result without sideways scrolling; the panel is a full-screen sheet; filters fold away", async ({ page }) => {
    await page.goto("/?backend=wasm");
    await page.getByTestId("example-dataset").click();
    await topModels(page, 5);
    const width = 390;
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const scroll = page.locator(".table-scroll");
    expect(await scroll.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    for (const row of await page.getByTestId("rank-row").all().then((r) => r.slice(0, 5))) {
      const cells = await row.locator("td").evaluateAll((tds) => tds.filter((td) => (td as HTMLElement).offsetParent !== null).map((td) => ({ col: td.getAttribute("data-column"), right: td.getBoundingClientRect().right, text: td.textContent })));
      expect(cells.map((c) => c.col)).toEqual(["rank", "model", "predicted"]);
      for (const c of cells) expect(c.right, `${c.col} ends within the screen`).toBeLessThanOrEqual(width);
      expect(cells[2].text).toMatch(/^\d{1,3}\.\d% \(\d{1,3}–\d{1,3}\)$/);
    }
    // The filters fold behind one line until asked for.
    await expect(page.getByTestId("filter-family")).toBeHidden();
    await page.getByTestId("filters-fold").locator("summary").first().click();
    await expect(page.getByTestId("filter-family")).toBeVisible();
    await page.getByTestId("filter-family").locator("summary").click();

    // The panel covers the screen, above the open filter boxes, with its key lines visible.
    await page.getByTestId("rank-row").first().locator("button.model-name").click();
    const detail = page.getByTestId("model-detail");
    await expect(detail).toBeVisible();
    const box = (await detail.boundingBox())!;
    expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, width, 844]);
    // The predicted line (its wording follows the zoo's result column) and the result entry.
    for (const text of [/Predicted (score|result)/, /Your measured result/]) {
      const target = detail.getByText(text).first();
      await target.scrollIntoViewIfNeeded();
      await expect(target).toBeInViewport();
      const onTop = await target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + Math.min(10, r.width / 2), r.top + r.height / 2);
        return !!hit && !!hit.closest('[data-testid="model-detail"]');
      });
      expect(onTop, `"${text}" is drawn on top`).toBe(true);
    }
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
    await detail.getByRole("button", { name: /Close/ }).click();
    await expect(detail).toHaveCount(0);
  });
});

test.describe("offline", () => {
  test.use({ serviceWorkers: "allow" });

  test("the example's photos are not part of the service worker's install, and once used the example ranks offline", async ({ page, context }) => {
    await page.goto("/?backend=wasm");
    const cachedPaths = () =>
      page.evaluate(async () => {
        const names = await caches.keys();
        return (await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat();
      });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    });
    expect((await cachedPaths()).filter((p) => p.startsWith("/example/caltech-mini/"))).toEqual([]);
    await page.getByTestId("example-dataset").click();
    const top = await topModels(page, 10);
    // The model and the WASM reach the cache from the session's own download; the photos on use.
    await expect
      .poll(async () => {
        const keys = await cachedPaths();
        return [keys.filter((p) => p.startsWith("/example/caltech-mini/")).length, keys.includes("/models/mobilenetv2-fp32.onnx") && keys.some((k) => k.endsWith(".wasm"))];
      })
      .toEqual([32, true]);
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId("example-dataset").click();
    expect(await topModels(page, 10)).toEqual(top);
    await expect(page.getByTestId("error")).toHaveCount(0);
  });
});
