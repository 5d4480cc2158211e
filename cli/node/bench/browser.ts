/**
 * Headless Chromium runs for the bench: the built app picking a folder (WASM or WebGPU), the
 * bench harness (bare inference and the decode / preprocess / inference split), and the heap
 * sampled while a large folder is taken in. Launch arguments are playwright.config.ts's.
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "@playwright/test";
import config from "../../../playwright.config.ts";
import { chromiumPath } from "../../../e2e/browser.ts";
import { cpuMeter, rendererRssMb, type CpuSplit } from "./servers.ts";
import type { SessionStartSteps } from "../../../src/worker/embed.worker.ts";
import type { ProxyReadyDetail } from "../../../src/worker/client.ts";

const DEBUG = !!process.env.FENNEC_BENCH_DEBUG;

/** With FENNEC_BENCH_DEBUG=1, the page's console, failed requests and workers go to stderr. */
function watch(page: Page, tag: string): void {
  if (!DEBUG) return;
  page.on("console", (m) => process.stderr.write(`  [${tag} console.${m.type()}] ${m.text()}\n`));
  page.on("requestfailed", (r) => process.stderr.write(`  [${tag} request failed] ${r.url()} ${r.failure()?.errorText}\n`));
  page.on("worker", (w) => process.stderr.write(`  [${tag} worker] ${w.url()}\n`));
  page.on("pageerror", (e) => process.stderr.write(`  [${tag} page error] ${e.message}\n`));
}

/** As in playwright.config.ts (which blocks them): the app's service worker precaches the whole
 * build (~45 MB) in the background after the first load, which would compete with what is
 * measured here. */
export const SERVICE_WORKERS = (config.use?.serviceWorkers ?? "block") as "block" | "allow";

export function launchArgs(): string[] {
  const args = (config.use?.launchOptions?.args ?? []) as string[];
  return [...args, "--enable-precise-memory-info"];
}

export async function launchBrowser(): Promise<{ browser: Browser; version: string; executablePath: string }> {
  const executablePath = (config.use?.launchOptions?.executablePath as string | undefined) ?? chromiumPath();
  if (!executablePath) throw new Error("no Chromium found: set CHROMIUM_PATH or install Debian's chromium (/usr/bin/chromium)");
  const browser = await chromium.launch({ executablePath, args: launchArgs(), headless: true });
  return { browser, version: browser.version(), executablePath };
}

interface FennecState {
  phase: string;
  errors: string[];
  backend: string | null;
  listed: number;
  plan: { sample: unknown[] } | null;
  progress: { done: number; total: number; failed: number; elapsedMs: number } | null;
  timings: { embedMs: number; dropToTableMs: number } | null;
  embedded: unknown[];
}
type Win = { __FENNEC__: { getState(): FennecState }; __BENCH__: BenchProbe };
interface BenchProbe {
  tChange: number;
  tTable: number;
  progress: { done: number; elapsedMs: number; at: number }[];
  phases: { phase: string; at: number }[];
}

export interface AppRun {
  backend: string | null;
  crossOriginIsolated: boolean;
  listed: number;
  sampled: number;
  embedded: number;
  failed: number;
  /** the app's own figure: ingest() start → phase "ranked" (timings.dropToTableMs) */
  dropToTableMs: number;
  /** measured in the page: the input's change event → first rank-row in the DOM */
  changeToRowsMs: number;
  /** the app's timings.embedMs: worker + session start (first run) and the batches */
  embedMs: number;
  /** the batches only (the last progress report's elapsedMs, counted after the session is ready) */
  embedLoopMs: number;
  /** embedMs − embedLoopMs: worker start, model fetch, session creation */
  initMs: number;
  /** CPU seconds of the renderer processes from the folder pick to the table */
  cpuS: number;
  /** the same interval's CPU seconds of every Chromium process, by thread group */
  cpuSplit: CpuSplit;
  /** with `intent`: navigation start → the proxy session ready (the app's performance mark) */
  coldStartMs: number;
  /** with `intent`: where the cold start went: navigation → the pointer's intent (page load), then
   * the proxy worker's own steps (embed.worker.ts init) */
  coldStartSteps: ColdStartSteps | null;
  /** resident memory of the renderer processes (page, worker, WebAssembly) before the pick, and
   * its peak growth until the table */
  rssBaselineMb: number;
  rssGrowthMb: number;
  /** change event → phase "embedding": reading the file list, filtering and sampling */
  listingMs: number;
  /** ms per batch as reported by progress (first batch includes one-off kernel set-up) */
  batchMs: number[];
  workers: { url: string; crossOriginIsolated?: boolean; hardwareConcurrency?: number }[];
  pthreadWorkers: number;
  errors: string[];
}

