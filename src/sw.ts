/**
 * The service worker: after one visit the app works offline. Built only for production (the
 * `fennec-sw` plugin in vite.config.ts transpiles this file to dist/sw.js and fills in the list of
 * every file of the build and a version hashed from their contents).
 * - install: every file is cached (app shell, hashed JS/CSS/WASM, the proxy model, the bundle), so
 *   that a first visit that never ranked is enough to rank offline later (the example's photos
 *   are kept when first used instead);
 * - hashed assets and the model: cache first (their content never changes under a name; a new model
 *   comes with a new build, hence a new cache);
 * - the page and the bundle: network first, cache when offline, so updates land when online.
 * Cached responses keep their headers, COOP/COEP and CSP included: the page stays cross-origin
 * isolated offline (WASM threads).
 * The model and the WASM (most of the bytes) cross the network once on a first visit: they are
 * cached when the page asks ("cache-large"), moved from the hand-off cache where the proxy worker
 * left its own download (fetchBytes in src/worker/embed.worker.ts), or from the network on a
 * visit that has not started a session (registerServiceWorker in src/worker/client.ts); and a
 * fetch of them that passes through here is kept.
 */
export {};

declare const __PRECACHE__: string[];
declare const __VERSION__: string;
declare const __HANDOFF_CACHE__: string;

const sw = self as unknown as ServiceWorkerGlobalScope;
const PRECACHE: string[] = __PRECACHE__;
/** Most of the bytes (the model and onnxruntime's two WASM builds): cached at the page's request,
 * only those its backend uses (registerServiceWorker in src/worker/client.ts). */
const LARGE = PRECACHE.filter((p) => p.endsWith(".wasm") || p.endsWith(".onnx"));
/** The example folder's photos (public/example): most visits never press "Try an example", so
 * they are not part of the install; cacheFirst keeps them once fetched, for offline use after. */
const ON_USE = PRECACHE.filter((p) => p.startsWith("example/"));
const CACHE = `fennec-${__VERSION__}`;
const scope = new URL(sw.registration.scope);
const INDEX = new URL("./", scope).href;
const abs = (path: string) => new URL(path, scope).href;
/** Servers often answer `Vary: Origin`; a module script's request carries an Origin header that the
 * precache request did not, which must not make the cached copy a miss. */
const MATCH: MultiCacheQueryOptions = { cacheName: CACHE, ignoreVary: true };

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // "no-store": straight from the network, leaving the HTTP cache alone. ("reload" would
      // rewrite HTTP cache entries that the page may be reading at the same moment, and Chromium
      // then fails that read: ERR_CACHE_WRITE_FAILURE.) The model and the WASM wait for the page's
      // "cache-large" message.
      await cache.addAll(PRECACHE.filter((p) => !LARGE.includes(p) && !ON_USE.includes(p)).map((p) => new Request(p === "index.html" ? INDEX : abs(p), { cache: "no-store" })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("message", (event) => {
  const data = event.data as { type?: string; urls?: unknown } | null;
  if (data?.type !== "cache-large") return;
  const port = event.ports[0];
  // The files the page names (the model and its backend's WASM build), if they are this build's.
  const large = LARGE.map(abs);
  const wanted = Array.isArray(data.urls) ? large.filter((u) => (data.urls as unknown[]).includes(u)) : large;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const handoff = await caches.open(__HANDOFF_CACHE__);
      for (const url of wanted) {
        if (await cache.match(url, MATCH)) continue;
        const response = (await handoff.match(url, { ignoreVary: true })) ?? (await fetch(url));
        if (response.ok) await cache.put(url, response);
      }
      await caches.delete(__HANDOFF_CACHE__);
    })()
      .catch(() => undefined)
      .finally(() => port?.postMessage("done")),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith("fennec-") && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

/** Stores a copy of a good same-origin response, keeping the worker alive until it is written. */
function keep(event: FetchEvent, key: string | Request, response: Response): void {
  if (!response.ok || response.type !== "basic") return;
  const copy = response.clone();
  event.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)));
}

async function networkFirst(event: FetchEvent, key: string): Promise<Response> {
  try {
    const response = await fetch(event.request);
    keep(event, key, response);
    return response;
  } catch {
    return (await caches.match(key, MATCH)) ?? Response.error();
  }
}

async function cacheFirst(event: FetchEvent): Promise<Response> {
  const hit = await caches.match(event.request, MATCH);
  if (hit) return hit;
  const response = await fetch(event.request);
  keep(event, event.request, response);
  return response;
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length);
  if (request.mode === "navigate") event.respondWith(networkFirst(event, INDEX));
  else if (path.startsWith("bundles/")) event.respondWith(networkFirst(event, url.href));
  else if (path.startsWith("assets/") || path.startsWith("models/") || PRECACHE.includes(path)) event.respondWith(cacheFirst(event));
});
