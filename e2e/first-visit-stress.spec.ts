/**
 * Never a silent hang. A folder chosen the moment the page has loaded (before the model repository
 * has arrived) is kept and ranked; many first visits in fresh browser contexts, two at a time, each
 * rank (cold caches, service-worker registration and model hand-off, the session warm-up racing
 * the choice); a slow repository shows that the folder waits for it; a run that makes no
 * progress says where it is stuck and its retry ranks.
 */
import { expect, test, type Browser, type Route } from "@playwright/test";
import { resolve } from "node:path";
import { FIXTURES, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");
const VISITS = 6;

type Fennec = { __FENNEC__: { getState(): { errors: string[]; embedded: unknown[]; stalled: string | null; queued: boolean } } };

/** One first visit; `queued`: whether the folder arrived before the model repository had. */
async function firstVisit(browser: Browser, warm: boolean): Promise<{ ms: number; queued: boolean; errors: string[]; stalled: string | null; embedded: number }> {
  // A fresh context: empty HTTP cache, no service worker yet (it registers during the visit).
  const context = await browser.newContext({ serviceWorkers: "allow" });
  try {
    const page = await context.newPage();
    const t0 = Date.now();
    // WASM: this machine's WebGPU is SwiftShader, a CPU emulation that two pages at once slow to
    // 20 s a batch, which would measure the emulation rather than the page.
    await page.goto("/?backend=wasm");
    // `warm`: the pointer crosses the drop zone first, so the session warm-up races the choice.
    if (warm) await page.getByTestId("dropzone").hover();
    // At once, without waiting for anything: the folder must not be thrown away.
    await page.getByTestId("dataset-input").setInputFiles(MINI);
    const queued = await page.evaluate(() => (globalThis as unknown as Fennec).__FENNEC__.getState().queued);
    await topModels(page, 10);
    const ms = Date.now() - t0;
    const s = await page.evaluate(() => (globalThis as unknown as Fennec).__FENNEC__.getState());
    return { ms, queued, errors: s.errors, stalled: s.stalled, embedded: s.embedded.length };
  } finally {
    await context.close();
  }
}

test(`a folder chosen right after load ranks on each of ${VISITS} first visits, two at a time`, async ({ browser }) => {
  test.setTimeout(300_000);
  const results: Awaited<ReturnType<typeof firstVisit>>[] = [];
  for (let i = 0; i < VISITS; i += 2) results.push(...(await Promise.all([firstVisit(browser, false), firstVisit(browser, true)])));
  console.log(`first visits, load → table: ${results.map((r) => `${(r.ms / 1000).toFixed(1)} s${r.queued ? " (chosen before the repository arrived)" : ""}`).join(", ")}`);
  for (const r of results) expect(r).toMatchObject({ errors: [], stalled: null, embedded: 32 });
});

test("on a slow connection the chosen folder is kept while the model repository loads, then ranked", async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/bundles/manifest.json", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/?backend=wasm");
  await page.getByTestId("dataset-input").setInputFiles(MINI);
  const progress = page.getByTestId("progress");
  await expect(progress).toHaveAttribute("data-state", "queued");
  await expect(progress).toContainText("Your folder is kept: loading the model repository…");
  await expect(page.getByTestId("error")).toHaveCount(0);
  // Cancel drops the kept folder at once, saying so; choosing again keeps the new one.
  await progress.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("notice")).toContainText("Cancelled while loading the model repository; nothing was ranked.");
  await expect(progress).toHaveCount(0);
  await page.getByTestId("dataset-input").setInputFiles(MINI);
  await expect(progress).toHaveAttribute("data-state", "queued");
  release();
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  await expect(page.getByTestId("error")).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as unknown as Fennec).__FENNEC__.getState().embedded.length)).toBe(32);
});

test("a run that makes no progress for 20 s names its step, and Try again ranks the same folder", async ({ page }) => {
  test.setTimeout(180_000);
  // The model download hangs (a stalled connection) until the test lets it through.
  let stall = true;
  const held: Route[] = [];
  await page.route("**/models/mobilenetv2-fp32.onnx", async (route) => {
    if (stall) held.push(route);
    else await route.continue();
  });
  await page.goto("/?backend=wasm");
  await page.getByTestId("dataset-input").setInputFiles(MINI);
  const stalled = page.getByTestId("stalled");
  await expect(stalled).toBeVisible({ timeout: 40_000 });
  await expect(stalled).toHaveAttribute("data-step", "starting the proxy model");
  await expect(stalled).toContainText("No progress for 20 s while starting the proxy model");
  await expect(page.getByTestId("rank-row")).toHaveCount(0);
  stall = false;
  await stalled.getByTestId("stalled-retry").click();
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  await expect(page.getByTestId("stalled")).toHaveCount(0);
  await expect(page.getByTestId("error")).toHaveCount(0);
  for (const r of held) await r.abort().catch(() => undefined);
});
