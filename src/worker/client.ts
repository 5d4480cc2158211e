import * as Comlink from "comlink";
import { WASM_BATCH, WEBGPU_BATCH } from "./batch.ts";
import type { Backend, BackendChoice, EmbedOutcome, EmbedWorkerApi } from "./embed.worker.ts";

export interface EmbedProgress {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
  /** Estimated from the mean time per image so far; null until the first batch is back. */
  etaMs: number | null;
  backend: Backend | null;
}

let worker: Worker | null = null;
let remote: Comlink.Remote<EmbedWorkerApi> | null = null;
let ready: Promise<{ backend: Backend; threads: number }> | null = null;
let readyFor: BackendChoice | null = null;

/** The app's base URL (Vite's BASE_URL), resolved against the page, for model and WASM files. */
export function appUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, self.location.href).href;
}

/** One worker for the page's lifetime; a new backend choice makes a fresh session. */
export function proxyWorker(choice: BackendChoice): { api: Comlink.Remote<EmbedWorkerApi>; ready: Promise<{ backend: Backend; threads: number }> } {
  if (!worker) {
    worker = new Worker(new URL("./embed.worker.ts", import.meta.url), { type: "module", name: "fennec-proxy" });
    remote = Comlink.wrap<EmbedWorkerApi>(worker);
  }
  if (!ready || readyFor !== choice) {
    readyFor = choice;
    ready = remote!.init({ modelUrl: appUrl("models/mobilenetv2-fp32.onnx"), backend: choice });
    ready.catch(() => (ready = null));
  }
  return { api: remote!, ready };
}

/** Starts the worker and the proxy session ahead of need, on a sign the person is about to
 * choose a folder (hover, focus, drag): the 2–4 s of session start then overlaps their picking.
 * Not at page load, so viewing a shared link costs no model download or memory. */
export function warmProxy(choice: BackendChoice): void {
  proxyWorker(choice).ready.catch(() => {
    /* the real run reports the error */
  });
}

/**
 * Embeds files in batches through the worker, reporting progress after each batch. Cancelling
 * (the signal) stops after the batch in flight; what was embedded so far is returned.
 */
export async function embedAll(
  files: readonly Blob[],
  opts: { backend: BackendChoice; batchSize?: number; signal?: AbortSignal; onProgress?: (p: EmbedProgress) => void },
): Promise<{ outcomes: EmbedOutcome[]; backend: Backend; cancelled: boolean }> {
  const { api, ready: init } = proxyWorker(opts.backend);
  const report = (p: Omit<EmbedProgress, "etaMs" | "elapsedMs">, t0: number) => {
    const elapsedMs = performance.now() - t0;
    const etaMs = p.done > 0 ? (elapsedMs / p.done) * (p.total - p.done) : null;
    opts.onProgress?.({ ...p, elapsedMs, etaMs });
  };
  const start = performance.now();
  report({ done: 0, total: files.length, failed: 0, backend: null }, start);
  const { backend } = await init;
  const batch = opts.batchSize ?? (backend === "webgpu" ? WEBGPU_BATCH : WASM_BATCH);
  const outcomes: EmbedOutcome[] = [];
  const t0 = performance.now();
  for (let i = 0; i < files.length; i += batch) {
    if (opts.signal?.aborted) return { outcomes, backend, cancelled: true };
    const items = files.slice(i, i + batch).map((file, j) => ({ id: i + j, file }));
    outcomes.push(...(await api.embed(items)));
    report({ done: outcomes.length, total: files.length, failed: outcomes.filter((o) => "error" in o).length, backend }, t0);
  }
  return { outcomes, backend, cancelled: false };
}
