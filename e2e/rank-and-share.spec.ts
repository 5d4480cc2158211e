import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { createProxySession, embedFiles } from "../cli/node/proxy.ts";
import { chooseFolder, firstPerBackbone, cosine, FIXTURES, pageBackend, pageEmbeddings, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");
const TINY = resolve(FIXTURES, "caltech-tiny");

test("a real image folder ranks on WASM, and its share link reopens the same top 10", async ({ page, browser }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  await expect(page.getByTestId("progress")).toBeVisible();
  const top = await topModels(page, 10);
  expect(new Set(top).size).toBe(10);
  expect(await pageBackend(page)).toBe("wasm");
  await expect(page.getByTestId("rank-row")).not.toHaveCount(0);

  const link = await page.getByTestId("share-link").inputValue();
  expect(link).toMatch(/#s=2\./);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  expect(await topModels(other, 10)).toEqual(top);
  await expect(other.getByTestId("error")).toHaveCount(0);
  await fresh.close();

  // The page's embeddings equal the CLI's (sharp decode + onnxruntime-node) for the same files.
  const inPage = await pageEmbeddings(page);
  expect(inPage.length).toBe(32);
  const session = await createProxySession();
  const { embeddings } = await embedFiles(
    session,
    inPage.map((e) => resolve(FIXTURES, e.path)),
  );
  const cos = inPage.map((e, i) => cosine(e.embedding, Array.from(embeddings[i]!)));
  console.log(`page WASM vs Node CLI embeddings: min cosine ${Math.min(...cos).toFixed(6)} over ${cos.length} images`);
  expect(Math.min(...cos)).toBeGreaterThanOrEqual(0.999);

  // The CLI ranks the same folder exactly as the page did.
  const cli = JSON.parse(execFileSync("npx", ["tsx", "cli/rank.ts", MINI, "--zoo", "hub", "--json"], { encoding: "utf8" }));
  const pageDescriptor = (await page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { descriptor: unknown } } }).__FENNEC__.getState().descriptor)) as { sims: unknown; domain?: unknown; probe?: unknown };
  expect(cli.task.sims).toEqual(pageDescriptor.sims);
  // The placement model reads these too: the page must compute the CLI's numbers, not just close ones.
  expect(pageDescriptor.domain).toBeDefined();
  expect(pageDescriptor.domain).toEqual(cli.task.domain);
  expect(typeof pageDescriptor.probe).toBe("number");
  expect(pageDescriptor.probe).toEqual(cli.task.probe);
  // The table shows one row per backbone: the CLI's ranking, each backbone at its best member.
  expect(firstPerBackbone(cli.ranking).slice(0, 10)).toEqual(top);
});

test("the WebGPU path (SwiftShader) embeds like the WASM path", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/?backend=wasm");
  await chooseFolder(page, TINY);
  await topModels(page, 10);
  const wasm = await pageEmbeddings(page);

  await page.goto("/?backend=webgpu");
  const hasAdapter = await page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
  expect(hasAdapter, "Chromium should expose a WebGPU adapter (SwiftShader) with the flags in playwright.config.ts").toBe(true);
  await chooseFolder(page, TINY);
  await topModels(page, 10);
  expect(await pageBackend(page)).toBe("webgpu");
  const gpu = await pageEmbeddings(page);
  expect(gpu.map((e) => e.path)).toEqual(wasm.map((e) => e.path));
  const cos = gpu.map((e, i) => cosine(e.embedding, wasm[i].embedding));
  console.log(`WebGPU vs WASM embeddings: min cosine ${Math.min(...cos).toFixed(6)} over ${cos.length} images`);
  expect(Math.min(...cos)).toBeGreaterThanOrEqual(0.999);
});
