/**
 * Under load: with two CPU-bound processes spinning on the machine, a 100-image folder of real
 * photos still ranks, the progress bar keeps moving while it does, and Cancel stops a run. No
 * timing is asserted (the machine is shared and noisy): only that things move and finish.
 * The folder is built at test time from ../shared/data/images (nothing is committed).
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBusyLoops, type BusyLoops } from "../cli/node/bench/busy.ts";
import { buildSample, SHARED_IMAGES, sourceImages } from "../cli/node/bench/datasets.ts";
import { chooseFolder, topModels } from "./helpers.ts";

const IMAGES = 100;
let folder = "";
let tmp = "";
let busy: BusyLoops | null = null;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  let images: ReturnType<typeof sourceImages>;
  try {
    images = sourceImages();
  } catch {
    images = [];
  }
  test.skip(images.length < IMAGES, `needs ${IMAGES} real images under ${SHARED_IMAGES}`);
  tmp = mkdtempSync(join(tmpdir(), "fennec-load-"));
  folder = buildSample(images, join(tmp, "photos"), IMAGES).dir;
  // Bounded by the test's own time limit in case afterAll never runs.
  busy = startBusyLoops(2, 10 * 60_000);
});

test.afterAll(async () => {
  await busy?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Seen {
  done: number;
  value: number;
}

/** The progress bar's value and the store's count, every 100 ms, until the phase leaves embedding. */
async function watchProgress(page: Page, until: () => boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  while (!until()) {
    const s = await page.evaluate(() => {
      const st = (globalThis as unknown as { __FENNEC__: { getState(): { phase: string; progress: { done: number } | null } } }).__FENNEC__.getState();
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="progress"] progress');
      return { phase: st.phase, done: st.progress?.done ?? 0, value: bar?.value ?? -1 };
    });
    if (s.phase === "ranked" || s.phase === "ready") break;
    if (s.phase === "embedding" && (seen.length === 0 || seen[seen.length - 1].done !== s.done)) seen.push({ done: s.done, value: s.value });
    await page.waitForTimeout(100);
  }
  return seen;
}

test("with two busy processes on the machine, 100 photos still rank and the progress bar moves", async ({ page }) => {
  test.setTimeout(600_000);
  expect(busy!.pids.every((p) => p > 0)).toBe(true);
  await page.goto("/?backend=wasm");
  await chooseFolder(page, folder);
  let finished = false;
  const ranked = topModels(page, 10).finally(() => (finished = true));
  const seen = await watchProgress(page, () => finished);
  const top = await ranked;
  expect(new Set(top).size).toBe(10);
  // The bar went through several intermediate values, each larger than the last, not one jump.
  const intermediate = seen.filter((s) => s.done > 0 && s.done < IMAGES);
  expect(intermediate.length, `progress seen: ${seen.map((s) => s.done).join(", ")}`).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThan(seen[i - 1].done);
  for (const s of intermediate) expect(s.value).toBe(s.done);
  const state = await page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { embedded: unknown[]; errors: string[] } } }).__FENNEC__.getState());
  expect(state.errors).toEqual([]);
  expect(state.embedded).toHaveLength(IMAGES);
  await expect(page.getByTestId("error")).toHaveCount(0);
});

test("with two busy processes on the machine, Cancel stops a run part-way", async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto("/?backend=wasm");
  await chooseFolder(page, folder);
  const progress = page.getByTestId("progress");
  // Cancel once some images are embedded and many are left.
  await page.waitForFunction(() => ((globalThis as unknown as { __FENNEC__: { getState(): { progress: { done: number } | null } } }).__FENNEC__.getState().progress?.done ?? 0) > 0, undefined, { timeout: 300_000 });
  await progress.getByRole("button", { name: "Cancel" }).click();
  await expect(progress).toHaveCount(0, { timeout: 120_000 });
  const s = await page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { phase: string; progress: { done: number } | null; descriptor: unknown } } }).__FENNEC__.getState());
  expect(s.phase).toBe("ready");
  expect(s.descriptor).toBeNull();
  expect(s.progress!.done).toBeLessThan(IMAGES);
  await expect(page.getByTestId("notice")).toContainText(`Cancelled after ${s.progress!.done} of ${IMAGES} images`);
  await expect(page.getByTestId("error")).toHaveCount(0);
  await expect(page.getByTestId("rank-row")).toHaveCount(0);
  // The page is usable again: the same folder ranks after the cancelled run.
  await chooseFolder(page, folder);
  expect(new Set(await topModels(page, 10)).size).toBe(10);
});
