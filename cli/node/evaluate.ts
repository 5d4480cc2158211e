/**
 * Leave-one-task-out evaluation of the ranking, shared by `npm run eval` and the tests.
 *
 * For every image-backed task of a zoo: rebuild the zoo and the manifest without that task (its
 * records AND its image sample), describe the task from its own images' proxy embeddings as a new
 * task, rank the zoo, and compare with the task's measured results. The heavy part (building a
 * fold) is done once per fold and factorisation rank; every mapper setting reuses it.
 */
import { mean } from "../../src/core/math/linalg.ts";
import { resolve } from "node:path";
import { buildZoo } from "../../src/core/bundle/build.ts";
import type { Manifest, Zoo } from "../../src/core/bundle/schema.ts";
import { kendallTau, weightedTau, type RankingMetrics } from "../../src/core/metrics.ts";
import { rankByPrior, rankZoo, type RankedModel } from "../../src/core/ranking.ts";
import { pivotRecords, type TidyRecord } from "../../src/core/space/matrix.ts";
import { centredUnit, describeTask, type TaskDescriptor } from "../../src/core/task/descriptor.ts";
import { priorTaskVector } from "../../src/core/task/mapper.ts";
import { fitMetaModel, PRETRAINING_KINDS, type TaskMetaFeature } from "../../src/core/task/meta.ts";
import { excludedTasksFor, TASK_CLASSES, taskSize, ZOO_DEFINITIONS, type ZooDefinition } from "../../src/core/zoos.ts";
import { evaluatePlacementFold, shippedSetting, type PlacementFold, type PlacementTaskResult } from "../../src/core/eval/placement.ts";
import type { PlacementInput, PlacementSettings } from "../../src/core/task/placement.ts";
import { meanMetrics, randomBaseline, scoreRanking, strip, type Summary } from "../../src/core/eval/score.ts";
export { meanMetrics, randomBaseline, scoreRanking, type Summary };
import { buildBundle, DATA, historicalImageTasks, modelInfoFor, PROVENANCE, readCsv, readImageEmbeddings, readZooRecords } from "./repoData.ts";

/** Mapper settings of a ranking; `meta` is the meta-score weight w (absent: the zoo's). */
export type Mapper = { tau: number; alpha: number; meta?: number; placement?: PlacementSettings | null };
type ImageSample = ReturnType<typeof readImageEmbeddings>[number];

/** One leave-one-task-out fold of one zoo, built once and reused by every mapper setting. */
export interface Fold {
  zoo: string;
  task: string;
  imageKey: string;
  /** Manifest without the held-out image sample (its centring vector is rebuilt too). */
  manifest: Manifest;
  /** The zoo as `buildBundle({ excludeTask })` builds it (the configured rank). */
  built: Zoo;
  /** The held-out task described from its own images, as the app would describe a new folder,
   * with the dataset's true class count and training-set size (what a user's full folder gives:
   * `nClasses` from TASK_CLASSES, `size` from the zoo's task sizes); the meta-score reads those. */
  desc: TaskDescriptor;
  /** Classes in the stored image sample (fewer than the dataset has). */
  sampleClasses: number;
  /** The held-out task's images (for the per-image ablation). */
  images: ImageSample;
  /** Measured result of the held-out task for every model that has one (raw, the zoo's metric). */
  truth: Map<string, number>;
  /** Tasks removed from the records besides the held-out one (sensitivity runs), else []. */
  dropped: string[];
  /** Zoo rebuilt at another factorisation rank (cached). */
  atRank(k: number): Zoo;
}

const recordsCache = new Map<string, TidyRecord[]>();
function zooRecords(def: ZooDefinition): TidyRecord[] {
  if (!recordsCache.has(def.id)) recordsCache.set(def.id, readZooRecords(def));
  return recordsCache.get(def.id)!;
}
const infoCache = new Map<string, ReturnType<typeof modelInfoFor>>();
/** Model metadata, memoised per model: it does not depend on the fold, and computing it (nearest
 * architectures) dominates a zoo rebuild otherwise. */
function zooInfo(id: string): ReturnType<typeof modelInfoFor> {
  if (!infoCache.has(id)) {
    const info = modelInfoFor(id);
    const memo = new Map<string, ReturnType<typeof info>>();
    infoCache.set(id, (m) => {
      if (!memo.has(m)) memo.set(m, info(m));
      return memo.get(m)!;
    });
  }
  return infoCache.get(id)!;
}
let imagesCache: ImageSample[] | null = null;
export function imageSamples(): ImageSample[] {
  return (imagesCache ??= readImageEmbeddings());
}


/** The image-backed tasks of a zoo that are also tasks of its records (the held-out candidates). */
export function heldOutTasks(def: ZooDefinition): string[] {
  const tasks = new Set(zooRecords(def).map((r) => r.dataset));
  return Object.keys(def.imageTasks).filter((t) => tasks.has(t));
}

/**
 * Builds one fold. `drop` removes further tasks from the records (a sensitivity run); without it
 * the configured-rank zoo is exactly `buildBundle({ excludeTask })`'s, and rebuilt ranks use the
 * same exclusion (checked: the rebuild at the configured rank has the same content hash).
 */
