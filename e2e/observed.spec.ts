import { expect, test, type Page } from "@playwright/test";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");

const tryFirstIds = (page: Page) => page.getByTestId("try-first-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-model-id")!));
const observedInStore = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { observed: { model: string; value: number }[] } } }).__FENNEC__.getState().observed);

async function openModel(page: Page, id: string) {
  // The rank cell, not the name: the name is a link to the model's hub page.
  await page.locator(`[data-testid="rank-row"][data-model-id="${id}"] td`).first().click();
  await expect(page.getByTestId("model-detail")).toBeVisible();
}

test("measured results fold into the ranking, update the try-first list and travel in the link", async ({ page, browser }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  const top = await topModels(page, 10);
  await expect(page.getByTestId("try-first-item")).toHaveCount(3);
  const proposed = await tryFirstIds(page);
  expect(new Set(proposed).size).toBe(3);

  // A bad value gets a message and changes nothing.
  await openModel(page, top[0]);
  await page.getByTestId("observed-value").fill("not a number");
  await page.getByTestId("observed-save").click();
  await expect(page.getByTestId("observed-error")).toContainText("must be a number");
  await page.getByTestId("observed-value").fill("197");
  await page.getByTestId("observed-save").click();
  await expect(page.getByTestId("observed-error")).toContainText("between 0 and 1 (or 0–100%)");
  await expect(page.getByTestId("observed-list")).toHaveCount(0);
  expect(await observedInStore(page)).toEqual([]);
  expect(await topModels(page, 10)).toEqual(top);

  // One result: the badge, the list, and a new try-first list without the measured model.
  await page.getByTestId("observed-value").fill("0.93");
  await page.getByTestId("observed-save").click();
  await expect(page.getByTestId("observed-error")).toHaveCount(0);
  await expect(page.getByTestId("observed-list").locator("li")).toHaveCount(1);
  await expect(page.locator(`[data-testid="rank-row"][data-model-id="${top[0]}"] [data-testid="observed-badge"]`)).toContainText("measured by you");
  await expect.poll(() => tryFirstIds(page)).not.toContain(top[0]);
  await expect(page.getByTestId("try-first-item")).toHaveCount(3);

  // A second result, lower than the first model's: the ranking changes.
  await openModel(page, top[4]);
  await page.getByTestId("observed-value").fill("0.40");
  await page.getByTestId("observed-save").click();
  await expect(page.getByTestId("observed-list").locator("li")).toHaveCount(2);
  await expect.poll(() => topModels(page, 10)).not.toEqual(top);
  const ranked = await topModels(page, 10);
  expect(await observedInStore(page)).toHaveLength(2);

  // Removing one brings the list back to one entry.
  await page.getByTestId("observed-remove").last().click();
  await expect(page.getByTestId("observed-list").locator("li")).toHaveCount(1);
  await page.getByTestId("observed-value").fill("0.40");
  await page.getByTestId("observed-save").click();
  await expect(page.getByTestId("observed-list").locator("li")).toHaveCount(2);
  await expect.poll(() => topModels(page, 10)).toEqual(ranked);

  const link = await page.getByTestId("share-link").inputValue();
  expect(link.length).toBeLessThan(2000);
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  expect(await topModels(other, 10)).toEqual(ranked);
  await expect(other.getByTestId("error")).toHaveCount(0);
  expect((await observedInStore(other)).map((o) => o.model).sort()).toEqual([top[0], top[4]].sort());
  await expect(other.getByTestId("observed-list").locator("li")).toHaveCount(2);
  expect(await tryFirstIds(other)).toEqual(await tryFirstIds(page));
  await fresh.close();
});
