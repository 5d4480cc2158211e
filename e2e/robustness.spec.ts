/**
 * Bad input, in the page and in the CLI: every awkward file is either used or skipped with a reason
 * that names it, nothing crashes, and the page and `npm run rank` skip the same files for the same
 * reasons. The folders are built at test time (test/fixtures/make-images.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { createProxySession, embedFiles } from "../cli/node/proxy.ts";
import { badInputFolders } from "../test/fixtures/make-images.ts";
import { chooseFolder, cosine, pageEmbeddings, topModels } from "./helpers.ts";

const run = promisify(execFile);

interface Snapshot {
  phase: string;
  errors: string[];
  skipped: Record<string, string>;
  used: string[];
  allFinite: boolean;
  dims: number[];
  nImages: number | null;
  nClasses: number | null;
  listed: number;
  sample: number;
  progressTotal: number | null;
  classes: { name: string; count: number }[];
}

function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    type S = {
      phase: string;
      errors: string[];
      skipped: { path: string; reason: string }[];
      embedded: { path: string; embedding: Float32Array }[];
      descriptor: { nImages: number; nClasses: number } | null;
      listed: number;
      plan: { sample: unknown[]; classes: { name: string; count: number }[] } | null;
      progress: { total: number } | null;
    };
    const s = (globalThis as unknown as { __FENNEC__: { getState(): S } }).__FENNEC__.getState();
    return {
      phase: s.phase,
      errors: s.errors,
      skipped: Object.fromEntries(s.skipped.map((k) => [k.path, k.reason])),
      used: s.embedded.map((e) => e.path),
      allFinite: s.embedded.every((e) => e.embedding.every(Number.isFinite)),
      dims: [...new Set(s.embedded.map((e) => e.embedding.length))],
      nImages: s.descriptor?.nImages ?? null,
      nClasses: s.descriptor?.nClasses ?? null,
      listed: s.listed,
      sample: s.plan?.sample.length ?? 0,
      progressTotal: s.progress?.total ?? null,
      classes: s.plan?.classes ?? [],
    };
  });
}

/** Chooses a folder and waits until the page has finished with it (ranked, or refused). */
async function ingest(page: Page, folder: string): Promise<Snapshot> {
  await chooseFolder(page, folder);
  await expect.poll(async () => (await snapshot(page)).phase, { timeout: 120_000 }).toMatch(/^(ranked|ready)$/);
  return snapshot(page);
}

/** Uncaught errors, console errors and dialogs (an alert() would mean a name was run as HTML). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

async function cli(folder: string): Promise<{ code: number; json: any; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "cli/rank.ts", folder, "--json"], { cwd: resolve(import.meta.dirname, ".."), encoding: "utf8", maxBuffer: 1 << 26 });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, json: null, stderr: err.stderr };
  }
}

/** Resident memory (MB) of the browser this worker launched, renderers and workers included. */
async function browserRssMb(): Promise<number | null> {
  if (process.platform !== "linux") return null;
  const { stdout } = await run("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" });
  const rows = stdout.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid, kb]));
  let total = 0;
  const stack = [...(kids.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(kids.get(pid) ?? []));
  }
  return total / 1024;
}

test("broken files, odd formats and odd names: named and skipped or used, the same in page and CLI", async ({ page }) => {
  const f = await badInputFolders();
  const problems = watch(page);
  const cliRun = cli(f.mixed); // in parallel with the page

  await page.goto("/?backend=wasm");
  const s = await ingest(page, f.mixed);
  await topModels(page, 10);

  // Every file is accounted for: used, or skipped with the expected reason.
  const expectUsed = Object.entries(f.mixedExpect).filter(([, e]) => e === "used").map(([p]) => p);
  expect(new Set(s.used)).toEqual(new Set(expectUsed));
  expect(Object.keys(s.skipped).sort()).toEqual(Object.keys(f.mixedExpect).filter((p) => f.mixedExpect[p] !== "used").sort());
  for (const [path, e] of Object.entries(f.mixedExpect)) if (e !== "used") expect(s.skipped[path], path).toMatch(e);
  expect(s.allFinite).toBe(true);
  expect(s.dims).toEqual([1280]);
  expect(s.nImages).toBe(expectUsed.length);
  expect(s.nClasses).toBe(4); // airplanes (with its nested sub-folder), butterfly, the emoji and the HTML class
  expect(s.classes.find((c) => c.name === "airplanes")?.count).toBe(10); // 3 photos, 1 nested, 6 broken files named .jpg

  // The list names each skipped file, as text: names with markup stay text.
  const list = page.getByTestId("skipped-files");
  for (const path of Object.keys(s.skipped)) await expect(list).toContainText(path);
  await expect(list).toContainText("mixed/<img src=x onerror=alert(1)>/&amp; <svg onload=alert(3)>.svg");
  await expect(page.locator("[onerror], [onload], img[src='x'], body script:not([src])")).toHaveCount(0);
  await expect(list.locator(":not(summary, ul, li, span)")).toHaveCount(0);

  // The CLI skips the same files for the same reasons, and ranks the same images.
  const c = await cliRun;
  expect(c.code, c.stderr).toBe(0);
  expect(Object.fromEntries(c.json.task.skipped.map((k: { path: string; reason: string }) => [k.path, k.reason]))).toEqual(s.skipped);
  expect(c.json.task.images).toBe(s.nImages);
  expect(c.json.task.classes).toBe(s.nClasses);

  // Odd formats embed as in the CLI (same pixels give the same embedding).
  const inPage = new Map((await pageEmbeddings(page)).map((e) => [e.path, e.embedding]));
  const session = await createProxySession();
  const { embeddings } = await embedFiles(session, f.oddFormats.map((p) => resolve(f.base, p)));
  const cos = f.oddFormats.map((p, i) => [p.slice(p.lastIndexOf("/") + 1), cosine(inPage.get(p)!, Array.from(embeddings[i]!))] as const);
  console.log(`page vs CLI cosine per format: ${cos.map(([n, c]) => `${n} ${c.toFixed(4)}`).join(", ")}`);
  // CMYK: Chromium and libvips convert CMYK to RGB with different profiles; the rest decode alike.
  for (const [name, c] of cos) expect(c, name).toBeGreaterThan(name === "cmyk.jpg" ? 0.98 : 0.999);
  expect(problems).toEqual([]);
});

