/**
 * Bench harness worker: the proxy session created exactly as src/worker/embed.worker.ts creates it
 * (same onnxruntime-web build, thread count rule and session options), and three measurements:
 * init, bare inference on ready-made tensors, and the app's decode → preprocess → inference split.
 */
import type { InferenceSession } from "onnxruntime-web";
import { PROXY_INPUT, preprocessInto, resizedSize, storedShorter, type RgbaImage } from "../../../../src/core/preprocess.ts";
import { imageStats, type ImageStats } from "../../../../src/core/task/imageStats.ts";
import type { ResizeVariant } from "./resize.ts";
import { wasmThreads } from "../../../../src/worker/batch.ts";
import { decodeImage } from "../../../../src/worker/decode.ts";
import { loadRuntime, type OrtModule, type RuntimeBuild } from "../../../../src/worker/runtimeFiles.ts";

const PLANE = 3 * PROXY_INPUT * PROXY_INPUT;

export type HarnessRequest =
  | { type: "init"; modelUrl: string; build: RuntimeBuild }
  | { type: "bare"; count: number; batch: number }
  | { type: "pipeline"; files: File[]; batch: number }
  | { type: "embed"; files: File[]; resize: ResizeVariant };

export interface InitReply {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  threads: number;
  fetchMs: number;
  sessionMs: number;
}
export interface BareReply {
  images: number;
  batches: number;
  totalMs: number;
  firstBatchMs: number;
}
export interface PipelineReply {
  images: number;
  failed: number;
  decodeMs: number;
  preprocessMs: number;
  inferMs: number;
  totalMs: number;
}
export interface EmbedReply {
  /** n × dim, in file order; a file that failed to decode has no row and is named in `failed` */
  embeddings: Float32Array;
  dim: number;
  stats: ImageStats[];
  failed: string[];
}
export type HarnessReply = InitReply | BareReply | PipelineReply | EmbedReply;

let ort: OrtModule;
let session: InferenceSession | null = null;

/** Deterministic values in about [-2, 2], the range of ImageNet-normalised pixels. */
function fill(buf: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = (s / 4294967296) * 4 - 2;
  }
}

async function run(input: Float32Array, n: number): Promise<void> {
  const tensor = new ort.Tensor("float32", input.subarray(0, n * PLANE), [n, 3, PROXY_INPUT, PROXY_INPUT]);
  const out = await session!.run({ input: tensor }, ["embedding"]);
  await out.embedding.getData();
  tensor.dispose();
  out.embedding.dispose();
}

/** The image at 256 on its shorter side, resized by Chromium, drawn onto white (as decode.ts
 * composites), with its stored size. */
async function browserResized(file: File, resize: Exclude<ResizeVariant, "shared">): Promise<RgbaImage> {
  const full = await createImageBitmap(file, { imageOrientation: "from-image" });
  const stored = { width: full.width, height: full.height };
  const [width, height] = resizedSize(full.width, full.height);
  const small = resize === "canvas" ? full : await createImageBitmap(full, { resizeWidth: width, resizeHeight: height, resizeQuality: resize });
  const ctx = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true })!;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(small, 0, 0, width, height);
  full.close();
  small.close();
  return { width, height, data: ctx.getImageData(0, 0, width, height).data, stored };
}

/** Embeddings and per-image stats of `files`, as the app computes them (embed.worker.ts), with
 * the chosen resize. A 256-pixel shorter side makes `preprocessInto`'s resize the identity. */
