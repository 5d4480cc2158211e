import { expect, test } from "@playwright/test";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, pageBackend, topModels } from "./helpers.ts";

test.use({ serviceWorkers: "allow" });

test("after one visit the app ranks offline, cross-origin isolated, from the service worker's cache", async ({ page, context }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));

  // First visit: no ranking; the service worker installs and caches every file of the build.
  await page.goto("/?backend=wasm");
  // The install caches the small files; the model and WASM follow once the page has been idle a
  // while (registerServiceWorker in src/worker/client.ts), so the cache is read until they are in.
  const cached = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready; // active: install (precache) finished
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    for (let i = 0; ; i++) {
      const names = await caches.keys();
      const keys = (await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat();
      const large = keys.includes("/models/mobilenetv2-fp32.onnx") && keys.some((k) => k.endsWith(".wasm"));
      if (large || i >= 120) return { scope: reg.scope, names, keys };
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  expect(cached.names).toHaveLength(1);
  expect(cached.keys).toEqual(
    expect.arrayContaining(["/", "/models/mobilenetv2-fp32.onnx", "/bundles/manifest.json", "/bundles/zoo-hub.json", "/bundles/zoo-classic.json"]),
  );
  expect(cached.keys.some((k) => /^\/assets\/ort-wasm.*\.wasm$/.test(k))).toBe(true);
  expect(cached.keys.some((k) => /^\/assets\/embed\.worker-.*\.js$/.test(k))).toBe(true);

  await context.setOffline(true);
  // Offline really applies to the service worker's own fetches: a file it never cached fails.
  const probe = await page.evaluate(() => fetch(`/not-cached-${Date.now()}.txt`).then((r) => `HTTP ${r.status}`, () => "failed"));
  expect(probe).toBe("failed");

  const fromWorker: string[] = [];
  const fromNetwork: string[] = [];
  page.on("response", (r) => (r.fromServiceWorker() ? fromWorker : fromNetwork).push(new URL(r.url()).pathname));
  await page.reload();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await chooseFolder(page, resolve(FIXTURES, "caltech-tiny"));
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  expect(await pageBackend(page)).toBe("wasm");
  await expect(page.getByTestId("error")).toHaveCount(0);
  expect(fromWorker).toContain("/");
  expect(fromNetwork.filter((p) => !p.startsWith("/not-cached"))).toEqual([]);
  expect(errors).toEqual([]);
});
