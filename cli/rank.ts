/**
 * Ranks a zoo's models for a folder of images, with the same core as the page.
 *   npm run rank -- <folder> [--zoo hub|classic|timm] [--exclude-task TASK] [--dataset-size N] [--classes N] [--per-class 50] [--max-images 500] [--seed 1] [--json]
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { serveTask } from "../src/core/pipeline.ts";
import { DEFAULT_SAMPLE, planDataset } from "../src/core/sampling.ts";
import { checkStated, describeTask, type StatedFacts } from "../src/core/task/descriptor.ts";
import { ObservationError, validateObservations } from "../src/core/task/observed.ts";
import { classSeparability } from "../src/core/task/separability.ts";
import { parseCli } from "./node/args.ts";
import { readCommittedBundle } from "./node/bundleFiles.ts";
import { listFolder } from "./node/files.ts";
import { createProxySession, embedFiles } from "./node/proxy.ts";
import { buildBundle, knownTaskIds } from "./node/repoData.ts";

const USAGE = "usage: npm run rank -- <folder> [--zoo hub|classic|timm] [--exclude-task TASK] [--dataset-size N] [--classes N] [--per-class N] [--max-images N] [--seed N] [--observed MODEL=VALUE]... [--observed-file results.csv] [--json]";

function fail(message: string): never {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

const args = parseCli(
  {
    allowPositionals: true,
    options: {
      zoo: { type: "string", default: "hub" },
      "exclude-task": { type: "string" },
      "dataset-size": { type: "string" },
      classes: { type: "string" },
      "per-class": { type: "string" },
      "max-images": { type: "string" },
      seed: { type: "string" },
      observed: { type: "string", multiple: true },
      "observed-file": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  },
  USAGE,
);
if (args.positionals.length !== 1) fail("give exactly one folder");
// What the person says of the whole dataset (the folder may be a sample of it).
const stated: StatedFacts = {};
for (const [flag, key] of [["dataset-size", "size"], ["classes", "classes"]] as const) {
  const v = args.values[flag];
  if (v === undefined) continue;
  const n = Number(v);
  stated[key] = n;
  if (v.trim() === "" || !Number.isFinite(n)) fail(`--${flag} must be a whole number, got "${v}"`);
}
const statedProblem = checkStated(stated);
if (statedProblem) fail(statedProblem.replace("the dataset size", "--dataset-size").replace("the number of classes", "--classes"));

const t0 = performance.now();
let files;
try {
  files = listFolder(args.positionals[0]);
} catch (e) {
  fail((e as Error).message);
}
const plan = planDataset(files, {
  perClass: positiveInt("per-class", args.values["per-class"], DEFAULT_SAMPLE.perClass),
  total: positiveInt("max-images", args.values["max-images"], DEFAULT_SAMPLE.total),
  seed: positiveInt("seed", args.values.seed, DEFAULT_SAMPLE.seed),
});
for (const s of plan.skipped) console.error(`skipped ${s.path}: ${s.reason}`);
if (plan.sample.length === 0) {
  fail(`no usable images in ${args.positionals[0]} (${files.length} files, ${plan.skipped.length} skipped); put jpg/png/webp/gif/bmp images in one sub-folder per class`);
}

const tList = performance.now();
const exclude = args.values["exclude-task"];
let manifest, zoo;
try {
  if (exclude) {
    if (!knownTaskIds().includes(exclude)) fail(`--exclude-task ${exclude} names no task; known tasks: ${knownTaskIds().join(", ")}`);
    const built = buildBundle({ excludeTask: exclude });
    manifest = built.manifest;
    zoo = built.zoos.find((z) => z.zoo === args.values.zoo) ?? fail(`unknown zoo "${args.values.zoo}"; known: ${built.zoos.map((z) => z.zoo).join(", ")}`);
  } else {
    const committed = readCommittedBundle();
    manifest = committed.manifest;
    zoo = committed.zoo(args.values.zoo!);
  }
} catch (e) {
  fail((e as Error).message);
}

// Measured results on this task, checked against the zoo before any image is embedded.
const rawObserved: { model: string; value: string }[] = [];
for (const item of args.values.observed ?? []) {
  const eq = item.lastIndexOf("=");
  if (eq < 1) fail(`--observed ${item}: expected MODEL=VALUE`);
  rawObserved.push({ model: item.slice(0, eq), value: item.slice(eq + 1) });
}
const observedFile = args.values["observed-file"];
if (observedFile) {
  let text;
  try {
    text = readFileSync(observedFile, "utf8");
  } catch (e) {
    fail(`--observed-file ${observedFile}: ${(e as Error).message}`);
  }
  const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data;
  rows.forEach((row, i) => {
    if (i === 0 && row[0]?.trim().toLowerCase() === "model") return; // header
    if (row.length < 2) fail(`--observed-file ${observedFile}, line ${i + 1}: expected model,value`);
    rawObserved.push({ model: row[0].trim(), value: row[1].trim() });
  });
}
let observed;
try {
  observed = validateObservations(zoo, rawObserved);
} catch (e) {
  if (e instanceof ObservationError) fail(`bad --observed: ${e.message}`);
  throw e;
}

const tBundle = performance.now();
const session = await createProxySession();
const { embeddings, stats, errors } = await embedFiles(
  session,
  plan.sample.map((s) => s.file.abs),
  16,
  args.values.json ? undefined : (done, total) => process.stderr.write(`\rembedding ${done}/${total}`),
);
if (!args.values.json) process.stderr.write("\n");
for (const e of errors) console.error(`skipped ${plan.sample[e.index].file.path}: ${e.reason}`);
const used = plan.sample.map((s, i) => ({ s, e: embeddings[i], st: stats[i] })).filter((x) => x.e !== null);
if (used.length === 0) fail("none of the sampled images could be decoded");
const tEmbed = performance.now();

const usedEmb = used.map((x) => x.e!);
const usedLabels = used.map((x) => x.s.label);
const desc = describeTask(usedEmb, usedLabels, manifest, plan.usable, {
  stats: used.map((x) => x.st!),
  probe: await classSeparability(usedEmb, usedLabels),
  stated,
});
const served = serveTask(zoo, desc, { observed });
const folded = served.fit;
const { ranking, placement } = served.result;
const proposals = served.tryFirst;
const backboneOf = new Map(zoo.models.map((m) => [m.id, m.backbone ?? m.id]));
const tRank = performance.now();

const result = {
  zoo: zoo.zoo,
  bundle: manifest.hash,
  excluded: exclude ?? null,
  ranking: ranking.map((r) => ({ ...r, ...(served.predicted?.has(r.model) && { predicted: served.predicted.get(r.model) }), backbone: backboneOf.get(r.model) ?? r.model })),
  metric: zoo.metric,
  tryFirst: proposals.map((p) => p.model),
  tryFirstReasons: Object.fromEntries(proposals.map((p) => [p.model, p.reason])),
  observed: folded.observed,
  task: {
    images: desc.nImages,
    classes: desc.nClasses,
    stated: desc.stated ?? {},
    warnings: served.warnings,
    labelled: plan.labelled,
    files: files.length,
    skipped: [...plan.skipped, ...errors.map((e) => ({ path: plan.sample[e.index].file.path, reason: e.reason }))],
    sims: desc.sims,
    domain: desc.domain,
    probe: desc.probe,
    story: served.story.line,
    placement: placement.explanation ?? null,
    counts: served.base.meta?.counts ?? null,
    finetune: served.base.finetune,
  },
  timings: {
    list_ms: tList - t0,
    bundle_ms: tBundle - tList,
    embed_ms: tEmbed - tBundle,
    rank_ms: tRank - tEmbed,
    total_ms: tRank - t0,
    images_per_s: (used.length / (tEmbed - tBundle)) * 1000,
  },
};
if (args.values.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`${zoo.name}: ${zoo.models.length} models, task of ${desc.nImages} images / ${desc.nClasses} classes`);
  for (const w of served.warnings) console.log(`warning: ${w}`);
  if (folded.observed.length) console.log(`folded in ${folded.observed.length} measured result(s): ${folded.observed.map((o) => `${o.model}=${o.value}`).join(", ")}`);
  console.log(`try first: ${proposals.map((p) => p.model).join(", ")}`);
  ranking.slice(0, 20).forEach((r, i) => console.log(`${String(i + 1).padStart(3)}  ${r.score.toFixed(3).padStart(7)}  ${r.model}`));
}
