/**
 * What letting the browser resize images would do to the rankings (docs/PERFORMANCE.md, "The
 * browser's resize"): every historical image sample (../shared/data/images) is embedded in
 * Chromium by the app's shared preprocessing and by each of Chromium's own resizes
 * (`createImageBitmap` at each `resizeQuality`, `OffscreenCanvas` `drawImage`; then the shared crop
 * and normalisation); each
 * held-out task of the leave-one-task-out evaluation is then described and ranked from each, as
 * `npm run rank --exclude-task` ranks it (the zoo's shipped setting), and scored against the
 * task's measured results.
 *   npm run resize-effect -- [--json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cosine } from "../src/core/math/linalg.ts";
import { rankingMetrics } from "../src/core/metrics.ts";
import { rankByPrior, type RankedModel } from "../src/core/ranking.ts";
import { rankTask } from "../src/core/pipeline.ts";
import { planDataset } from "../src/core/sampling.ts";
import { describeTask } from "../src/core/task/descriptor.ts";
import type { ImageStats } from "../src/core/task/imageStats.ts";
import { classSeparability } from "../src/core/task/separability.ts";
import { ZOO_DEFINITIONS } from "../src/core/zoos.ts";
import type { EmbedReply } from "./node/bench/harness/harness.worker.ts";
import { RESIZE_VARIANTS, type ResizeVariant } from "./node/bench/harness/resize.ts";
import { launchBrowser } from "./node/bench/browser.ts";
import { SHARED_IMAGES } from "./node/bench/datasets.ts";
import { startHarness } from "./node/bench/servers.ts";
import { scoreRanking } from "../src/core/eval/score.ts";
import { settingLabel } from "../src/core/eval/served.ts";
import { configuredSetting, heldOutFold, heldOutTasks } from "./node/servedData.ts";
import { readImageEmbeddings as imageSamples } from "./node/repoData.ts";
import { parseCli } from "./node/args.ts";
import { listFolder } from "./node/files.ts";
import { REPO } from "./node/repoData.ts";

const USAGE = "usage: npm run resize-effect -- [--json]";
const args = parseCli({ options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } }, USAGE);
const log = (m: string) => console.error(m);
/** The browser resize shown sample by sample and fold by fold (the others are summarised). */
const MAIN: BrowserVariant = "high";
type BrowserVariant = Exclude<ResizeVariant, "shared">;
const BROWSER = RESIZE_VARIANTS.filter((v): v is BrowserVariant => v !== "shared");
const LABEL: Record<BrowserVariant, string> = {
  high: '`createImageBitmap`, `resizeQuality: "high"`',
  medium: '`createImageBitmap`, `"medium"`',
  low: '`createImageBitmap`, `"low"`',
  canvas: '`OffscreenCanvas` `drawImage`, `imageSmoothingQuality: "high"`',
};

interface Embedded {
  embeddings: Float32Array[];
  stats: ImageStats[];
  labels: string[];
}
type Variants = Record<ResizeVariant, Embedded>;

