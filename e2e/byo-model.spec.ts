import { expect, test } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";
import { tinyResNetOnnx } from "./makeOnnx.ts";

test("a dropped ONNX model is parsed in the page and appears in the table, marked as yours", async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), "fennec-onnx-"));
  const file = join(dir, "tiny-resnet.onnx");
  writeFileSync(file, tinyResNetOnnx());
  writeFileSync(join(dir, "notes.txt"), "not a model");
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));

  await page.goto("/?backend=wasm");
  await chooseFolder(page, resolve(FIXTURES, "caltech-tiny"));
  await topModels(page, 5);
  await page.getByTestId("zoo-classic").check();
  await page.getByTestId("model-input").setInputFiles(file);
  const row = page.locator('[data-testid="rank-row"][data-model-id="yours:tiny-resnet"]');
  await page.getByTestId("filter-search").fill("tiny-resnet");
  await expect(row).toBeVisible();
  await expect(row).toContainText("yours, predicted");
  await expect(page.getByTestId("model-detail")).toContainText("predicted from its ONNX graph alone");
  await expect(page.getByTestId("row-count")).toContainText("of 37 models");

  // A file that is not ONNX is refused with a message naming it.
  await page.getByTestId("model-input").setInputFiles(join(dir, "notes.txt"));
  await expect(page.getByTestId("error")).toContainText("notes.txt: not an .onnx file");
  expect(pageErrors).toEqual([]);
  // Nothing was uploaded: every request stayed on the app's origin.
  expect(requests.filter((u) => !u.startsWith(`http://localhost:${process.env.E2E_PORT ?? 4173}/`) && !u.startsWith("blob:") && !u.startsWith("data:"))).toEqual([]);
});