async function embed(files: File[], resize: ResizeVariant, batch = 8): Promise<EmbedReply> {
  const rows: Float32Array[] = [];
  const stats: ImageStats[] = [];
  const failed: string[] = [];
  let dim = 0;
  for (let i = 0; i < files.length; i += batch) {
    const input = new Float32Array(batch * PLANE);
    const shorter: number[] = [];
    for (const file of files.slice(i, i + batch)) {
      try {
        const img = resize === "shared" ? await decodeImage(file) : await browserResized(file, resize);
        preprocessInto(img, input, shorter.length * PLANE);
        shorter.push(storedShorter(img));
      } catch {
        failed.push(file.name);
      }
    }
    if (!shorter.length) continue;
    const n = shorter.length;
    const tensor = new ort.Tensor("float32", input.subarray(0, n * PLANE), [n, 3, PROXY_INPUT, PROXY_INPUT]);
    const out = await session!.run({ input: tensor }, ["embedding", "logits"]);
    const emb = (await out.embedding.getData()) as Float32Array;
    const logits = (await out.logits.getData()) as Float32Array;
    dim = emb.length / n;
    const classes = logits.length / n;
    for (let j = 0; j < n; j++) {
      rows.push(emb.slice(j * dim, (j + 1) * dim));
      stats.push(imageStats(logits, j * classes, classes, input, j * PLANE, shorter[j]));
    }
    tensor.dispose();
    out.embedding.dispose();
    out.logits.dispose();
  }
  const embeddings = new Float32Array(rows.length * dim);
  rows.forEach((r, k) => embeddings.set(r, k * dim));
  return { embeddings, dim, stats, failed };
}

async function handle(req: HarnessRequest): Promise<HarnessReply> {
  if (req.type === "init") {
    // The app's WASM path runs on the plain build; "jsep" (WebGPU's build, on its WASM kernels) is
    // measured beside it to show why (src/worker/runtimeFiles.ts).
    ort = await loadRuntime(req.build);
    ort.env.logLevel = "error";
    // The app's rule: up to 4 threads, and only when cross-origin isolated.
    const threads = wasmThreads(self.crossOriginIsolated, navigator.hardwareConcurrency);
    ort.env.wasm.numThreads = threads;
    const t0 = performance.now();
    const bytes = new Uint8Array(await (await fetch(req.modelUrl)).arrayBuffer());
    const t1 = performance.now();
    session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    const t2 = performance.now();
    return { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, threads, fetchMs: t1 - t0, sessionMs: t2 - t1 };
  }
  if (!session) throw new Error("init first");
  if (req.type === "embed") return embed(req.files, req.resize);
  if (req.type === "bare") {
    const batches = Math.ceil(req.count / req.batch);
    const inputs = Array.from({ length: Math.min(batches, 4) }, (_, i) => {
      const b = new Float32Array(req.batch * PLANE);
      fill(b, i + 1);
      return b;
    });
    let firstBatchMs = 0;
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      const n = Math.min(req.batch, req.count - b * req.batch);
      const tb = performance.now();
      await run(inputs[b % inputs.length], n);
      if (b === 0) firstBatchMs = performance.now() - tb;
    }
    return { images: req.count, batches, totalMs: performance.now() - t0, firstBatchMs };
  }
  let decodeMs = 0, preprocessMs = 0, inferMs = 0, failed = 0, images = 0;
  const t0 = performance.now();
  for (let i = 0; i < req.files.length; i += req.batch) {
    const items = req.files.slice(i, i + req.batch);
    const input = new Float32Array(items.length * PLANE); // allocated per batch, as the app does
    let ok = 0;
    for (const file of items) {
      const ta = performance.now();
      try {
        const img = await decodeImage(file);
        const tb = performance.now();
        preprocessInto(img, input, ok * PLANE);
        preprocessMs += performance.now() - tb;
        decodeMs += tb - ta;
        ok++;
      } catch {
        failed++;
      }
    }
    if (ok) {
      const tc = performance.now();
      await run(input, ok);
      inferMs += performance.now() - tc;
      images += ok;
    }
  }
  return { images, failed, decodeMs, preprocessMs, inferMs, totalMs: performance.now() - t0 };
}

// addEventListener, not onmessage: onnxruntime's thread workers load this same chunk (named
// "em-pthread…") and must keep Emscripten's own message handler.
self.addEventListener("message", async (e: MessageEvent<{ id?: number; req?: HarnessRequest }>) => {
  if (self.name.startsWith("em-pthread") || typeof e.data?.id !== "number" || !e.data.req) return;
  const { id, req } = e.data as { id: number; req: HarnessRequest };
  try {
    self.postMessage({ id, ok: true, result: await handle(req) });
  } catch (err) {
    self.postMessage({ id, ok: false, error: (err as Error).message ?? String(err) });
  }
});
