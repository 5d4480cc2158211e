import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import Papa from "papaparse";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");

async function rowIds(page: Page, n: number): Promise<string[]> {
  return page.getByTestId("rank-row").evaluateAll((rows, k) => rows.slice(0, k).map((r) => r.getAttribute("data-model-id")!), n);
}

async function cellTexts(page: Page, column: string, n: number): Promise<string[]> {
  const index = await page.getByTestId("rank-table").locator("thead th").evaluateAll((ths, c) => ths.findIndex((th) => th.getAttribute("data-column") === c), column);
  return page.getByTestId("rank-row").evaluateAll((rows, [i, k]) => rows.slice(0, k as number).map((r) => r.children[i as number].textContent ?? ""), [index, n]);
}

test.describe.configure({ mode: "serial" });

test("explore the ranking: sort, filter, detail, plots, export, link with filters, accessibility", async ({ page, browser }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  const top = await topModels(page, 10);

  // Sorting on a column marks it with aria-sort and orders the rows.
  const paramsHeader = page.locator('th[data-column="params"]');
  await paramsHeader.getByRole("button").click();
  await expect(paramsHeader).toHaveAttribute("aria-sort", "descending");
  const params = await page.getByTestId("rank-row").evaluateAll((rows) => rows.slice(0, 8).map((r) => r.getAttribute("data-model-id")!));
  expect(params).not.toEqual(top.slice(0, 8));
  await page.locator('th[data-column="predicted"]').getByRole("button").click();
  await expect(page.locator('th[data-column="predicted"]')).toHaveAttribute("aria-sort", "descending");
  expect(await rowIds(page, 10)).toEqual(top);

  // Text search and a family filter narrow the rows and announce the count.
  await page.getByTestId("filter-search").fill("swin");
  await expect(page.getByTestId("row-count")).toContainText(/of 180 models/);
  await expect
    .poll(async () => (await page.getByTestId("rank-row").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-model-id")} ${r.textContent}`))).every((t) => /swin/i.test(t)))
    .toBe(true);
  await page.getByTestId("filter-search").fill("");
  await page.getByTestId("filter-family").locator("summary").click();
  await page.getByTestId("filter-family").getByLabel("ConvNeXt").check();
  await page.getByTestId("filter-family").locator("summary").click();
  await page.getByTestId("filter-pmax").fill("100");
  await expect.poll(async () => new Set(await cellTexts(page, "family", 200))).toEqual(new Set(["ConvNeXt"]));
  const sizes = await cellTexts(page, "params", 200);
  expect(sizes.every((p) => p.endsWith("M") && parseFloat(p) <= 100)).toBe(true);
  const filtered = await rowIds(page, 3);

  // The detail panel explains a model.
  await page.getByTestId("rank-row").first().click();
  const detail = page.getByTestId("model-detail");
  await expect(detail).toBeVisible();
  await expect(detail).toContainText("Historical tasks");
  await expect(detail).toContainText("AutoModelForImageClassification.from_pretrained");
  await expect(detail.getByTestId("nearest-archs")).not.toBeEmpty();

  // Plots are drawn.
  await expect(page.getByTestId("transfer-map").locator("circle")).not.toHaveCount(0);
  await expect(page.getByTestId("pareto-plot").locator("path.front")).toHaveCount(1);

  // CSV download holds the visible rows in order.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
  const parsed = Papa.parse<Record<string, string>>(readFileSync((await csv.path())!, "utf8"), { header: true, skipEmptyLines: true });
  expect(parsed.data.slice(0, 3).map((r) => r.model)).toEqual(filtered);
  expect(parsed.data.every((r) => r.family === "ConvNeXt" && Number(r.params) <= 100e6)).toBe(true);
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
  const doc = JSON.parse(readFileSync((await json.path())!, "utf8"));
  expect(doc.bundle).toMatch(/^[0-9a-f]{64}$/);
  expect(doc.settings.filters).toEqual({ fam: ["ConvNeXt"], pmax: 100 });

  // The link carries filters, sort and the open model, and stays short.
  const link = await page.getByTestId("share-link").inputValue();
  expect(link.length).toBeLessThan(2000);
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await other.goto(link);
  await expect(other.getByTestId("model-detail")).toBeVisible();
  expect(await rowIds(other, 3)).toEqual(filtered);
  await expect(other.getByTestId("filter-pmax")).toHaveValue("100");
  await ctx.close();

  // No serious or critical accessibility violations with the table, detail and plots on screen.
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});
