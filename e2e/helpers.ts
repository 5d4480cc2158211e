import { expect, type Page } from "@playwright/test";
import { resolve } from "node:path";

export const FIXTURES = resolve(import.meta.dirname, "fixtures");

/** Picks a folder through the `dataset-input` directory input, as a person would: once it is
 * enabled (it is disabled while a run is in progress; a folder chosen while the page still loads
 * is kept and ranked once it can be, e2e/first-visit-stress.spec.ts). */
export async function chooseFolder(page: Page, folder: string): Promise<void> {
  await expect(page.getByTestId("dataset-input")).toBeEnabled();
  await page.getByTestId("dataset-input").setInputFiles(folder);
}

export async function topModels(page: Page, n = 10): Promise<string[]> {
  await expect(page.getByTestId("rank-row").nth(n - 1)).toBeVisible();
  return page.getByTestId("rank-row").evaluateAll((rows, k) => rows.slice(0, k).map((r) => r.getAttribute("data-model-id")!), n);
}

export interface PageEmbedding {
  path: string;
  embedding: number[];
}

/** The embeddings the page computed for its sample (read through the app's test handle). */
export function pageEmbeddings(page: Page): Promise<PageEmbedding[]> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { __FENNEC__: { getState(): { embedded: { path: string; embedding: Float32Array }[] } } }).__FENNEC__.getState();
    return s.embedded.map((e) => ({ path: e.path, embedding: Array.from(e.embedding) }));
  });
}

export function pageBackend(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { __FENNEC__: { getState(): { backend: string | null } } }).__FENNEC__.getState().backend);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

/** A ranking (best first) as the table shows it by default: each backbone at its best member. */
export function firstPerBackbone(ranking: readonly { model: string; backbone: string }[]): string[] {
  const seen = new Set<string>();
  return ranking.filter((r) => !seen.has(r.backbone) && seen.add(r.backbone)).map((r) => r.model);
}
