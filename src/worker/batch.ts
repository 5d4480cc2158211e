/** Images per inference call: 8 measured best on WASM (docs/PERFORMANCE.md); WebGPU uses 4.
 * Its own module so the page can read it without loading the worker's code. */
export const WASM_BATCH = 8;
export const WEBGPU_BATCH = 4;
