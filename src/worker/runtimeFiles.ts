/**
 * The large files a proxy session downloads, per backend: the model and one of onnxruntime-web's
 * two WebAssembly builds. The WASM backend loads the plain build (`onnxruntime-web/wasm`, 14 MB:
 * its session starts in about half the time of the other); WebGPU needs the JSEP build (28 MB,
 * WebGPU kernels and the asyncify glue they need). The URLs are the files Vite emits for each
 * build's own `new URL(…, import.meta.url)`, so the page, the proxy worker and the service worker
 * (src/sw.ts) name the same files.
 */
import plainWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm?url";
import jsepWasm from "onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url";
import type * as Ort from "onnxruntime-web";
import type { Backend, BackendChoice } from "./embed.worker.ts";

export const MODEL_PATH = "models/mobilenetv2-fp32.onnx";

/** Which onnxruntime-web build a backend runs on. */
export type RuntimeBuild = "plain" | "jsep";
export const buildFor = (backend: Backend): RuntimeBuild => (backend === "webgpu" ? "jsep" : "plain");

export type OrtModule = typeof Ort;

/** A build's JS module, loaded on first use (the proxy worker's, and the bench harness's). Each is
 * its own module, with its own env, Tensor class and WebAssembly instance; a WASM-only visit never
 * downloads the WebGPU build. */
export function loadRuntime(build: RuntimeBuild): Promise<OrtModule> {
  return build === "jsep" ? import("onnxruntime-web") : import("onnxruntime-web/wasm");
}

/** Absolute URL of a build's WebAssembly file. */
export function wasmUrlFor(build: RuntimeBuild): string {
  return new URL(build === "jsep" ? jsepWasm : plainWasm, self.location.href).href;
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/** The backend a choice runs on: "auto" is WebGPU where an adapter is offered, else WASM. */
export async function resolveBackend(choice: BackendChoice): Promise<Backend> {
  return choice === "auto" ? ((await hasWebGpu()) ? "webgpu" : "wasm") : choice;
}

/** Absolute URLs of the large files a session on `backend` downloads. */
export function runtimeFilesFor(backend: Backend, base: string): string[] {
  return [new URL(MODEL_PATH, base).href, wasmUrlFor(buildFor(backend))];
}
