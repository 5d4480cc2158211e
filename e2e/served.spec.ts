import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

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
  expect(cli.ranking.slice(0, 10).map((r: { model: string }) => r.model)).toEqual(top);

  const link = await page.getByTestId("share-link").inputValue();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  expect(await topModels(other, 10)).toEqual(top);
  await expect(other.getByTestId("stated-size")).toHaveValue("30000");
  await fresh.close();
});