export function buildFold(zooId: string, task: string, drop: readonly string[] = [], base?: Fold): Fold {
  const def = ZOO_DEFINITIONS.find((d) => d.id === zooId);
  if (!def) throw new Error(`unknown zoo ${zooId}`);
  const imageKey = def.imageTasks[task];
  if (!imageKey) throw new Error(`${zooId}/${task} has no image sample`);
  const records = zooRecords(def);
  const kept = drop.length ? records.filter((r) => !drop.includes(r.dataset)) : records;
  const exclude = excludedTasksFor(def, task, imageSamples().map((t) => t.key));
  const rebuild = (rank: number) =>
    buildZoo({ def: { ...def, rank }, records: kept, info: zooInfo(def.id), excludeTasks: exclude, provenance: PROVENANCE, imageTasks: historicalImageTasks(task).imageTasks });

  // A sensitivity fold shares the manifest (and so the descriptor) of its base fold.
  if (base && (base.zoo !== zooId || base.task !== task)) throw new Error("buildFold: base fold is for another task");
  const bundle = base ? null : buildBundle({ excludeTask: task, zoos: [zooId] });
  const manifest = base?.manifest ?? bundle!.manifest;
  const built = drop.length || !bundle ? rebuild(def.rank) : bundle.zoos[0];
  const ranks = new Map<number, Zoo>([[def.rank, built]]);
  const images = imageSamples().find((t) => t.key === imageKey);
  if (!images) throw new Error(`no embeddings for image sample ${imageKey}`);
  const sample = describeTask(images.embeddings, images.labels, manifest, undefined, { stats: images.stats, probe: images.probe });
  const size = taskSize(def, task);
  const desc = base?.desc ?? { ...sample, nClasses: TASK_CLASSES[task] ?? sample.nClasses, ...(size !== null && { size }) };

  const full = pivotRecords(records);
  const ti = full.tasks.indexOf(task);
  const truth = new Map<string, number>();
  full.models.forEach((m, i) => {
    const v = full.values[i][ti];
    if (!Number.isNaN(v)) truth.set(m, v);
  });
  return {
    zoo: zooId,
    task,
    imageKey,
    manifest,
    built,
    desc,
    sampleClasses: sample.nClasses,
    images,
    truth,
    dropped: [...drop],
    atRank(k) {
      if (!ranks.has(k)) ranks.set(k, rebuild(k));
      return ranks.get(k)!;
    },
  };
}

/** Same as `buildFold(...).built` checked against an independent rebuild: guards the rank cache. */
export function checkFoldConsistency(fold: Fold): void {
  const def = ZOO_DEFINITIONS.find((d) => d.id === fold.zoo)!;
  if (fold.dropped.length) return;
  const again = buildZoo({ def, records: zooRecords(def), info: zooInfo(def.id), excludeTasks: excludedTasksFor(def, fold.task, imageSamples().map((t) => t.key)), provenance: PROVENANCE, imageTasks: historicalImageTasks(fold.task).imageTasks });
  if (again.hash !== fold.built.hash) throw new Error(`${fold.zoo}/${fold.task}: rebuilt zoo differs from buildBundle's`);
}

// ---------------------------------------------------------------------------------------------
// Scoring a ranking against the truth

/** rankZoo with some mapper settings replaced (the others, e.g. the meta weight, as configured). */
export function methodRanking(zoo: Zoo, desc: TaskDescriptor, mapper?: Partial<Mapper>): RankedModel[] {
  // Setting τ or α asks for the similarity mixture: the placement model (if any) steps aside.
  const mixture = mapper && (mapper.tau !== undefined || mapper.alpha !== undefined);
  return rankZoo(mapper ? { ...zoo, ...(mixture && { placement: undefined }), mapper: { ...zoo.mapper, ...mapper } } : zoo, desc).ranking;
}

/**
 * ImageNet-1k top-1 where it is really defined for a zoo model: the same checkpoint appears in
 * timm's results (data/records/timm_model_meta.csv) under the name given here. Only unambiguous
 * identities are listed (torchvision weights = timm `.tv_in1k`; official DeiT/ConvNeXt/Swin
 * ImageNet-1k checkpoints = timm `.fb_in1k`/`.ms_in1k`; PVTv2 = timm `pvt_v2_*.in1k`). Self-
 * supervised models, ImageNet-21k checkpoints and fine-tuned hub uploads have no ImageNet-1k
 * top-1 of their own and are left out. (TransferGraph's `hub_reported_accuracy` is each upload's
 * own metric, not ImageNet.)
 */
export const IMAGENET_TIMM: Record<string, Record<string, [timm: string, imgSize: number]>> = {
  classic: {
    resnet34: ["resnet34.tv_in1k", 224],
    resnet50: ["resnet50.tv_in1k", 224],
    resnet101: ["resnet101.tv_in1k", 224],
    resnet152: ["resnet152.tv_in1k", 224],
    densenet121: ["densenet121.tv_in1k", 224],
    densenet169: ["densenet169.tv_in1k", 224],
    densenet201: ["densenet201.tv_in1k", 224],
    inception_v3: ["inception_v3.tv_in1k", 299],
    deit_tiny: ["deit_tiny_patch16_224.fb_in1k", 224],
    deit_small: ["deit_small_patch16_224.fb_in1k", 224],
    deit_base: ["deit_base_patch16_224.fb_in1k", 224],
    swin_t: ["swin_tiny_patch4_window7_224.ms_in1k", 224],
    swin_s: ["swin_small_patch4_window7_224.ms_in1k", 224],
    pvtv2_b2: ["pvt_v2_b2.in1k", 224],
    pvtv2_b3: ["pvt_v2_b3.in1k", 224],
  },
  hub: {
    "facebook/deit-tiny-patch16-224": ["deit_tiny_patch16_224.fb_in1k", 224],
    "facebook/deit-small-patch16-224": ["deit_small_patch16_224.fb_in1k", 224],
    "facebook/deit-base-patch16-224": ["deit_base_patch16_224.fb_in1k", 224],
    "facebook/deit-base-patch16-384": ["deit_base_patch16_384.fb_in1k", 384],
    "facebook/deit-tiny-distilled-patch16-224": ["deit_tiny_distilled_patch16_224.fb_in1k", 224],
    "facebook/deit-small-distilled-patch16-224": ["deit_small_distilled_patch16_224.fb_in1k", 224],
    "facebook/deit-base-distilled-patch16-224": ["deit_base_distilled_patch16_224.fb_in1k", 224],
    "facebook/deit-base-distilled-patch16-384": ["deit_base_distilled_patch16_384.fb_in1k", 384],
    "facebook/convnext-tiny-224": ["convnext_tiny.fb_in1k", 224],
    "facebook/convnext-small-224": ["convnext_small.fb_in1k", 224],
    "facebook/convnext-base-224": ["convnext_base.fb_in1k", 224],
    "facebook/convnext-large-224": ["convnext_large.fb_in1k", 224],
    "microsoft/swin-tiny-patch4-window7-224": ["swin_tiny_patch4_window7_224.ms_in1k", 224],
    "microsoft/swin-small-patch4-window7-224": ["swin_small_patch4_window7_224.ms_in1k", 224],
  },
};