/** Every image sample embedded in the page every way, in data/embeddings' order (embed-tasks.ts). */
async function embedInPage(): Promise<Map<string, Variants>> {
  const tmp = mkdtempSync(join(tmpdir(), "fennec-resize-effect-"));
  const harness = await startHarness(REPO, join(tmp, "harness"));
  const { browser } = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${harness.url}/index.html`);
    await page.waitForFunction(() => "__HARNESS__" in globalThis);
    type H = { init(u: string): Promise<unknown>; embedList(r: ResizeVariant): Promise<Omit<EmbedReply, "embeddings"> & { embeddings: string }> };
    await page.evaluate(() => (globalThis as unknown as { __HARNESS__: H }).__HARNESS__.init("/models/mobilenetv2-fp32.onnx"));
    const out = new Map<string, Variants>();
    for (const sample of imageSamples()) {
      const plan = planDataset(listFolder(resolve(SHARED_IMAGES, sample.key)), { perClass: Infinity, total: Infinity, seed: 1 });
      await page.locator("#list").setInputFiles(plan.sample.map((s) => s.file.abs));
      const all = {} as Variants;
      for (const variant of RESIZE_VARIANTS) {
        const r = await page.evaluate((v) => (globalThis as unknown as { __HARNESS__: H }).__HARNESS__.embedList(v), variant);
        if (r.failed.length) throw new Error(`${sample.key}: ${r.failed.length} images failed to decode (${r.failed[0]})`);
        const bytes = Buffer.from(r.embeddings, "base64");
        const rows = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
        all[variant] = { embeddings: plan.sample.map((_, i) => rows.slice(i * r.dim, (i + 1) * r.dim)), stats: r.stats, labels: plan.sample.map((s) => s.label) };
      }
      log(`${sample.key}: ${plan.sample.length} images embedded ${RESIZE_VARIANTS.length} ways`);
      out.set(sample.key, all);
    }
    return out;
  } finally {
    await browser.close();
    await harness.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const embedded = await embedInPage();

const cosines = (a: readonly Float32Array[], b: readonly ArrayLike<number>[]) => a.map((x, i) => cosine(x, b[i]));
const summary = (c: number[]) => ({ images: c.length, min: Math.min(...c), mean: c.reduce((x, y) => x + y, 0) / c.length, below999: c.filter((x) => x < 0.999).length });
// Each browser resize against the shared one, per sample; and the page's shared path against the
// CLI's committed embeddings (data/embeddings), which should be the same numbers.
const imageRows = imageSamples().map((s) => {
  const e = embedded.get(s.key)!;
  return {
    sample: s.key,
    sharedVsCli: summary(cosines(e.shared.embeddings, s.embeddings)),
    ...Object.fromEntries(BROWSER.map((v) => [v, summary(cosines(e[v].embeddings, e.shared.embeddings))])),
  } as { sample: string; sharedVsCli: ReturnType<typeof summary> } & Record<BrowserVariant, ReturnType<typeof summary>>;
});
const overall = Object.fromEntries(
  (["sharedVsCli", ...BROWSER] as const).map((k) => {
    const rows = imageRows.map((r) => r[k]);
    const n = rows.reduce((a, r) => a + r.images, 0);
    return [k, { images: n, min: Math.min(...rows.map((r) => r.min)), mean: rows.reduce((a, r) => a + r.mean * r.images, 0) / n, below999: rows.reduce((a, r) => a + r.below999, 0) }];
  }),
) as Record<"sharedVsCli" | BrowserVariant, ReturnType<typeof summary>>;

type Ranked = RankedModel[];
type TaskRow = { zoo: string; task: string; models: number; setting: string; prior: number; cli: number; agreementTau: number; sameTop1: boolean; top5Overlap: number } & Record<ResizeVariant, number>;
const taskRows: TaskRow[] = [];
for (const def of ZOO_DEFINITIONS.filter((d) => d.id !== "timm")) {
  for (const task of heldOutTasks(def.id)) {
    // The space as `npm run rank --exclude-task` builds it, with the zoo's shipped setting.
    const fold = heldOutFold(def.id, task);
    const zoo = fold.built;
    const e = embedded.get(fold.imageKey)!;
    const rankings = {} as Record<ResizeVariant, Ranked>;
    for (const v of RESIZE_VARIANTS) {
      const probe = await classSeparability(e[v].embeddings, e[v].labels);
      rankings[v] = rankTask(zoo, describeTask(e[v].embeddings, e[v].labels, fold.space, undefined, { stats: e[v].stats, probe })).base.ranking;
    }
    // How far the main browser resize moves the ranking: Kendall τ between the two orders of all
    // models, the top-1 and the top five.
    const order = (r: Ranked) => new Map(r.map((m, i) => [m.model, -i]));
    const a = order(rankings.shared);
    const b = order(rankings[MAIN]);
    const ids = [...a.keys()];
    const top5 = new Set(rankings[MAIN].slice(0, 5).map((m) => m.model));
    taskRows.push({
      zoo: def.id,
      task,
      models: ids.length,
      setting: settingLabel(configuredSetting(def)),
      prior: scoreRanking(rankByPrior(fold.built), fold.truth).weightedTau,
      cli: scoreRanking(rankTask(zoo, fold.desc).base.ranking, fold.truth).weightedTau,
      ...(Object.fromEntries(RESIZE_VARIANTS.map((v) => [v, scoreRanking(rankings[v], fold.truth).weightedTau])) as Record<ResizeVariant, number>),
      agreementTau: rankingMetrics(ids.map((m) => b.get(m)!), ids.map((m) => a.get(m)!)).kendallTau,
      sameTop1: rankings.shared[0].model === rankings[MAIN][0].model,
      top5Overlap: rankings.shared.slice(0, 5).filter((m) => top5.has(m.model)).length,
    });
  }
}

if (args.values.json) {
  console.log(JSON.stringify({ overall, images: imageRows, tasks: taskRows }, null, 1));
} else {
  const f = (x: number, d = 3) => x.toFixed(d);
  const zoos = [...new Set(taskRows.map((r) => r.zoo))];
  const meanOf = (zoo: string, k: "prior" | "cli" | ResizeVariant) => {
    const rows = taskRows.filter((r) => r.zoo === zoo);
    return f(rows.reduce((s, r) => s + r[k], 0) / rows.length);
  };
  console.log(`| resize (all ${overall.sharedVsCli.images} images) | cosine to the shared resize, min / mean | below 0.999 | ${zoos.map((z) => `mean wτ ${z}`).join(" | ")} |`);
  console.log(`|---|---|---|${zoos.map(() => "---|").join("")}`);
  console.log(`| shared \`preprocessInto\` (what ships; against the CLI's embeddings) | ${f(overall.sharedVsCli.min, 6)} / ${f(overall.sharedVsCli.mean, 6)} | ${overall.sharedVsCli.below999} | ${zoos.map((z) => meanOf(z, "shared")).join(" | ")} |`);
  for (const v of BROWSER) console.log(`| ${LABEL[v]} | ${f(overall[v].min, 4)} / ${f(overall[v].mean, 4)} | ${overall[v].below999} | ${zoos.map((z) => meanOf(z, v)).join(" | ")} |`);
  console.log(`| task-agnostic prior | | | ${zoos.map((z) => meanOf(z, "prior")).join(" | ")} |`);
  console.log(`\n| image sample | images | ${MAIN} vs shared, cosine min / mean | below 0.999 | page (shared) vs CLI, cosine min |`);
  console.log("|---|---|---|---|---|");
  for (const r of imageRows) console.log(`| ${r.sample} | ${r[MAIN].images} | ${f(r[MAIN].min, 4)} / ${f(r[MAIN].mean, 4)} | ${r[MAIN].below999} | ${f(r.sharedVsCli.min, 6)} |`);
  console.log(`\n| zoo | held-out task | models | setting (shipped) | prior wτ | method wτ: CLI | page, shared | page, ${MAIN} | order agreement (Kendall τ) | same top-1 | top-5 overlap |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of taskRows) console.log(`| ${r.zoo} | ${r.task} | ${r.models} | ${r.setting} | ${f(r.prior)} | ${f(r.cli)} | ${f(r.shared)} | ${f(r[MAIN])} | ${f(r.agreementTau)} | ${r.sameTop1 ? "yes" : "no"} | ${r.top5Overlap}/5 |`);
  for (const z of zoos) console.log(`| ${z} | **mean** | | | ${meanOf(z, "prior")} | ${meanOf(z, "cli")} | ${meanOf(z, "shared")} | ${meanOf(z, MAIN)} | | | |`);
}