test("edge folders: huge images decoded small, one class, one image, 10,000 files, nothing usable, empty", async ({ page }) => {
  test.setTimeout(240_000);
  const f = await badInputFolders();
  const problems = watch(page);
  await page.goto("/?backend=wasm");

  // One class (also warms the proxy model up before memory is measured).
  let s = await ingest(page, f.oneClass);
  expect(s.errors).toEqual([]);
  expect([s.nImages, s.nClasses]).toEqual([3, 1]);
  await topModels(page, 10);

  // 12000×12000 JPEG and 9000×5000 PNG: decoded shrunk, never at full size (576 MB of RGBA).
  const before = await browserRssMb();
  let peak = before ?? 0;
  let polling = before !== null;
  const poller = (async () => {
    while (polling) {
      peak = Math.max(peak, (await browserRssMb()) ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  s = await ingest(page, f.huge);
  polling = false;
  await poller;
  expect(s.errors).toEqual([]);
  expect(s.skipped).toEqual({});
  expect(s.used).toHaveLength(3);
  expect(s.allFinite).toBe(true);
  if (before !== null) {
    console.log(`browser memory while decoding the huge images: ${before.toFixed(0)} MB before, peak +${(peak - before).toFixed(0)} MB`);
    expect(peak - before).toBeLessThan(350);
  }
  const session = await createProxySession();
  const hugeInPage = await pageEmbeddings(page);
  const { embeddings } = await embedFiles(session, hugeInPage.map((e) => resolve(f.base, e.path)));
  const hugeCos = hugeInPage.map((e, i) => cosine(e.embedding, Array.from(embeddings[i]!)));
  console.log(`huge images, page vs CLI cosine: ${hugeInPage.map((e, i) => `${e.path} ${hugeCos[i].toFixed(4)}`).join(", ")}`);
  expect(Math.min(...hugeCos)).toBeGreaterThan(0.97);

  // One image, in a flat folder: an unlabelled task of one image.
  s = await ingest(page, f.oneImage);
  expect(s.errors).toEqual([]);
  expect([s.nImages, s.nClasses]).toEqual([1, 0]);
  await topModels(page, 10);

  // 10,000 files: the page stays responsive and decodes only the sample (50 per class). The main
  // thread is watched from the input's change event on (what comes before it is Playwright
  // handing the browser 10,000 paths, not the app).
  await page.evaluate(() => {
    const lag = { worst: 0, longest: 0, since: 0 };
    (globalThis as unknown as { __lag: typeof lag }).__lag = lag;
    document.addEventListener(
      "change",
      () => {
        lag.since = performance.now();
        let last = lag.since;
        setInterval(() => {
          const now = performance.now();
          lag.worst = Math.max(lag.worst, now - last - 50);
          last = now;
        }, 50);
      },
      { capture: true, once: true },
    );
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => {
        if (lag.since && e.startTime >= lag.since) lag.longest = Math.max(lag.longest, e.duration);
      }),
    ).observe({ type: "longtask" });
  });
  const t0 = Date.now();
  s = await ingest(page, f.many);
  const lag = await page.evaluate(() => (globalThis as unknown as { __lag: { worst: number; longest: number } }).__lag);
  console.log(`10,000 files: ${Date.now() - t0} ms to the table; from the change event on, longest main-thread task ${lag.longest.toFixed(0)} ms, worst timer lag ${lag.worst.toFixed(0)} ms`);
  expect(s.errors).toEqual([]);
  expect(s.listed).toBe(10_000);
  expect(s.classes).toEqual([
    { name: "class-a", count: 5000 },
    { name: "class-b", count: 5000 },
  ]);
  expect([s.sample, s.progressTotal, s.used.length, s.nImages]).toEqual([100, 100, 100, 100]);
  expect(Math.max(lag.longest, lag.worst)).toBeLessThan(500);
  await topModels(page, 10);

  // Nothing usable: a message, each file named, no table.
  s = await ingest(page, f.nothingUsable);
  expect(Object.keys(s.skipped).sort()).toEqual(["nothing-usable/a/empty.jpg", "nothing-usable/a/readme.md", "nothing-usable/b/text.png"]);
  expect(s.skipped["nothing-usable/b/text.png"]).toBe("could not decode image: the file is text, not an image");
  await expect(page.getByTestId("error")).toContainText("None of the sampled images could be decoded");
  await expect(page.getByTestId("skipped-files")).toContainText("nothing-usable/b/text.png");
  await expect(page.getByTestId("rank-row")).toHaveCount(0);

  // An empty folder.
  await ingest(page, f.empty);
  await expect(page.getByTestId("error")).toContainText(/empty/i);
  await expect(page.getByTestId("rank-row")).toHaveCount(0);
  expect(problems).toEqual([]);
});
