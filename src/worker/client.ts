import * as Comlink from "comlink";
import { MAX_WASM_THREADS, WASM_BATCH, WEBGPU_BATCH } from "./batch.ts";
import type { Backend, BackendChoice, EmbedOutcome, EmbedWorkerApi, SessionStartSteps } from "./embed.worker.ts";
import type { EmbedItem, PreparedBatch } from "./prepare.ts";
import type { PrepareWorkerApi } from "./prepare.worker.ts";
import { HANDOFF_CACHE } from "../sw-handoff.ts";
import { MODEL_PATH, resolveBackend, runtimeFilesFor } from "./runtimeFiles.ts";

export interface EmbedProgress {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
  /** Estimated from the mean time per image so far; null until the first batch is back. */
  etaMs: number | null;
  backend: Backend | null;
}

/** Set in the page's performance timeline when the proxy session is ready (the bench's
 * `cold_start_ms` reads it), with a ProxyReadyDetail. */
export const PROXY_READY_MARK = "fennec:proxy-ready";
/** The ready mark's detail: when the session was asked for (page time) and the worker's steps. */
export type ProxyReadyDetail = SessionStartSteps & { requestedMs: number };

let worker: Worker | null = null;
let remote: Comlink.Remote<EmbedWorkerApi> | null = null;
type ProxyReady = { backend: Backend; threads: number; files: string[]; steps: SessionStartSteps; api: Comlink.Remote<EmbedWorkerApi> };
let ready: Promise<ProxyReady> | null = null;
let readyFor: BackendChoice | null = null;
/** Settles when the service worker's download of the model and WASM (cacheLarge) is over. */
let serviceWorkerSettled: Promise<void> | null = null;

/** Whether the proxy worker should leave copies of its downloads for the service worker: only
 * where one is built (production) and not yet in control. A controlled page's worker fetches
 * through the service worker, which keeps what it fetches (or serves it from its cache). */
function firstVisitWithServiceWorker(): boolean {
  return import.meta.env.PROD && "serviceWorker" in navigator && !navigator.serviceWorker.controller;
}

/** The app's base URL (Vite's BASE_URL), resolved against the page, for model and WASM files. */
export function appUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, self.location.href).href;
}

/** One worker for the page's lifetime; a new backend choice makes a fresh session. `ready`
 * resolves with the session and the worker's remote. */
function proxyWorker(choice: BackendChoice): Promise<ProxyReady> {
  if (!ready || readyFor !== choice) {
    readyFor = choice;
    // While the service worker downloads the model and WASM (cacheLarge), wait: the worker is then
    // made under the active service worker and reads both from its cache, one download in all.
    const settled = serviceWorkerSettled ?? Promise.resolve();
    sessionStage = serviceWorkerSettled ? "waiting for the offline copy of the model" : "starting the proxy model";
    ready = settled.then(() => {
      sessionStage = "starting the proxy model";
      if (!worker) {
        worker = new Worker(new URL("./embed.worker.ts", import.meta.url), { type: "module", name: "fennec-proxy" });
        remote = Comlink.wrap<EmbedWorkerApi>(worker);
      }
      const api = remote!;
      return api.init({ modelUrl: appUrl(MODEL_PATH), backend: choice, keep: firstVisitWithServiceWorker() }).then((r) => ({ ...r, api }));
    });
    const requested = performance.now();
    const mine = ready;
    ready.then(
      ({ steps }) => {
        if (ready === mine) sessionStage = null;
        performance.mark(PROXY_READY_MARK, { detail: { requestedMs: requested, ...steps } satisfies ProxyReadyDetail });
      },
      () => {
        if (ready !== mine) return;
        ready = null;
        sessionStage = null;
      },
    );
  }
  return ready;
}

/** What the proxy session is waiting on while it starts (null once ready): the page's watchdog
 * names it when a run makes no progress. */
let sessionStage: string | null = null;
export function proxyStage(): string | null {
  return sessionStage;
}

/**
 * Throws the proxy and decode workers away (a run stuck in them: a session start that never
 * settles, a decode that never returns) so that the next run starts fresh ones. Calls still
 * waiting on the old workers never settle; the store ignores the run they belong to.
 */
