/**
 * A first visit with the service worker on: the proxy model and the WASM cross the network once
 * (the service worker's precache and the proxy session share one download), and the session starts
 * while the person is still choosing a folder (on pointer-over of the drop zone).
 */
import { expect, test } from "@playwright/test";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

test.use({ serviceWorkers: "allow" });

test("first visit: model and WASM are downloaded once, and the session is ready before a folder is chosen", async ({ page, context }) => {
  const downloads: string[] = [];
  // Every response that came from the network (or the HTTP cache), not from the service worker's
  // cache: the page's, its workers' and the service worker's own fetches.
  context.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (/\.(onnx|wasm)$/.test(path) && r.status() === 200 && !r.fromServiceWorker()) downloads.push(`${r.request().serviceWorker() ? "service worker" : "page"} ${path}`);
  });
  await page.goto("/?backend=wasm");
  await expect(page.getByTestId("dataset-input")).toBeEnabled();
  // The person moves to the drop zone; the session starts before any folder is chosen.
  await page.getByTestId("dropzone").hover();
  await page.waitForFunction(() => performance.getEntriesByName("fennec:proxy-ready").length > 0, undefined, { timeout: 120_000 });
  await chooseFolder(page, resolve(FIXTURES, "caltech-tiny"));
  expect(new Set(await topModels(page, 10)).size).toBe(10);
  // The service worker then caches the model and WASM from the copies of the session's download.
  const cachedKeys = () =>
    page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const names = await caches.keys();
      return (await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat();
    });
  await expect.poll(async () => (await cachedKeys()).filter((k) => k === "/models/mobilenetv2-fp32.onnx" || k.endsWith(".wasm")).length, { timeout: 60_000 }).toBe(2);
  const model = downloads.filter((d) => d.endsWith(".onnx"));
  const wasm = downloads.filter((d) => d.endsWith(".wasm"));
  expect(model, downloads.join("\n")).toHaveLength(1);
  expect(wasm, downloads.join("\n")).toHaveLength(1);
});