/** Navigation → the pointer's intent, then the proxy worker's own steps. */
export type ColdStartSteps = SessionStartSteps & { toIntentMs: number };

async function waitPhase(page: Page, phases: string[], timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const s = (globalThis as unknown as Win).__FENNEC__?.getState();
      return !!s && (want.includes(s.phase) || (s.errors.length > 0 && s.phase === "ready"));
    },
    phases,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Counts onnxruntime's WebAssembly thread workers (Emscripten names them "em-pthread") among
 * the browser's targets. */
async function pthreadCount(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { type: string; title: string; url: string }[] };
    return targetInfos.filter((t) => t.type === "worker" && /pthread/i.test(`${t.title} ${t.url}`)).length;
  } finally {
    await cdp.detach();
  }
}

/** Installed as source text: tsx would wrap named functions inside an evaluate() callback with
 * a helper (__name) that does not exist in the page. */
const PROBE = `(() => {
  const probe = { tChange: 0, tTable: 0, progress: [], phases: [] };
  globalThis.__BENCH__ = probe;
  // Capture phase on window: runs before React's delegated onChange handler.
  window.addEventListener("change", () => { if (!probe.tChange) probe.tChange = performance.now(); }, true);
  new MutationObserver(() => {
    if (!probe.tTable && document.querySelector('[data-testid="rank-row"]')) probe.tTable = performance.now();
  }).observe(document.body, { childList: true, subtree: true });
  let last = -1;
  let phase = "";
  setInterval(() => {
    const s = globalThis.__FENNEC__.getState();
    if (s.phase !== phase) {
      phase = s.phase;
      probe.phases.push({ phase, at: performance.now() });
    }
    const p = s.progress;
    if (p && p.done !== last) {
      last = p.done;
      probe.progress.push({ done: p.done, elapsedMs: p.elapsedMs, at: performance.now() });
    }
  }, 5);
})()`;

async function installProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE);
}

export interface HeapTrace {
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  samples: number;
}

/**
 * Opens the app on `?backend=…`, picks `folder` through the dataset input and waits for the
 * table. With `heap`, samples the page's JS heap (CDP Performance.getMetrics JSHeapUsedSize,
 * after a forced GC for the baseline) and the renderer processes' RSS every 200 ms.
 */
