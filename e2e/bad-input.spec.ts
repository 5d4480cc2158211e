import { expect, test, type Page } from "@playwright/test";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

const photo = (cls: string, n: number) => resolve(FIXTURES, "caltech-mini", cls, `image_000${n}.jpg`);

/** Collects uncaught page errors: a bad file must never crash the page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test("corrupt, zero-byte and non-image files are named and skipped; the rest is ranked", async ({ page }) => {
  const root = join(mkdtempSync(join(tmpdir(), "fennec-bad-")), "mixed");
  for (const cls of ["airplanes", "butterfly"]) {
    mkdirSync(join(root, cls), { recursive: true });
    for (const n of [1, 2]) copyFileSync(photo(cls, n), join(root, cls, `${n}.jpg`));
  }
  writeFileSync(join(root, "airplanes", "notes.txt"), "not an image");
  writeFileSync(join(root, "airplanes", "empty.jpg"), "");
  writeFileSync(join(root, "butterfly", "text-renamed.jpg"), "this is text, not a JPEG");
  writeFileSync(join(root, "butterfly", "truncated.jpg"), readFileSync(photo("butterfly", 3)).subarray(0, 200));
  writeFileSync(join(root, "butterfly", "<img src=x onerror=alert(1)>.png"), "fake");
  const errors = watchErrors(page);

  await page.goto("/?backend=wasm");
  await chooseFolder(page, root);
  await topModels(page, 10);
  const skipped = page.getByTestId("skipped-files");
  await expect(skipped).toContainText("mixed/airplanes/notes.txt");
  await expect(skipped).toContainText("not an image type");
  await expect(skipped).toContainText("mixed/airplanes/empty.jpg: empty file (0 bytes)");
  await expect(skipped).toContainText("mixed/butterfly/text-renamed.jpg: could not decode image");
  await expect(skipped).toContainText("mixed/butterfly/truncated.jpg: could not decode image");
  // A file name with markup is shown as text, never interpreted.
  await expect(skipped).toContainText("<img src=x onerror=alert(1)>.png");
  await expect(page.locator(".skipped img")).toHaveCount(0);
  await expect(page.locator(".summary")).toContainText("4 images, 2 classes");
  expect(errors).toEqual([]);
});

test("a folder with no usable image says what to do, and an empty folder too", async ({ page }) => {
  const base = mkdtempSync(join(tmpdir(), "fennec-empty-"));
  const junk = join(base, "junk");
  mkdirSync(join(junk, "a"), { recursive: true });
  writeFileSync(join(junk, "a", "readme.md"), "# hi");
  writeFileSync(join(junk, "a", "data.csv"), "1,2");
  const errors = watchErrors(page);
  await page.goto("/?backend=wasm");
  await chooseFolder(page, junk);
  await expect(page.getByTestId("error")).toContainText("None of the 2 files is an image we can read");
  await expect(page.getByTestId("skipped-files")).toContainText("junk/a/readme.md");
  await expect(page.getByTestId("rank-row")).toHaveCount(0);

  const empty = join(base, "empty");
  mkdirSync(empty);
  await chooseFolder(page, empty);
  await expect(page.getByTestId("error")).toContainText(/empty/i);
  expect(errors).toEqual([]);
});

test("a tampered share link is refused with a message and no table", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/#s=2.AAAAthis-is-not-a-link");
  await expect(page.getByTestId("error")).toContainText("This share link cannot be shown");
  await expect(page.getByTestId("rank-table")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a model download the server refuses is named in the page, and the next try ranks", async ({ page }) => {
  const errors = watchErrors(page);
  await page.route("**/models/mobilenetv2-fp32.onnx", (route) => route.fulfill({ status: 404, body: "not here" }));
  await page.goto("/?backend=wasm");
  await chooseFolder(page, resolve(FIXTURES, "caltech-tiny"));
  await expect(page.getByTestId("error")).toContainText("could not download /models/mobilenetv2-fp32.onnx: the server answered 404");
  await expect(page.getByTestId("error")).toContainText("Reload the page and try again");
  await expect(page.getByTestId("rank-row")).toHaveCount(0);
  // The failed session is not kept: once the file is served, the same folder ranks.
  await page.unroute("**/models/mobilenetv2-fp32.onnx");
  await chooseFolder(page, resolve(FIXTURES, "caltech-tiny"));
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  await expect(page.getByTestId("error")).toHaveCount(0);
  expect(errors).toEqual([]);
});
