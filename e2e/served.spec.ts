import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { chooseFolder, firstPerBackbone, FIXTURES, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");
const TINY = resolve(FIXTURES, "caltech-tiny");

test("a thin folder is ranked with a warning that says what the ranking rests on", async ({ page }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, TINY);
  await topModels(page, 10);
  await expect(page.getByTestId("input-warning")).toContainText("Only 4 images could be used");
  // The CLI says the same of the same folder.
  const cli = JSON.parse(execFileSync("npx", ["tsx", "cli/rank.ts", TINY, "--zoo", "hub", "--json"], { encoding: "utf8" }));
  expect(cli.task.warnings.join(" ")).toContain("Only 4 images could be used");
});

test("stated dataset facts re-rank as the CLI does, travel in the share link, and a bad value is refused", async ({ page, browser }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  await topModels(page, 10);
  await expect(page.getByTestId("input-warning")).toHaveCount(0);
  await page.getByTestId("stated-size").fill("1");
  await page.getByTestId("stated-classes").fill("1");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("stated-error")).toContainText("the number of classes must be a whole number from 2");

  await page.getByTestId("stated-size").fill("30,000");
  await page.getByTestId("stated-classes").fill("102");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("stated-error")).toHaveCount(0);
  await expect(page.getByTestId("task-summary")).toContainText("102 classes (stated) and 30,000 training images (stated)");
  const top = await topModels(page, 10);
  const cli = JSON.parse(execFileSync("npx", ["tsx", "cli/rank.ts", MINI, "--zoo", "hub", "--dataset-size", "30000", "--classes", "102", "--json"], { encoding: "utf8" }));
  expect(cli.task.stated).toEqual({ size: 30000, classes: 102 });
  // The table shows one row per backbone: the CLI's ranking, each backbone at its best member.
  expect(firstPerBackbone(cli.ranking).slice(0, 10)).toEqual(top);

  const link = await page.getByTestId("share-link").inputValue();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  expect(await topModels(other, 10)).toEqual(top);
  await expect(other.getByTestId("stated-size")).toHaveValue("30000");
  await fresh.close();
});

test("rows read as predicted results with intervals, one row per backbone; try-first proposes distinct credible backbones", async ({ page }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  const top = await topModels(page, 10);
  const cells = page.getByTestId("rank-row").locator('[data-testid="predicted"]');
  await expect(cells.first()).toHaveText(/^\d{1,3}\.\d% \(\d{1,3}–\d{1,3}\)$/);
  const backbones = await page.getByTestId("rank-row").evaluateAll((rows) => rows.slice(0, 10).map((r) => r.getAttribute("data-backbone")));
  expect(new Set(backbones).size).toBe(10);
  // The CLI's ranking of the same folder carries the same predicted value.
  const cli = JSON.parse(execFileSync("npx", ["tsx", "cli/rank.ts", MINI, "--zoo", "hub", "--json"], { encoding: "utf8" }));
  const first = cli.ranking.find((r: { model: string }) => r.model === top[0]);
  const k = 100; // 0–1 accuracy shown in percent
  await expect(cells.first()).toHaveText(`${(first.predicted.value * k).toFixed(1)}% (${Math.round(first.predicted.low * k)}–${Math.round(first.predicted.high * k)})`);
  // Try-first: distinct backbones, each within the top 15 of the ranking.
  const rankOf = new Map(cli.ranking.map((r: { model: string }, i: number) => [r.model, i + 1]));
  const backboneOf = new Map(cli.ranking.map((r: { model: string; backbone: string }) => [r.model, r.backbone]));
  const proposed = await page.getByTestId("try-first-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-model-id")!));
  expect(proposed).toEqual(cli.tryFirst);
  expect(new Set(proposed.map((m) => backboneOf.get(m))).size).toBe(proposed.length);
  expect(proposed.every((m) => (rankOf.get(m) as number) <= 15)).toBe(true);
  // "+N variants" opens a backbone's other checkpoints.
  const withVariants = page.getByTestId("variants").first();
  const shown = async () => Number((await page.getByTestId("row-count").textContent())!.match(/(\d+) rows \(one per backbone\)/)?.[1] ?? 180);
  const before = await shown();
  expect(before).toBeLessThan(180);
  await expect(withVariants).toBeVisible();
  await withVariants.click();
  await expect.poll(shown).toBeGreaterThan(before);
});
