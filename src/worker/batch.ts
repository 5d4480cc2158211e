/** How the proxy runtime is sized. Its own module so the page (and the bench) can read it without
 * loading the worker's code. Images per inference call: 8 measured best on WASM
 * (docs/PERFORMANCE.md); WebGPU uses 4. */
export const WASM_BATCH = 8;
export const WEBGPU_BATCH = 4;

/** At most this many onnxruntime WASM threads: more gave no gain for this model. */
export const MAX_WASM_THREADS = 4;

/** onnxruntime's WASM thread count: one per core up to MAX_WASM_THREADS, and one alone where the
 * page is not cross-origin isolated (no SharedArrayBuffer, hence no threads). */
export function wasmThreads(crossOriginIsolated: boolean, cores: number | undefined): number {
  return crossOriginIsolated ? Math.max(1, Math.min(cores ?? 1, MAX_WASM_THREADS)) : 1;
}