export async function runApp(
  browser: Browser,
  baseUrl: string,
  backend: "wasm" | "webgpu",
  folder: string,
  opts: { timeoutMs: number; heap?: boolean; intent?: boolean },
): Promise<AppRun & { heap?: HeapTrace }> {
  const context: BrowserContext = await browser.newContext({ serviceWorkers: SERVICE_WORKERS });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  watch(page, `app ${backend}`);
  let cdp: CDPSession | null = null;
  let timer: NodeJS.Timeout | null = null;
  let rssTimer: NodeJS.Timeout | undefined;
  try {
    await page.goto(`${baseUrl}/?backend=${backend}`);
    await waitPhase(page, ["ready"], 60_000);
    await installProbe(page);
    const coi = await page.evaluate(() => self.crossOriginIsolated);
    // As a person does: the pointer reaches the drop zone (the app starts its proxy session on
    // that intent), then the folder is chosen; the bench picks once the session is ready, which
    // stands for a person's few seconds in the folder dialog.
    let coldStartMs = NaN;
    let coldStartSteps: ColdStartSteps | null = null;
    if (opts.intent) {
      await page.getByTestId("dropzone").hover();
      await page.waitForFunction(() => performance.getEntriesByName("fennec:proxy-ready").length > 0, undefined, { timeout: 120_000, polling: 20 });
      const mark = await page.evaluate(() => {
        const m = performance.getEntriesByName("fennec:proxy-ready")[0] as PerformanceMark;
        return { at: m.startTime, detail: m.detail as ProxyReadyDetail | null };
      });
      coldStartMs = mark.at;
      if (mark.detail) {
        const { requestedMs, ...steps } = mark.detail;
        coldStartSteps = { toIntentMs: requestedMs, ...steps };
      }
    }

    // Renderer RSS on every run (a /proc scan, ~2 ms of this process's time every 250 ms); the
    // page's JS heap through CDP only when asked (its own round trips every 200 ms).
    const rssBase = rendererRssMb();
    let rssPeak = rssBase;
    rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, rendererRssMb())), 250);
    let heap: HeapTrace | undefined;
    const heapSamples: number[] = [];
    let sampling: Promise<void> = Promise.resolve();
    if (opts.heap) {
      cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      await cdp.send("HeapProfiler.enable");
      await cdp.send("HeapProfiler.collectGarbage");
      const sample = async () => {
        const { metrics } = (await cdp!.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
        heapSamples.push((metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0) / 2 ** 20);
      };
      await sample();
      await new Promise((r) => setTimeout(r, 200));
      await sample();
      const baseHeap = Math.min(...heapSamples);
      heapSamples.length = 0;
      timer = setInterval(() => {
        sampling = sampling.then(sample).catch(() => undefined);
      }, 200);
      heap = { baselineMb: baseHeap, peakMb: 0, growthMb: 0, samples: 0 };
    }

    const cpu = cpuMeter();
    await page.getByTestId("dataset-input").setInputFiles(folder);
    await waitPhase(page, ["ranked"], opts.timeoutMs);
    const cpuSplit = cpu();
    await page.waitForFunction(() => (globalThis as unknown as Win).__BENCH__.tTable > 0, undefined, { timeout: 30_000, polling: 50 }).catch(() => undefined);
    clearInterval(rssTimer);
    rssPeak = Math.max(rssPeak, rendererRssMb());

    if (timer) {
      clearInterval(timer);
      await sampling;
      heap!.peakMb = Math.max(...heapSamples);
      heap!.growthMb = heap!.peakMb - heap!.baselineMb;
      heap!.samples = heapSamples.length;
    }

    const s = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      const st = w.__FENNEC__.getState();
      return {
        phase: st.phase,
        errors: st.errors,
        backend: st.backend,
        listed: st.listed,
        sampled: st.plan?.sample.length ?? 0,
        embedded: st.embedded.length,
        failed: st.progress?.failed ?? 0,
        progress: st.progress,
        timings: st.timings,
        probe: { tChange: w.__BENCH__.tChange, tTable: w.__BENCH__.tTable, progress: w.__BENCH__.progress, phases: w.__BENCH__.phases },
      };
    });
    const workers = [];
    for (const w of page.workers()) {
      // Only the app's own worker: onnxruntime's thread workers block in Atomics.wait and would
      // never answer an evaluate().
      const url = w.url().replace(baseUrl, "");
      if (!/embed\.worker/.test(url)) {
        workers.push({ url });
        continue;
      }
      const info = await Promise.race([
        w.evaluate(() => ({ crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency })).catch(() => ({})),
        new Promise<object>((r) => setTimeout(() => r({}), 5000)),
      ]);
      workers.push({ url, ...info });
    }
    const pthreadWorkers = await pthreadCount(browser).catch(() => -1);
    const prog = s.probe.progress.filter((p) => p.done > 0);
    const batchMs = prog.map((p, i) => p.elapsedMs - (i ? prog[i - 1].elapsedMs : 0));
    const embedLoopMs = s.progress?.elapsedMs ?? 0;
    return {
      backend: s.backend,
      crossOriginIsolated: coi,
      listed: s.listed,
      sampled: s.sampled,
      embedded: s.embedded,
      failed: s.failed,
      dropToTableMs: s.timings?.dropToTableMs ?? NaN,
      changeToRowsMs: s.probe.tTable && s.probe.tChange ? s.probe.tTable - s.probe.tChange : NaN,
      embedMs: s.timings?.embedMs ?? NaN,
      embedLoopMs,
      initMs: (s.timings?.embedMs ?? NaN) - embedLoopMs,
      cpuS: cpuSplit.renderer,
      cpuSplit,
      coldStartMs,
      coldStartSteps,
      rssBaselineMb: rssBase,
      rssGrowthMb: rssPeak - rssBase,
      listingMs: (s.probe.phases.find((p) => p.phase === "embedding")?.at ?? NaN) - s.probe.tChange,
      batchMs,
      workers,
      pthreadWorkers,
      errors: [...s.errors, ...consoleErrors],
      heap,
    };
  } finally {
    if (timer) clearInterval(timer);
    clearInterval(rssTimer);
    await cdp?.detach().catch(() => undefined);
    await context.close();
  }
}

