/**
 * The proxy model's home: decoding, preprocessing and inference all run here so the page never
 * stalls. Exposed with Comlink; the page calls init() once, then embed() per batch.
 */
import * as Comlink from "comlink";
import * as ort from "onnxruntime-web";
import { PROXY_INPUT, preprocessInto } from "../core/preprocess.ts";
import { WASM_BATCH } from "./batch.ts";
import { decodeImage } from "./decode.ts";

export type Backend = "webgpu" | "wasm";
export type BackendChoice = Backend | "auto";

export interface EmbedItem {
  id: number;
  file: Blob;
}

export type EmbedOutcome = { id: number; embedding: Float32Array } | { id: number; error: string };

const PLANE = 3 * PROXY_INPUT * PROXY_INPUT;

let session: ort.InferenceSession | null = null;
let backend: Backend = "wasm";
let dim = 0;

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

const api = {
  async init(opts: { modelUrl: string; backend: BackendChoice; threads?: number }): Promise<{ backend: Backend; threads: number }> {
    ort.env.logLevel = "error";
    const threads = self.crossOriginIsolated ? Math.max(1, Math.min(opts.threads ?? navigator.hardwareConcurrency ?? 1, 4)) : 1;
    ort.env.wasm.numThreads = threads;
    backend = opts.backend === "auto" ? ((await hasWebGpu()) ? "webgpu" : "wasm") : opts.backend;
    const bytes = new Uint8Array(await (await fetch(opts.modelUrl)).arrayBuffer());
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: "all" });
    } catch (e) {
      if (backend !== "webgpu" || opts.backend === "webgpu") throw e;
      backend = "wasm"; // an adapter that fails at session creation: fall back rather than stop
      session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    }
    dim = 0;
    // One throw-away batch allocates the run's buffers (about 0.9 s on the first real batch
    // otherwise). WebGPU warms with a single image: its first run compiles shaders either way.
    const warm = backend === "wasm" ? WASM_BATCH : 1;
    const zeros = new ort.Tensor("float32", new Float32Array(warm * PLANE), [warm, 3, PROXY_INPUT, PROXY_INPUT]);
    (await session.run({ input: zeros }, ["embedding"])).embedding.dispose();
    zeros.dispose();
    return { backend, threads };
  },

  /** Embeds one batch; a file that fails to decode comes back as an error and the rest go on. */
  async embed(items: EmbedItem[]): Promise<EmbedOutcome[]> {
    if (!session) throw new Error("embed() before init()");
    const outcomes: EmbedOutcome[] = [];
    const ok: number[] = [];
    const input = new Float32Array(items.length * PLANE);
    for (const item of items) {
      try {
        const img = await decodeImage(item.file);
        preprocessInto(img, input, ok.length * PLANE);
        ok.push(item.id);
      } catch (e) {
        outcomes.push({ id: item.id, error: (e as Error).message });
      }
    }
    if (ok.length) {
      const tensor = new ort.Tensor("float32", input.subarray(0, ok.length * PLANE), [ok.length, 3, PROXY_INPUT, PROXY_INPUT]);
      const out = await session.run({ input: tensor }, ["embedding"]);
      const emb = (await out.embedding.getData()) as Float32Array;
      dim ||= emb.length / ok.length;
      ok.forEach((id, j) => outcomes.push({ id, embedding: emb.slice(j * dim, (j + 1) * dim) }));
      tensor.dispose();
      out.embedding.dispose();
    }
    return outcomes;
  },

  /** Preprocessed input of one image: lets tests compare page and CLI preprocessing directly. */
  async preprocessOnly(file: Blob): Promise<Float32Array> {
    const img = await decodeImage(file);
    const out = new Float32Array(PLANE);
    preprocessInto(img, out, 0);
    return out;
  },
};

export type EmbedWorkerApi = typeof api;
Comlink.expose(api);