export function resetProxy(): void {
  worker?.terminate();
  worker = null;
  remote = null;
  ready = null;
  readyFor = null;
  sessionStage = null;
  // A retry does not wait again for the service worker's offline download.
  serviceWorkerSettled = null;
  for (const w of pool ?? []) w.worker.terminate();
  pool = null;
}

/** Starts the worker and the proxy session ahead of need, on a sign the person is about to
 * choose a folder (hover, focus, drag): the session start (WASM compile, model load, one warm-up
 * batch) then overlaps their picking. Not at page load, so viewing a shared link costs no model
 * download or memory. The decode workers start too (they are small). */
export function warmProxy(choice: BackendChoice): void {
  decodePool();
  proxyWorker(choice).catch(() => {
    /* the real run reports the error */
  });
}

/**
 * Registers the service worker (src/sw.ts) so that the model and the WASM cross the network once
 * on a first visit. Its install caches the small files only; the large ones (the model and the
 * WASM build of the backend in use, runtimeFiles.ts) are added at the page's request
 * ("cache-large"): after the proxy session is ready, from the copies the proxy worker left of its
 * own download (embed.worker.ts); or, on a visit with no sign of a folder, once the page has been
 * idle for a while, from the network, for the backend `backendChoice()` resolves to. A session
 * wanted while that download runs waits for it and then reads the files through the service
 * worker. The page never downloads them side by side with it.
 */
export function registerServiceWorker(url: string, backendChoice: () => BackendChoice): void {
  const filesOfChoice = async () => runtimeFilesFor(await resolveBackend(backendChoice()), appUrl(""));
  const filesOfSession = (r: Promise<ProxyReady>) => r.then((s) => s.files, filesOfChoice);
  void (async () => {
    await navigator.serviceWorker.register(url);
    const reg = await navigator.serviceWorker.ready; // active (never, where workers are blocked)
    if (ready) {
      void cacheLarge(reg, await filesOfSession(ready));
    } else {
      setTimeout(() => {
        if (!ready) serviceWorkerSettled = filesOfChoice().then((files) => cacheLarge(reg, files));
        else void filesOfSession(ready).then((files) => cacheLarge(reg, files));
      }, IDLE_BEFORE_CACHING_MS);
    }
  })().catch((e: unknown) => {
    console.warn("offline use is unavailable:", e);
    // No service worker will move the proxy worker's hand-off copies: free the disk they hold.
    if (typeof caches !== "undefined") void caches.delete(HANDOFF_CACHE).catch(() => undefined);
  });
}

/** How long a visit with no sign of a folder waits before the service worker downloads the model
 * and the WASM for offline use. */
const IDLE_BEFORE_CACHING_MS = 10_000;

/** Asks the active service worker to cache `urls` (large files); settles when it has (bounded,
 * so a stalled download never holds a session start for long). */
function cacheLarge(reg: ServiceWorkerRegistration, urls: string[]): Promise<void> {
  const sw = reg.active;
  if (!sw) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    sw.postMessage({ type: "cache-large", urls }, [channel.port2]);
    setTimeout(resolve, 120_000);
  });
}

interface DecodeWorker {
  worker: Worker;
  api: Comlink.Remote<PrepareWorkerApi>;
  /** batches given to it and not yet back */
  busy: number;
}
let pool: DecodeWorker[] | null = null;
let runs = 0;

/** Decode workers: what the cores leave beside onnxruntime's threads (wasmThreads in batch.ts),
 * at least one so decoding is never on the inference thread, at most three. */
export function decodePoolSize(cores = navigator.hardwareConcurrency || 1): number {
  return Math.max(1, Math.min(3, cores - Math.min(cores, MAX_WASM_THREADS)));
}

function decodePool(): DecodeWorker[] {
  pool ??= Array.from({ length: decodePoolSize() }, (_, i) => {
    const worker = new Worker(new URL("./prepare.worker.ts", import.meta.url), { type: "module", name: `fennec-decode-${i}` });
    return { worker, api: Comlink.wrap<PrepareWorkerApi>(worker), busy: 0 };
  });
  return pool;
}