export interface HarnessRun {
  crossOriginIsolated: boolean;
  threads: number;
  pthreadWorkers: number;
  fetchMs: number;
  sessionMs: number;
  bare: { images: number; batches: number; totalMs: number; firstBatchMs: number; cpuS: number; cpuSplit: CpuSplit } | null;
  pipeline: { images: number; failed: number; decodeMs: number; preprocessMs: number; inferMs: number; totalMs: number } | null;
}

/** The harness page: bare inference on `count` ready-made tensors in batches of `batch`, then
 * (when `split` > 0) the app's decode → preprocess → inference on the first `split` images of the
 * folder's sample, each stage timed. */
export async function runHarness(
  browser: Browser,
  url: string,
  folder: string,
  opts: { count: number; batch: number; split: number; build?: "plain" | "jsep" },
): Promise<HarnessRun> {
  const context = await browser.newContext({ serviceWorkers: SERVICE_WORKERS });
  const page = await context.newPage();
  watch(page, "harness");
  try {
    await page.goto(`${url}/index.html${opts.build === "jsep" ? "?build=jsep" : ""}`);
    await page.waitForFunction(() => "__HARNESS__" in globalThis);
    type H = {
      init(u: string): Promise<{ crossOriginIsolated: boolean; threads: number; fetchMs: number; sessionMs: number }>;
      bare(c: number, b: number): Promise<Omit<NonNullable<HarnessRun["bare"]>, "cpuS" | "cpuSplit"> | null>;
      pipeline(b: number, limit: number): Promise<HarnessRun["pipeline"]>;
    };
    const init = await page.evaluate(() => (globalThis as unknown as { __HARNESS__: H }).__HARNESS__.init("/models/mobilenetv2-fp32.onnx"));
    const cpu = cpuMeter();
    const bareOnly = await page.evaluate(([c, b]) => (globalThis as unknown as { __HARNESS__: H }).__HARNESS__.bare(c, b), [opts.count, opts.batch] as const);
    const cpuSplit = cpu();
    const bare = bareOnly && { ...bareOnly, cpuS: cpuSplit.renderer, cpuSplit };
    let pipeline: HarnessRun["pipeline"] = null;
    if (opts.split > 0) {
      await page.locator("#files").setInputFiles(folder);
      pipeline = await page.evaluate(([b, n]) => (globalThis as unknown as { __HARNESS__: H }).__HARNESS__.pipeline(b, n), [opts.batch, opts.split] as const);
    }
    const pthreadWorkers = await pthreadCount(browser).catch(() => -1);
    return { ...init, pthreadWorkers, bare, pipeline };
  } finally {
    await context.close();
  }
}
