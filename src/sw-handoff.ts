/** The Cache Storage name where the proxy worker leaves the model and the WASM it downloaded, for
 * the service worker to move into its versioned cache (src/sw.ts). It must not start with
 * "fennec-": the service worker's activate deletes those caches but its own. */
export const HANDOFF_CACHE = "handoff-large";