/**
 * Embeds files in batches: decode workers prepare the next batches while the proxy worker infers
 * the current one (decoding of the first batches also overlaps a session start still under way),
 * and the tensors and embeddings move between workers as transferred buffers. Progress is reported
 * after each batch. Cancelling (the signal) stops after the batch in flight; what was embedded so
 * far is returned.
 */
export async function embedAll(
  files: readonly Blob[],
  opts: { backend: BackendChoice; batchSize?: number; signal?: AbortSignal; onProgress?: (p: EmbedProgress) => void },
): Promise<{ outcomes: EmbedOutcome[]; backend: Backend; cancelled: boolean }> {
  const init = proxyWorker(opts.backend);
  const workers = decodePool();
  const run = ++runs;
  const report = (p: Omit<EmbedProgress, "etaMs" | "elapsedMs">, t0: number) => {
    const elapsedMs = performance.now() - t0;
    const etaMs = p.done > 0 ? (elapsedMs / p.done) * (p.total - p.done) : null;
    opts.onProgress?.({ ...p, elapsedMs, etaMs });
  };
  const start = performance.now();
  report({ done: 0, total: files.length, failed: 0, backend: null }, start);
  // The batch size follows the backend; on "auto" it is known before the session only where there
  // is no WebGPU at all.
  const early = opts.backend === "wasm" || (opts.backend === "auto" && !("gpu" in navigator)) ? WASM_BATCH : opts.backend === "webgpu" ? WEBGPU_BATCH : null;
  let batch = opts.batchSize ?? early;
  const queue: Promise<PreparedBatch>[] = [];
  let next = 0;
  // One batch per decode worker in flight, plus one ready and waiting for the proxy.
  const ahead = workers.length + 1;
  const fill = () => {
    while (batch && queue.length < ahead && next < files.length) {
      const items: EmbedItem[] = files.slice(next, next + batch).map((file, j) => ({ id: next + j, file }));
      next += items.length;
      const w = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
      w.busy++;
      const job = w.api.prepare(items, run);
      void job.finally(() => w.busy--).catch(() => undefined);
      queue.push(job);
    }
  };
  fill();
  let backend: Backend;
  let api: Comlink.Remote<EmbedWorkerApi>;
  try {
    ({ backend, api } = await init);
  } catch (e) {
    for (const w of workers) void w.api.supersede(run + 1);
    throw e;
  }
  batch ??= opts.batchSize ?? (backend === "webgpu" ? WEBGPU_BATCH : WASM_BATCH);
  fill();
  const outcomes: EmbedOutcome[] = [];
  let failed = 0;
  const t0 = performance.now();
  try {
    while (queue.length) {
      if (opts.signal?.aborted) return { outcomes, backend, cancelled: true };
      const prepared = await queue.shift()!;
      fill();
      for (const e of prepared.errors) outcomes.push(e);
      failed += prepared.errors.length;
      if (prepared.ids.length) {
        const { embeddings, dim, soft } = await api.infer(Comlink.transfer(prepared.input, [prepared.input.buffer]), prepared.ids.length);
        // Views into the one transferred buffer per batch, not copies.
        prepared.ids.forEach((id, j) =>
          outcomes.push({ id, embedding: embeddings.subarray(j * dim, (j + 1) * dim), stats: { ...soft[j], shorter: prepared.shorter[j], grey: prepared.grey[j] } }),
        );
      }
      report({ done: outcomes.length, total: files.length, failed, backend }, t0);
    }
  } finally {
    // Anything still queued (cancelled, or an error) stops at its next image.
    if (queue.length) for (const w of workers) void w.api.supersede(run + 1);
  }
  return { outcomes, backend, cancelled: false };
}

/** Class separability of an embedded sample, computed in the proxy worker (tfjs stays off the
 * page's main bundle and thread). */
export async function classSeparabilityInWorker(embeddings: Float32Array[], labels: string[], choice: BackendChoice): Promise<number | null> {
  const { api } = await proxyWorker(choice);
  return api.separability(embeddings, labels);
}