let timmTop1: Map<string, number> | null = null;
/** ImageNet top-1 (%) of the zoo's models where defined (see IMAGENET_TIMM). */
export function imagenetTop1(zooId: string): Map<string, number> {
  timmTop1 ??= new Map(readCsv(resolve(DATA, "records/timm_model_meta.csv")).map((r) => [`${r.model}@${r.img_size}`, Number(r.imagenet_top1_pct)]));
  const out = new Map<string, number>();
  for (const [model, [timm, size]] of Object.entries(IMAGENET_TIMM[zooId] ?? {})) {
    const v = timmTop1.get(`${timm}@${size}`);
    if (v === undefined) throw new Error(`timm_model_meta.csv has no ${timm} at ${size}px (mapped from ${model})`);
    out.set(model, v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Alternative descriptors (ablation only)

/** Per-image soft assignment: each image's softmax over cosine to the historical centroids,
 * averaged — the centroid analogue of Fennec's per-image regression averaged over the images.
 * Returns mixture weights per image-task key. */
export function perImageWeights(fold: Fold, tauImg: number): Record<string, number> {
  const cents = fold.manifest.imageTasks.map((t) => {
    let n = 0;
    for (const x of t.centroid) n += x * x;
    return { key: t.key, c: t.centroid, n: Math.sqrt(n) || 1 };
  });
  const acc = Object.fromEntries(cents.map((c) => [c.key, 0])) as Record<string, number>;
  for (const e of fold.images.embeddings) {
    const u = centredUnit(e, fold.manifest.center);
    const sims = cents.map((c) => {
      let d = 0;
      for (let i = 0; i < u.length; i++) d += u[i] * c.c[i];
      return d / c.n;
    });
    const top = Math.max(...sims);
    const ex = sims.map((s) => Math.exp((s - top) / tauImg));
    const tot = ex.reduce((a, b) => a + b, 0);
    cents.forEach((c, j) => (acc[c.key] += ex[j] / tot / fold.images.embeddings.length));
  }
  return acc;
}

/** Ranks with explicit mixture weights over the image-backed tasks (ablation of the descriptor). */
export function rankWithWeights(zoo: Zoo, weights: Record<string, number>, alpha: number): RankedModel[] {
  const prior = priorTaskVector(zoo);
  const backed = zoo.tasks.filter((t) => t.imageTask !== null && weights[t.imageTask] !== undefined);
  const total = backed.reduce((s, t) => s + weights[t.imageTask!], 0) || 1;
  const v = prior.map((p, i) => (1 - alpha) * p + alpha * backed.reduce((s, t) => s + (weights[t.imageTask!] / total) * t.vector[i], 0));
  return zoo.models
    .map((m) => ({ model: m.id, score: m.vector.reduce((s, x, i) => s + x * v[i], 0) }))
    .sort((a, b) => b.score - a.score || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Data checks

/** Tasks whose records look like failed runs: the median result is at most twice chance
 * (1/classes, in the metric's units). Found from the records alone, never from held-out scores. */
export function degenerateTasks(zooId: string): {
  task: string;
  nModels: number;
  median: number;
  chance: number;
  atChance: number;
  /** The models above twice chance, with their standardised result on the task. */
  above: { model: string; value: number; z: number }[];
}[] {
  const def = ZOO_DEFINITIONS.find((d) => d.id === zooId)!;
  const full = pivotRecords(zooRecords(def));
  const scale = full.values.flat().some((v) => v > 1.5) ? 100 : 1;
  const out = [];
  for (let t = 0; t < full.tasks.length; t++) {
    const classes = TASK_CLASSES[full.tasks[t]];
    if (!classes) continue;
    const col = full.values.map((r) => r[t]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const median = col.length % 2 ? col[(col.length - 1) / 2] : (col[col.length / 2 - 1] + col[col.length / 2]) / 2;
    const chance = scale / classes;
    if (median > 2 * chance) continue;
    const mu = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mu) ** 2, 0) / col.length) || 1;
    const above = full.models
      .map((model, m) => ({ model, value: full.values[m][t], z: (full.values[m][t] - mu) / sd }))
      .filter((x) => x.value > 2 * chance)
      .sort((a, b) => b.value - a.value);
    out.push({ task: full.tasks[t], nModels: col.length, median, chance, atChance: col.filter((v) => v <= 2 * chance).length, above });
  }
  return out;
}

/** Does proxy similarity between image-backed tasks say which tasks rank models alike? Pairs of
 * the zoo's image-backed tasks: centroid cosine (full manifest) vs the weighted τ between the two
 * tasks' measured columns; `agreement` is Kendall's τ-b between the two over the pairs. */
export function similaritySignal(zooId: string, manifest: Manifest): { pairs: { a: string; b: string; cosine: number; rankAgreement: number }[]; agreement: number } {
  const def = ZOO_DEFINITIONS.find((d) => d.id === zooId)!;
  const full = pivotRecords(zooRecords(def));
  const tasks = heldOutTasks(def);
  const cent = new Map(manifest.imageTasks.map((t) => [t.key, t.centroid]));
  const cos = (a: readonly number[], b: readonly number[]) => {
    let d = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  };
  const pairs = [];
  for (let i = 0; i < tasks.length; i++)
    for (let j = i + 1; j < tasks.length; j++) {
      const ti = full.tasks.indexOf(tasks[i]);
      const tj = full.tasks.indexOf(tasks[j]);
      const rows = full.values.filter((r) => !Number.isNaN(r[ti]) && !Number.isNaN(r[tj]));
      pairs.push({
        a: tasks[i],
        b: tasks[j],
        cosine: cos(cent.get(def.imageTasks[tasks[i]])!, cent.get(def.imageTasks[tasks[j]])!),
        rankAgreement: weightedTau(
          rows.map((r) => r[ti]),
          rows.map((r) => r[tj]),
        ),
      });
    }
  return { pairs, agreement: kendallTau(pairs.map((p) => p.cosine), pairs.map((p) => p.rankAgreement)) };
}

// ---------------------------------------------------------------------------------------------
// The whole evaluation

export interface TaskResult {
  task: string;
  imageKey: string;
  /** Models with a measured result on the task (the ones ranked against the truth). */
  nModels: number;
  nImages: number;
  nClasses: number;
  /** The descriptor's cosine to each remaining image task, and the mapper's mixture weights. */
  sims: Record<string, number>;
  weights: { task: string; weight: number }[];
  method: Summary;
  prior: Summary;
  random: Summary;
  /** The truly best model and the first model of each ranking (measured models only). */
  top1: { best: string; method: string; prior: string };
  /** On the models with a defined ImageNet top-1 (null where fewer than 3 of them are measured). */
  imagenet: { n: number; imagenet: Summary; method: Summary; prior: Summary } | null;
}

export interface ZooResult {
  zoo: string;
  metric: string;
  rank: number;
  mapper: Mapper;
  nModels: number;
  dropped: string[];
  tasks: TaskResult[];
  mean: { method: Summary; prior: Summary; random: Summary };
  /** Tasks where the method's weighted τ is above / within ±0.005 of / below the prior's. */
  vsPrior: { wins: number; ties: number; losses: number };
  imagenet: { nModels: number; mean: { imagenet: Summary; method: Summary; prior: Summary } | null; note: string };
}

export interface GridPoint {
  k: number;
  tau: number;
  alpha: number;
}

export interface EvalOptions {
  zoos?: string[];
  /** Grid of the sweep (defaults: k 1,2,3,5,8; τ .02,.05,.1,.2,.5; α 0,.25,.5,.75,1). */
  ranks?: number[];
  taus?: number[];
  alphas?: number[];
  randomPermutations?: number;
  /** Also evaluate each zoo without its degenerate (failed-run) tasks. Default true. */
  sensitivity?: boolean;
  /** Fit Fennec's random-forest reference mapper (the slow part). Default true. */
  reference?: boolean;
}

const TIE = 0.005;
/** α for the sweeps of k, τ and the descriptor when a zoo ships with α = 0 (the image mix off). */
export const ABLATION_ALPHA = 0.5;

function evaluateZoo(folds: Fold[], def: ZooDefinition, randomN: number): ZooResult {
  const top1 = imagenetTop1(def.id);
  const tasks: TaskResult[] = folds.map((f) => {
    const { placement, ranking } = rankZoo(f.built, f.desc);
    const prior = rankByPrior(f.built);
    const inSubset = new Set([...top1.keys()].filter((m) => f.truth.has(m) && f.built.models.some((z) => z.id === m)));
    const imagenet =
      inSubset.size >= 3
        ? {
            n: inSubset.size,
            imagenet: strip(scoreRanking([...inSubset].map((m) => ({ model: m, score: top1.get(m)! })).sort((a, b) => b.score - a.score), f.truth)),
            method: strip(scoreRanking(ranking, f.truth, inSubset)),
            prior: strip(scoreRanking(prior, f.truth, inSubset)),
          }
        : null;
    return {
      task: f.task,
      imageKey: f.imageKey,
      nModels: f.built.models.filter((m) => f.truth.has(m.id)).length,
      nImages: f.desc.nImages,
      nClasses: f.sampleClasses,
      sims: f.desc.sims,
      weights: placement.weights.map((w) => ({ task: w.task, weight: w.weight })),
      method: strip(scoreRanking(ranking, f.truth)),
      prior: strip(scoreRanking(prior, f.truth)),
      top1: {
        best: [...f.truth].filter(([m]) => f.built.models.some((z) => z.id === m)).sort((a, b) => b[1] - a[1])[0][0],
        method: ranking.find((r) => f.truth.has(r.model))!.model,
        prior: prior.find((r) => f.truth.has(r.model))!.model,
      },
      random: strip(randomBaseline(new Map([...f.truth].filter(([m]) => f.built.models.some((z) => z.id === m))), randomN)),
      imagenet,
    };
  });
  const withIn = tasks.filter((t) => t.imagenet);
  return {
    zoo: def.id,
    metric: def.metric,
    rank: folds[0].built.rank,
    mapper: folds[0].built.mapper,
    nModels: folds[0].built.models.length,
    dropped: folds[0].dropped,
    tasks,
    mean: { method: meanMetrics(tasks.map((t) => t.method)), prior: meanMetrics(tasks.map((t) => t.prior)), random: meanMetrics(tasks.map((t) => t.random)) },
    vsPrior: {
      wins: tasks.filter((t) => t.method.weightedTau > t.prior.weightedTau + TIE).length,
      ties: tasks.filter((t) => Math.abs(t.method.weightedTau - t.prior.weightedTau) <= TIE).length,
      losses: tasks.filter((t) => t.method.weightedTau < t.prior.weightedTau - TIE).length,
    },
    imagenet: {
      nModels: top1.size,
      mean:
        withIn.length === tasks.length && withIn.length > 0
          ? {
              imagenet: meanMetrics(withIn.map((t) => t.imagenet!.imagenet)),
              method: meanMetrics(withIn.map((t) => t.imagenet!.method)),
              prior: meanMetrics(withIn.map((t) => t.imagenet!.prior)),
            }
          : null,
      note:
        top1.size === 0
          ? "not defined: no model of this zoo has an ImageNet-1k top-1 of its own in data/records"
          : `defined for ${top1.size} of ${folds[0].built.models.length} models (the same checkpoints in timm's ImageNet results); compared with the method and the prior on that subset only`,
    },
  };
}

/** One variant of the sweep: a zoo's folds, possibly with tasks dropped from the records. */
interface Variant {
  id: string;
  zoo: string;
  folds: Fold[];
  prior: number[];
}

export interface SweepRow extends GridPoint {
  /** Mean over the variant's folds, per variant id. */
  weightedTau: Record<string, number>;
  relativeRegret: Record<string, number>;
  top5: Record<string, number>;
  /** Mean weighted τ gain over the task-agnostic prior, per variant id. */
  gain: Record<string, number>;
  /** The selection criterion: the worst gain over the variants. */
  worstGain: number;
  /** Per-fold weighted τ, per variant id (fold order of the variant). */
  folds: Record<string, number[]>;
}

export interface EvalReport {
  zoos: ZooResult[];
  sensitivity: ZooResult[];
  ablations: {
    /** Configured (k, τ) with α = 0: the task vector is the mean historical task vector. */
    priorOnly: Record<string, Summary>;
    rank: { k: number; method: Record<string, Summary>; priorVector: Record<string, Summary> }[];
    tau: { tau: number; method: Record<string, Summary> }[];
    alpha: { alpha: number; method: Record<string, Summary> }[];
    perImage: { tauImg: number; method: Record<string, Summary> }[];
    /** The α the k, τ and per-image sweeps use (the configured α, or ABLATION_ALPHA if that is 0). */
    mixAlpha: Record<string, number>;
  };
  selection: {
    variants: string[];
    grid: { ranks: number[]; taus: number[]; alphas: number[] };
    configured: Record<string, GridPoint>;
    /** Best grid points by the criterion (worst gain over variants, shared by all zoos). */
    top: SweepRow[];
    /** Prior-only rows (α = 0) per k, for reference. */
    priorRows: SweepRow[];
    configuredRows: Record<string, SweepRow | null>;
    /** Nested leave-one-task-out estimate of "select on the other tasks, then apply". */
    nested: Record<string, { method: number; prior: number; chosen: (GridPoint & { task: string })[] }>;
  };
  /** The meta-score weight sweep, its nested choice and the feature ablation, per zoo. */
  meta: MetaZooResult[];
  checks: {
    degenerate: Record<string, ReturnType<typeof degenerateTasks>>;
    similaritySignal: Record<string, ReturnType<typeof similaritySignal>>;
  };
  /** Task placement from the descriptor (issue 8): nested leave-one-task-out. */
  placement: PlacementZooReport[];
  timings: { folds_ms: number; total_ms: number };
}

/** The image-mapper sweeps run with the meta-score off (w = 0): they isolate the image part. */
function variantMetrics(v: Variant, p: GridPoint): RankingMetrics[] {
  return v.folds.map((f) => scoreRanking(methodRanking(f.atRank(p.k), f.desc, { tau: p.tau, alpha: p.alpha, meta: 0 }), f.truth));
}

/** The grid point with the best worst-over-variants mean gain over the prior (ties: best mean
 * gain, then grid order), leaving out the folds `skip` names. */
function chooseBest(rows: readonly SweepRow[], priors: ReadonlyMap<string, number[]>, skip: (v: string, i: number) => boolean): SweepRow {
  const variants = [...priors.keys()];
  let best: SweepRow | null = null;
  let bestScore = -Infinity;
  let bestMean = -Infinity;
  for (const r of rows) {
    const gains = variants.map((v) => {
      const folds = r.folds[v];
      let s = 0;
      let n = 0;
      folds.forEach((x, i) => {
        if (!skip(v, i)) {
          s += x - priors.get(v)![i];
          n++;
        }
      });
      return n ? s / n : 0;
    });
    const worst = Math.min(...gains);
    const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
    if (worst > bestScore + 1e-12 || (Math.abs(worst - bestScore) <= 1e-12 && mean > bestMean + 1e-12)) {
      best = r;
      bestScore = worst;
      bestMean = mean;
    }
  }
  return best!;
}

export function runEvaluation(opts: EvalOptions = {}): EvalReport {
  const t0 = performance.now();
  const ranks = opts.ranks ?? [1, 2, 3, 5, 8];
  const taus = opts.taus ?? [0.02, 0.05, 0.1, 0.2, 0.5];
  const alphas = opts.alphas ?? [0, 0.25, 0.5, 0.75, 1];
  const randomN = opts.randomPermutations ?? 200;
  const defs = ZOO_DEFINITIONS.filter((d) => !opts.zoos || opts.zoos.includes(d.id));

  const variants: Variant[] = [];
  const zooResults: ZooResult[] = [];
  const sensitivity: ZooResult[] = [];
  const degenerate: Record<string, ReturnType<typeof degenerateTasks>> = {};
  const signal: Record<string, ReturnType<typeof similaritySignal>> = {};
  const full = buildBundle({ zoos: defs.map((d) => d.id) });
  const fullManifest = full.manifest;
  for (const def of defs) {
    const folds = heldOutTasks(def).map((t) => buildFold(def.id, t));
    checkFoldConsistency(folds[0]);
    zooResults.push(evaluateZoo(folds, def, randomN));
    variants.push({ id: def.id, zoo: def.id, folds, prior: folds.map((f) => scoreRanking(rankByPrior(f.built), f.truth).weightedTau) });
    degenerate[def.id] = degenerateTasks(def.id);
    signal[def.id] = similaritySignal(def.id, fullManifest);
    const drop = degenerate[def.id].map((d) => d.task).filter((t) => !heldOutTasks(def).includes(t));
    if ((opts.sensitivity ?? true) && drop.length) {
      const clean = folds.map((f) => buildFold(def.id, f.task, drop, f));
      sensitivity.push(evaluateZoo(clean, def, randomN));
      variants.push({ id: `${def.id} without ${drop.join(", ")}`, zoo: def.id, folds: clean, prior: clean.map((f) => scoreRanking(rankByPrior(f.built), f.truth).weightedTau) });
    }
  }
  const tFolds = performance.now();
  const priors = new Map(variants.map((v) => [v.id, v.prior]));

  // Ablations at the configured settings of each zoo (as shipped, no tasks dropped).
  const base = variants.filter((v) => v.id === v.zoo);
  const perZoo = (fn: (v: Variant, cfg: GridPoint) => RankingMetrics[]) =>
    Object.fromEntries(base.map((v) => [v.id, meanMetrics(fn(v, configuredOf(v)).map(strip))]));
  const configuredOf = (v: Variant): GridPoint => ({ k: v.folds[0].built.rank, ...v.folds[0].built.mapper });
  // Sweeps of k, τ and the descriptor need the image mix switched on: they use the configured α,
  // or ABLATION_ALPHA where the zoo ships with α = 0.
  const mixAlpha = (c: GridPoint) => (c.alpha > 0 ? c.alpha : ABLATION_ALPHA);
  const ablations: EvalReport["ablations"] = {
    priorOnly: perZoo((v, c) => variantMetrics(v, { ...c, alpha: 0 })),
    rank: ranks.map((k) => ({
      k,
      method: perZoo((v, c) => variantMetrics(v, { ...c, k, alpha: mixAlpha(c) })),
      priorVector: perZoo((v, c) => variantMetrics(v, { ...c, k, alpha: 0 })),
    })),
    tau: taus.map((tau) => ({ tau, method: perZoo((v, c) => variantMetrics(v, { ...c, tau, alpha: mixAlpha(c) })) })),
    alpha: alphas.map((alpha) => ({ alpha, method: perZoo((v, c) => variantMetrics(v, { ...c, alpha })) })),
    perImage: [0.02, 0.05, 0.1].map((tauImg) => ({
      tauImg,
      method: perZoo((v, c) => v.folds.map((f) => scoreRanking(rankWithWeights(f.atRank(c.k), perImageWeights(f, tauImg), mixAlpha(c)), f.truth))),
    })),
    mixAlpha: Object.fromEntries(base.map((v) => [v.id, mixAlpha(configuredOf(v))])),
  };

  // The sweep: every grid point on every variant; α = 0 needs no τ.
  const points: GridPoint[] = [];
  for (const k of ranks) for (const alpha of alphas) for (const tau of alpha === 0 ? [taus[0]] : taus) points.push({ k, tau, alpha });
  const ids = variants.map((v) => v.id);
  const rows: SweepRow[] = points.map((p) => {
    const row: SweepRow = { ...p, weightedTau: {}, relativeRegret: {}, top5: {}, gain: {}, worstGain: Infinity, folds: {} };
    for (const v of variants) {
      const ms = variantMetrics(v, p);
      const s = meanMetrics(ms.map(strip));
      row.weightedTau[v.id] = s.weightedTau;
      row.relativeRegret[v.id] = s.relativeRegret;
      row.top5[v.id] = s.top5;
      row.gain[v.id] = s.weightedTau - v.prior.reduce((a, b) => a + b, 0) / v.prior.length;
      row.worstGain = Math.min(row.worstGain, row.gain[v.id]);
      row.folds[v.id] = ms.map((m) => m.weightedTau);
    }
    return row;
  });
  const byCriterion = [...rows].sort((a, b) => b.worstGain - a.worstGain || mean(Object.values(b.gain)) - mean(Object.values(a.gain)));

  // Nested estimate: hold out one image sample everywhere, select on the rest, apply to it (with
  // the per-zoo fallback to α = 0 when the selection loses to the prior on that zoo's other tasks).
  const nested: EvalReport["selection"]["nested"] = {};
  for (const v of variants) {
    const chosen: (GridPoint & { task: string })[] = [];
    const method: number[] = [];
    v.folds.forEach((f, i) => {
      const skip = (vid: string, j: number) => variants.find((x) => x.id === vid)!.folds[j].imageKey === f.imageKey;
      let best = chooseBest(rows, priors, skip);
      const others = best.folds[v.id].map((x, j) => (skip(v.id, j) ? null : x - v.prior[j])).filter((x): x is number => x !== null);
      if (mean(others) < 0) best = rows.find((r) => r.k === best.k && r.alpha === 0)!;
      chosen.push({ task: f.task, k: best.k, tau: best.tau, alpha: best.alpha });
      method.push(best.folds[v.id][i]);
    });
    nested[v.id] = { method: mean(method), prior: mean(v.prior), chosen };
  }
  const configured = Object.fromEntries(base.map((v) => [v.id, configuredOf(v)]));
  const configuredRows = Object.fromEntries(
    base.map((v) => {
      const c = configuredOf(v);
      return [v.id, rows.find((r) => r.k === c.k && r.alpha === c.alpha && (c.alpha === 0 || r.tau === c.tau)) ?? null];
    }),
  );
  const placement = runPlacementEvaluation(
    defs.map((d) => d.id),
    { reference: opts.reference },
    new Map(variants.filter((v) => v.id === v.zoo).map((v) => [v.zoo, v.folds])),
  );
  const t1 = performance.now();
  return {
    zoos: zooResults,
    placement,
    sensitivity,
    ablations,
    selection: {
      variants: ids,
      grid: { ranks, taus, alphas },
      configured,
      top: byCriterion.slice(0, 10),
      priorRows: rows.filter((r) => r.alpha === 0),
      configuredRows,
      nested,
    },
    meta: base.map((v) => evaluateMeta(v.id, v.folds, full.zoos.find((z) => z.zoo === v.zoo)!)),
    checks: { degenerate, similaritySignal: signal },
    timings: { folds_ms: tFolds - t0, total_ms: t1 - t0 },
  };
}


// ---------------------------------------------------------------------------------------------
// The meta-score: weight sweep, nested choice of the weight, feature ablation

/** Weights of the meta-score swept (score = (1 − w)·u·v + w·meta); 0 = the method without it. */
export const META_WEIGHTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 1];

/** A meta-model variant for the ablation: the model features and task features it keeps. */
export interface MetaVariant {
  id: string;
  label: string;
  keep?: (feature: string) => boolean;
  taskFeatures?: TaskMetaFeature[];
}

const SCALE_FEATURES = ["logParams", "logFlops", "logDepth"];
export const META_VARIANTS: MetaVariant[] = [
  { id: "full", label: "as built (all model features; interactions with classes and size)" },
  { id: "mainOnly", label: "model main effects only (no task features)", taskFeatures: [] },
  { id: "classes", label: "interactions with the class count only", taskFeatures: ["logClasses"] },
  { id: "size", label: "interactions with the task size only", taskFeatures: ["logSize"] },
  { id: "noCluster", label: "without the architecture cluster", keep: (f) => !f.startsWith("arch~") },
  { id: "noPretraining", label: "without the pre-training kind", keep: (f) => !(PRETRAINING_KINDS as readonly string[]).includes(f) },
  { id: "noScale", label: "without log params, FLOPs, depth", keep: (f) => !SCALE_FEATURES.includes(f) },
];

/** The zoo with its meta model refitted for a variant, on the zoo's own (fold's) records. */
export function refitMeta(zoo: Zoo, v: MetaVariant): Zoo {
  const meta = zoo.meta;
  if (!meta) throw new Error(`zoo ${zoo.zoo} has no meta model`);
  if (!v.keep && !v.taskFeatures) return zoo;
  const idx = meta.features.map((f, i) => (!v.keep || v.keep(f) ? i : -1)).filter((i) => i >= 0);
  const rows = zoo.models.map((m) => idx.map((i) => m.meta![i]));
  const z = zoo.models.map((m) => zoo.tasks.map((t) => (t.id in m.results ? (m.results[t.id] - t.mean) / t.std : Number.NaN)));
  const tasks = zoo.tasks.map((t) => ({ nClasses: t.nClasses, size: t.size ?? null }));
  const refit = fitMetaModel(
    idx.map((i) => meta.features[i]),
    rows,
    z,
    tasks,
    { taskFeatures: v.taskFeatures ?? meta.taskFeatures },
  );
  return { ...zoo, meta: refit, models: zoo.models.map((m, i) => ({ ...m, meta: rows[i] })) };
}

export interface MetaZooResult {
  zoo: string;
  /** The weight the zoo ships with (zoos.ts mapper.meta). */
  configured: number;
  /** The meta model as shipped (full records), and the λ each fold's refit chose. */
  shipped: NonNullable<Zoo["meta"]> | null;
  /** Bytes the meta-score adds to the shipped zoo file (meta block, model rows, task sizes). */
  bytes: number;
  lambdas: { task: string; lambda: number }[];
  sweep: { w: number; mean: Summary; folds: number[] }[];
  prior: Summary;
  /** The in-sample best weight (all folds; ties: the smaller w). */
  best: { w: number; weightedTau: number };
  /** Nested: for each held-out task, w chosen on the zoo's other held-out tasks, applied to it. */
  nested: { mean: Summary; chosen: { task: string; w: number; weightedTau: number; base: number }[]; wins: number; ties: number; losses: number };
  /** The rule's weight: the best w if the nested choice beats w = 0 by more than TIE on the mean
   * and wins more tasks than it loses, else 0. */
  recommended: number;
  /** Weighted τ per w (META_WEIGHTS order) for each meta-model variant. */
  variants: { id: string; label: string; weightedTau: number[] }[];
  /** At the best w, the task described by its stored sample's counts instead (its classes in the
   * sample, size = images in the sample): what the page gives the meta-score without the folder's
   * usable-image count and with a partial class list. */
  sampleCounts: { w: number; mean: Summary };
}

/** Index of the best mean over the folds not skipped; ties: the earlier (smaller w). */
function bestIndex(perW: readonly number[][], skip: number): number {
  let best = 0;
  let bestMean = -Infinity;
  perW.forEach((folds, j) => {
    const m = mean(folds.filter((_, i) => i !== skip));
    if (m > bestMean + 1e-12) {
      best = j;
      bestMean = m;
    }
  });
  return best;
}

function evaluateMeta(zooId: string, folds: Fold[], shipped: Zoo): MetaZooResult {
  const ws = META_WEIGHTS;
  const metrics = ws.map((w) => folds.map((f) => scoreRanking(methodRanking(f.built, f.desc, { meta: w }), f.truth)));
  const wtau = metrics.map((ms) => ms.map((m) => m.weightedTau));
  const best = bestIndex(wtau, -1);
  const chosen = folds.map((f, i) => {
    const j = bestIndex(wtau, i);
    return { task: f.task, w: ws[j], weightedTau: wtau[j][i], base: wtau[0][i], m: metrics[j][i] };
  });
  const nestedMean = meanMetrics(chosen.map((c) => strip(c.m)));
  const nested = {
    mean: nestedMean,
    chosen: chosen.map(({ m: _m, ...c }) => (void _m, c)),
    wins: chosen.filter((c) => c.weightedTau > c.base + TIE).length,
    ties: chosen.filter((c) => Math.abs(c.weightedTau - c.base) <= TIE).length,
    losses: chosen.filter((c) => c.weightedTau < c.base - TIE).length,
  };
  const baseMean = mean(wtau[0]);
  const recommended = nested.mean.weightedTau - baseMean > TIE && nested.wins > nested.losses ? ws[best] : 0;
  const variants = META_VARIANTS.map((v) => {
    const zoos = folds.map((f) => refitMeta(f.built, v));
    return { id: v.id, label: v.label, weightedTau: ws.map((w) => mean(folds.map((f, i) => scoreRanking(methodRanking(zoos[i], f.desc, { meta: w }), f.truth).weightedTau))) };
  });
  return {
    zoo: zooId,
    configured: folds[0].built.mapper.meta ?? 0,
    shipped: shipped.meta ?? null,
    bytes: JSON.stringify(shipped).length - JSON.stringify(withoutMetaFields(shipped)).length,
    lambdas: folds.map((f) => ({ task: f.task, lambda: f.built.meta?.lambda ?? Number.NaN })),
    sweep: ws.map((w, j) => ({ w, mean: meanMetrics(metrics[j].map(strip)), folds: wtau[j] })),
    prior: meanMetrics(folds.map((f) => strip(scoreRanking(rankByPrior(f.built), f.truth)))),
    best: { w: ws[best], weightedTau: mean(wtau[best]) },
    nested,
    recommended,
    variants,
    sampleCounts: {
      w: ws[best],
      mean: meanMetrics(
        folds.map((f) => {
          const { size: _size, ...rest } = f.desc;
          void _size;
          return strip(scoreRanking(methodRanking(f.built, { ...rest, nClasses: f.sampleClasses }, { meta: ws[best] }), f.truth));
        }),
      ),
    },
  };
}

/** A zoo as it was before the meta-score: no meta block, weight, model rows or task sizes. */
export function withoutMetaFields(zoo: Zoo): Zoo {
  const { meta: _m, ...rest } = zoo;
  void _m;
  const { meta: _w, ...mapper } = zoo.mapper;
  void _w;
  return {
    ...rest,
    mapper,
    tasks: zoo.tasks.map(({ size: _s, ...t }) => (void _s, t)),
    models: zoo.models.map(({ meta: _x, ...m }) => (void _x, m)),
  };
}

// ---------------------------------------------------------------------------------------------
// Task placement (issue 8): nested leave-one-task-out, src/core/eval/placement.ts

/** A fold as the placement evaluation reads it: what each remaining image task's sample says
 * (from the fold's own manifest) and the images for the reference mapper. */
export function placementFold(fold: Fold): PlacementFold {
  const def = ZOO_DEFINITIONS.find((d) => d.id === fold.zoo)!;
  const byKey = new Map(fold.manifest.imageTasks.map((t) => [t.key, t]));
  const inputs = new Map<string, PlacementInput>();
  const trainImages = new Map<string, readonly ArrayLike<number>[]>();
  for (const t of fold.built.tasks) {
    const img = t.imageTask ? byKey.get(t.imageTask) : undefined;
    if (!img) continue;
    inputs.set(t.id, { domain: img.domain, probe: img.probe, nClasses: TASK_CLASSES[t.id] ?? 0, size: taskSize(def, t.id) ?? 0 });
    trainImages.set(t.id, imageSamples().find((s) => s.key === img.key)!.embeddings);
  }
  return { zoo: fold.zoo, task: fold.task, built: fold.built, desc: fold.desc, truth: fold.truth, inputs, center: fold.manifest.center, images: fold.images.embeddings, trainImages };
}

export interface PlacementZooReport {
  zoo: string;
  tasks: PlacementTaskResult[];
  mean: { prior: Summary; nested: Summary; reference: Summary; similarity: Summary };
  /** Held-out tasks where the nested method is above / within ±0.005 of / below the prior. */
  vsPrior: { wins: number; ties: number; losses: number };
  worst: { task: string; delta: number };
  shipped: { setting: string; gain: number };
}

export function runPlacementEvaluation(zoos: string[] = ["classic", "hub"], opts: { reference?: boolean } = {}, built?: ReadonlyMap<string, Fold[]>): PlacementZooReport[] {
  return zoos.map((zooId) => {
    const def = ZOO_DEFINITIONS.find((d) => d.id === zooId)!;
    const folds = built?.get(zooId) ?? heldOutTasks(def).map((t) => buildFold(zooId, t));
    const tasks = folds.map((f) => evaluatePlacementFold(placementFold(f), { reference: opts.reference, similarity: { tau: 0.1, alpha: ABLATION_ALPHA } }));
    const deltas = tasks.map((t) => ({ task: t.task, delta: t.nested.weightedTau - t.prior.weightedTau }));
    return {
      zoo: zooId,
      tasks,
      mean: {
        prior: meanMetrics(tasks.map((t) => t.prior)),
        nested: meanMetrics(tasks.map((t) => t.nested)),
        reference: meanMetrics(tasks.map((t) => t.reference)),
        similarity: meanMetrics(tasks.map((t) => t.similarity)),
      },
      vsPrior: {
        wins: deltas.filter((d) => d.delta > TIE).length,
        ties: deltas.filter((d) => Math.abs(d.delta) <= TIE).length,
        losses: deltas.filter((d) => d.delta < -TIE).length,
      },
      worst: deltas.reduce((a, b) => (b.delta < a.delta ? b : a)),
      shipped: shippedSetting(tasks),
    };
  });
}
