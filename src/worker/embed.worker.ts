/**
 * The proxy model's home: inference runs here so the page never stalls. Decoding and
 * preprocessing run in decode workers (prepare.worker.ts) that prepare the next batches while this
 * one infers. Exposed with Comlink; the page calls init() once, then infer() per prepared batch.
 */
import * as Comlink from "comlink";
import type * as Ort from "onnxruntime-web";
import { PROXY_INPUT, preprocessInto } from "../core/preprocess.ts";
import { WASM_BATCH, wasmThreads } from "./batch.ts";
import { decodeImage } from "./decode.ts";
import { softmaxStats, type ImageStats } from "../core/task/imageStats.ts";
import { classSeparability } from "../core/task/separability.ts";
import { PLANE } from "./prepare.ts";
import { HANDOFF_CACHE } from "../sw-handoff.ts";
import { buildFor, loadRuntime, resolveBackend, wasmUrlFor, type OrtModule, type RuntimeBuild } from "./runtimeFiles.ts";

export type { EmbedItem } from "./prepare.ts";

export type Backend = "webgpu" | "wasm";
export type BackendChoice = Backend | "auto";

export type EmbedOutcome = { id: number; embedding: Float32Array; stats: ImageStats } | { id: number; error: string };

let ort: OrtModule | null = null;
/** Builds whose WebAssembly is instantiated (each module keeps its instance for the worker's life). */
const instantiated = new Set<RuntimeBuild>();
let session: Ort.InferenceSession | null = null;
let backend: Backend = "wasm";

/** Hand-off copies still being written; init() waits for them, so that when the page asks the
 * service worker to cache the large files (after the session is ready) they are there. */
const keeping: Promise<unknown>[] = [];

/** What the session start spent, step by step (ms). */
export interface SessionStartSteps {
  downloadMs: number;
  sessionMs: number;
  warmUpMs: number;
  /** waiting, after the warm-up, for the hand-off copies to be written */
  keepMs: number;
}

/**
 * Downloads a file the session needs; with `keep`, leaves a copy in the hand-off cache, which the
 * service worker moves into its own offline cache when the page asks (src/sw.ts): one download
 * serves the session and offline use, whatever the HTTP cache keeps. Without Cache Storage (or on
 * a full disk) the session goes on; offline use then downloads the file again.
 */
async function fetchBytes(url: string, keep: boolean): Promise<ArrayBuffer> {
  const file = new URL(url).pathname;
  const response = await fetch(url).catch(() => {
    throw new Error(`could not download ${file}: the network request failed. Check the connection and try again.`);
  });
  if (!response.ok) {
    throw new Error(`could not download ${file}: the server answered ${`${response.status} ${response.statusText}`.trim()}. Reload the page and try again; if it persists, the site is missing this file.`);
  }
  if (keep && typeof caches !== "undefined") {
    const copy = response.clone();
    keeping.push(
      caches
        .open(HANDOFF_CACHE)
        .then((c) => c.put(url, copy))
        .catch(() => undefined),
    );
  }
  return response.arrayBuffer();
}

const api = {
  /** `keep`: leave copies of the downloads for the service worker (a first visit where one is
   * about to take over; see fetchBytes). Returns, beside the backend, how long each step of the
   * session start took (the bench's cold-start breakdown). */
  async init(opts: { modelUrl: string; backend: BackendChoice; threads?: number; keep?: boolean }): Promise<{ backend: Backend; threads: number; files: string[]; steps: SessionStartSteps }> {
    const t0 = performance.now();
    backend = await resolveBackend(opts.backend);
    const build = buildFor(backend);
    const keep = opts.keep === true;
    const wasmUrl = wasmUrlFor(build);
    // The model, the build's JS and its WebAssembly download side by side.
    const [model, mod, wasm] = await Promise.all([fetchBytes(opts.modelUrl, keep), loadRuntime(build), instantiated.has(build) ? null : fetchBytes(wasmUrl, keep)]);
    await session?.release();
    session = null;
    ort = mod;
    if (wasm) {
      ort.env.logLevel = "error";
      ort.env.wasm.numThreads = wasmThreads(self.crossOriginIsolated, opts.threads ?? navigator.hardwareConcurrency);
      ort.env.wasm.wasmBinary = wasm;
    }
    const threads = ort.env.wasm.numThreads ?? 1;
    const bytes = new Uint8Array(model);
    const t1 = performance.now();
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: "all" });
    } catch (e) {
      if (backend !== "webgpu" || opts.backend === "webgpu") throw e;
      backend = "wasm"; // an adapter that fails at session creation: fall back rather than stop
      session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    }
    const t2 = performance.now();
    if (wasm) {
      // Instantiated with the first session: the bytes are no longer needed.
      instantiated.add(build);
      ort.env.wasm.wasmBinary = undefined;
    }
    // One throw-away batch allocates the run's buffers (about 0.9 s on the first real batch
    // otherwise). WebGPU warms with a single image: its first run compiles shaders either way.
    const warm = backend === "wasm" ? WASM_BATCH : 1;
    const zeros = new ort.Tensor("float32", new Float32Array(warm * PLANE), [warm, 3, PROXY_INPUT, PROXY_INPUT]);
    (await session.run({ input: zeros }, ["embedding"])).embedding.dispose();
    zeros.dispose();
    const t3 = performance.now();
    await Promise.all(keeping.splice(0));
    const t4 = performance.now();
    return { backend, threads, files: [opts.modelUrl, wasmUrl], steps: { downloadMs: t1 - t0, sessionMs: t2 - t1, warmUpMs: t3 - t2, keepMs: t4 - t3 } };
  },

  /** Embeds `count` preprocessed images (`input`, transferred in); the embeddings come back as
   * one transferred buffer, `count` × dim floats. */
  async infer(input: Float32Array, count: number): Promise<{ embeddings: Float32Array; dim: number; soft: { top1: number; entropy: number }[] }> {
    if (!session || !ort) throw new Error("infer() before init()");
    const tensor = new ort.Tensor("float32", input.subarray(0, count * PLANE), [count, 3, PROXY_INPUT, PROXY_INPUT]);
    try {
      const out = await session.run({ input: tensor }, ["embedding", "logits"]);
      let emb = (await out.embedding.getData()) as Float32Array;
      const logits = (await out.logits.getData()) as Float32Array;
      const classes = logits.length / count;
      const soft = Array.from({ length: count }, (_, j) => softmaxStats(logits, j * classes, classes));
      out.embedding.dispose();
      out.logits.dispose();
      // Transfer needs a buffer of its own; a view into a larger one (WebGPU readback) is copied once.
      if (emb.byteOffset !== 0 || emb.byteLength !== emb.buffer.byteLength) emb = emb.slice();
      return Comlink.transfer({ embeddings: emb, dim: emb.length / count, soft }, [emb.buffer]);
    } finally {
      tensor.dispose();
    }
  },

  /** Class separability of the embedded sample (tfjs, imported on first use, in this worker). */
  async separability(embeddings: Float32Array[], labels: string[]): Promise<number | null> {
    return classSeparability(embeddings, labels);
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
