/**
 * Is the timm zoo's cold-start predictor better than what a practitioner does without it: rank by
 * ImageNet top-1, or by parameter count? Measured on every fine-tuning result we hold for a timm
 * checkpoint (docs/COLDSTART.md, "Does the predictor beat the obvious rankings?"):
 *
 *   classic  the 15 classic models whose exact weights timm has (CLASSIC_TOP1_SOURCE), 11 tasks,
 *            each held out in turn (records removed, space and regressor refitted), predicted from
 *            its timm row, scored with the task's own vector;
 *   hub      the 14 hub checkpoints timm has (HUB_TIMM), on the 6 hub tasks the classic
 *            space also holds, predicted with any classic twin (same timm weights) held out;
 *   quicktune QuickTune's 24 timm models × 30 Meta-Album micro tasks (best validation top-1 over
 *            its random-hyperparameter runs), none of them a classic model; these tasks are not in
 *            the space, so the predictor ranks by its task-agnostic prior, as the app does for a
 *            folder unlike every historical task.
 *
 * Every figure is the mean over tasks of weighted Kendall τ (src/core/metrics.ts) between the
 * ranking and the measured results. The verdict compares the mean over the three sets.
 *
 *   npm run validate-timm -- --json
 */
import { cosine, mean, round } from "../../src/core/math/linalg.ts";
import { kendallTau, weightedTau } from "../../src/core/metrics.ts";
import { fitColdStart, parseTimmTag, predictVector } from "../../src/core/coldstart/index.ts";
import { zooDefinition } from "../../src/core/zoos.ts";
import { gzipSync } from "node:zlib";
import { backboneMembers } from "../../src/core/backbone.ts";
import { archFeatures, buildTargetZoo, buildTimmZoo, TIMM_RANKED_BY, CLASSIC_TOP1_SOURCE, classicTrainingModels, fitOnZoo, fitSpace, timmFeatures, timmModels, timmRows, TARGET_ZOO, type Space, type TimmRow } from "./coldstart.ts";
import { DATA, readCsv, readZooRecords } from "./repoFiles.ts";
import { resolve } from "node:path";

/** The hub checkpoints whose exact weights timm has: hub id → [timm model, evaluation size]. */
export const HUB_TIMM: Record<string, [timm: string, imgSize: number]> = {
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
};

/** The hub tasks the classic space also holds: hub task id → classic task id. */
export const HUB_TASKS_IN_CLASSIC: Record<string, string> = {
  caltech101: "caltech101",
  cifar100: "cifar100",
  dtd: "dtd",
  flowers: "flowers",
  pets: "pets",
  stanfordcars: "cars",
};

/**
 * QuickTune's model names (timm 0.6 names, before pretrained tags) → the timm model whose weights
 * they are, by timm's own deprecation aliases (e.g. `convnext_small_384_in22ft1k` →
 * `convnext_small.fb_in22k_ft_in1k_384`, `tf_efficientnet_b4_ns` → `tf_efficientnet_b4.ns_jft_in1k`).
 * Where the arch has one pretrained tag in timm_model_meta.csv, that tag.
 */
export const QUICKTUNE_TIMM: Record<string, string> = {
  beit_base_patch16_384: "beit_base_patch16_384.in22k_ft_in22k_in1k",
  beit_large_patch16_512: "beit_large_patch16_512.in22k_ft_in22k_in1k",
  convnext_small_384_in22ft1k: "convnext_small.fb_in22k_ft_in1k_384",
  deit3_small_patch16_384_in21ft1k: "deit3_small_patch16_384.fb_in22k_ft_in1k",
  dla46x_c: "dla46x_c.in1k",
  // timm lists only the USI-distilled weights under this name now; QuickTune (timm 0.6) may have
  // loaded the earlier release. Kept: one model of 24.
  edgenext_small: "edgenext_small.usi_in1k",
  edgenext_x_small: "edgenext_x_small.in1k",
  edgenext_xx_small: "edgenext_xx_small.in1k",
  mobilevit_xs: "mobilevit_xs.cvnets_in1k",
  mobilevit_xxs: "mobilevit_xxs.cvnets_in1k",
  mobilevitv2_075: "mobilevitv2_075.cvnets_in1k",
  swinv2_base_window12to24_192to384_22kft1k: "swinv2_base_window12to24_192to384.ms_in22k_ft_in1k",
  tf_efficientnet_b4_ns: "tf_efficientnet_b4.ns_jft_in1k",
  tf_efficientnet_b6_ns: "tf_efficientnet_b6.ns_jft_in1k",
  tf_efficientnet_b7_ns: "tf_efficientnet_b7.ns_jft_in1k",
  volo_d1_384: "volo_d1_384.sail_in1k",
  volo_d3_448: "volo_d3_448.sail_in1k",
  volo_d4_448: "volo_d4_448.sail_in1k",
  volo_d5_448: "volo_d5_448.sail_in1k",
  volo_d5_512: "volo_d5_512.sail_in1k",
  xcit_nano_12_p8_384_dist: "xcit_nano_12_p8_384.fb_dist_in1k",
  xcit_small_12_p8_384_dist: "xcit_small_12_p8_384.fb_dist_in1k",
  xcit_tiny_12_p8_384_dist: "xcit_tiny_12_p8_384.fb_dist_in1k",
  xcit_tiny_24_p8_384_dist: "xcit_tiny_24_p8_384.fb_dist_in1k",
};

/** QuickTune's metric: the best validation top-1 over its random-hyperparameter runs (the mean
 * is dragged down by runs that stopped at epoch 0; data/records/PROVENANCE.md). */
export const QUICKTUNE_METRIC = "finetune_val_top1_pct[max_over_random_hp_runs]";

/** The timm_model_meta.csv row of a timm model at an evaluation size (default: its first row). */
export function timmRow(model: string, imgSize?: number): TimmRow {
  const r = timmRows().find((x) => x.model === model && (imgSize === undefined || x.imgSize === imgSize));
  if (!r) throw new Error(`timm_model_meta.csv has no ${model}${imgSize ? ` at ${imgSize}px` : ""}`);
  return r;
}

const timmFeaturesOf = (r: TimmRow) => archFeatures(r.arch, parseTimmTag(r.tag, r.arch), r.top1, r.imgSize);

/** The rankings compared, each a score per model (higher = better). */
export const RANKINGS = ["predictor", "imagenetTop1", "params"] as const;
export type RankingName = (typeof RANKINGS)[number];

interface TaskRow {
  task: string;
  n: number;
  weightedTau: Record<RankingName, number>;
  kendallTau: Record<RankingName, number>;
}

function compare(task: string, scores: Record<RankingName, number[]>, truth: number[]): TaskRow {
  const wt = {} as Record<RankingName, number>;
  const kt = {} as Record<RankingName, number>;
  for (const k of RANKINGS) {
    wt[k] = weightedTau(scores[k], truth);
    kt[k] = kendallTau(scores[k], truth);
  }
  return { task, n: truth.length, weightedTau: wt, kendallTau: kt };
}

const r3 = (x: number) => round(x, 3);
function summarise(rows: TaskRow[]) {
  const avg = (f: (r: TaskRow) => number) => r3(mean(rows.map(f).filter(Number.isFinite)));
  return {
    nTasks: rows.length,
    weightedTau: Object.fromEntries(RANKINGS.map((k) => [k, avg((r) => r.weightedTau[k])])) as Record<RankingName, number>,
    kendallTau: Object.fromEntries(RANKINGS.map((k) => [k, avg((r) => r.kendallTau[k])])) as Record<RankingName, number>,
    wins: Object.fromEntries(
      (["imagenetTop1", "params"] as const).map((k) => [k, rows.filter((r) => r.weightedTau.predictor > r.weightedTau[k]).length]),
    ) as Record<"imagenetTop1" | "params", number>,
  };
}

/** The predicted vector of a timm checkpoint from a fit on the classic space without `hidden`. */
function heldOutVector(records: ReturnType<typeof readZooRecords>, rank: number, hidden: ReadonlySet<string>, row: TimmRow, cache: Map<string, Space>) {
  const key = [...hidden].sort().join("|");
  let space = cache.get(key);
  if (!space) cache.set(key, (space = fitSpace(records.filter((r) => !hidden.has(r.model)), rank)));
  const train = new Map(classicTrainingModels().map((m) => [m.id, m]));
  const others = space.models.filter((m) => !hidden.has(m));
  const model = fitColdStart({
    features: others.map((m) => train.get(m)!.features),
    targets: others.map((m) => space.U[space.models.indexOf(m)]),
    ids: others,
    aux: timmFeatures(),
  });
  return { u: predictVector(model, timmFeaturesOf(row)), space };
}

/** The predictor's task-agnostic score: u · the space's mean task vector (its prior). */
const priorScore = (space: Space, u: readonly number[]) => u.reduce((s, x, i) => s + x * mean(space.V.map((v) => v[i])), 0);

/** Predicted result in the metric of a task of `space`: u·v_t back through the task's mean/std. */
const predicted = (space: Space, u: readonly number[], task: string) => {
  const j = space.tasks.indexOf(task);
  if (j < 0) throw new Error(`the classic space has no task ${task}`);
  return space.stats[j].mean + space.stats[j].std * space.V[j].reduce((s, v, i) => s + v * u[i], 0);
};

/** The whole validation: per set, per task, and the verdict. */
export function validateTimm() {
  const def = zooDefinition(TARGET_ZOO);
  const records = readZooRecords(def);
  const full = fitSpace(records, def.rank);
  const cache = new Map<string, Space>();

  // 1. classic: the 15 models timm has, one held out at a time.
  const classicIds = Object.keys(CLASSIC_TOP1_SOURCE).sort();
  const classicPred = classicIds.map((id) => {
    const row = timmRowNative(CLASSIC_TOP1_SOURCE[id]);
    return { id, row, ...heldOutVector(records, def.rank, new Set([id]), row, cache) };
  });
  const classicTruth = (j: number) => classicPred.map((p) => full.values[full.models.indexOf(p.id)][j]);
  const classicAgnostic = full.tasks.map((_, j) => weightedTau(classicPred.map((p) => priorScore(p.space, p.u)), classicTruth(j)));
  const classicRows = full.tasks.map((task, j) =>
    compare(
      task,
      {
        predictor: classicPred.map((p) => predicted(p.space, p.u, task)),
        imagenetTop1: classicPred.map((p) => p.row.top1),
        params: classicPred.map((p) => p.row.paramsM),
      },
      classicTruth(j),
    ),
  );

  // 2. hub: the 14 checkpoints timm has, their classic twins (same timm weights) held out.
  const twinOf = new Map(Object.entries(CLASSIC_TOP1_SOURCE).map(([id, timm]) => [timm, id]));
  const hubIds = Object.keys(HUB_TIMM).sort();
  const hubPred = hubIds.map((id) => {
    const [timm, size] = HUB_TIMM[id];
    const row = timmRow(timm, size);
    const twin = twinOf.get(timm);
    return { id, row, ...heldOutVector(records, def.rank, new Set(twin ? [twin] : []), row, cache) };
  });
  const hubRecords = readZooRecords(zooDefinition("hub"));
  const hubValue = new Map(hubRecords.map((r) => [`${r.model}|${r.dataset}`, r.value]));
  const hubAgnostic: number[] = [];
  const hubRows = Object.entries(HUB_TASKS_IN_CLASSIC).map(([hubTask, classicTask]) => {
    const have = hubPred.filter((p) => hubValue.has(`${p.id}|${hubTask}`));
    hubAgnostic.push(weightedTau(have.map((p) => priorScore(p.space, p.u)), have.map((p) => hubValue.get(`${p.id}|${hubTask}`)!)));
    return compare(
      hubTask,
      {
        predictor: have.map((p) => predicted(p.space, p.u, classicTask)),
        imagenetTop1: have.map((p) => p.row.top1),
        params: have.map((p) => p.row.paramsM),
      },
      have.map((p) => hubValue.get(`${p.id}|${hubTask}`)!),
    );
  });

  // 3. QuickTune: the shipped fit (none of the 24 is a classic model), task-agnostic prior.
  const shipped = fitOnZoo(buildTargetZoo());
  const target = buildTargetZoo();
  const meanTask = target.tasks[0].vector.map((_, i) => mean(target.tasks.map((t) => t.vector[i])));
  const qtRecords = readCsv(resolve(DATA, "records/quicktune_wandb_runs_agg.csv")).filter((r) => r.metric === QUICKTUNE_METRIC);
  const qtModels = [...new Set(qtRecords.map((r) => r.model))].sort();
  const unmapped = qtModels.filter((m) => !QUICKTUNE_TIMM[m]);
  if (unmapped.length) throw new Error(`QuickTune models without a timm identity: ${unmapped.join(", ")}`);
  const classicTimm = new Set(Object.values(CLASSIC_TOP1_SOURCE));
  const qtRow = new Map(qtModels.map((m) => [m, timmRowNative(QUICKTUNE_TIMM[m])]));
  for (const [m, r] of qtRow) if (classicTimm.has(r.model)) throw new Error(`QuickTune's ${m} is a classic model: hold it out`);
  const qtPrior = new Map(qtModels.map((m) => [m, predictVector(shipped, timmFeaturesOf(qtRow.get(m)!)).reduce((s, x, i) => s + x * meanTask[i], 0)]));
  const qtTasks = [...new Set(qtRecords.map((r) => r.dataset))].sort();
  const qtRows = qtTasks.map((task) => {
    const rows = qtRecords.filter((r) => r.dataset === task).sort((a, b) => (a.model < b.model ? -1 : 1));
    return compare(
      task,
      {
        predictor: rows.map((r) => qtPrior.get(r.model)!),
        imagenetTop1: rows.map((r) => qtRow.get(r.model)!.top1),
        params: rows.map((r) => qtRow.get(r.model)!.paramsM),
      },
      rows.map((r) => Number(r.value)),
    );
  });

  const sets = {
    classic: { models: classicIds.length, protocol: "leave-one-model-out, space and regressor refitted, the task's own vector", ...summarise(classicRows), perTask: classicRows },
    hub: { models: hubIds.length, protocol: "classic twins held out, the classic vector of the same dataset", ...summarise(hubRows), perTask: hubRows },
    quicktune: { models: qtModels.length, protocol: "shipped fit, task-agnostic prior (u · mean task vector)", ...summarise(qtRows), perTask: qtRows },
  };
  const overall = Object.fromEntries(RANKINGS.map((k) => [k, r3(mean(Object.values(sets).map((s) => s.weightedTau[k])))])) as Record<RankingName, number>;
  const allRows = [...classicRows, ...hubRows, ...qtRows];
  const best = [...RANKINGS].sort((a, b) => overall[b] - overall[a])[0];
  const bestBaseline = overall.imagenetTop1 >= overall.params ? "imagenetTop1" : "params";
  return {
    metric: "weighted Kendall τ (scipy's weightedtau), mean over tasks; overall: mean over the three sets",
    overall,
    /** What the timm zoo ranks by: the predictor only where it beats both baselines. */
    verdict: best === "predictor" ? ("predictor" as const) : bestBaseline,
    /** The same comparison aggregated otherwise, to show whether the verdict hangs on the mean of
     * the sets: every task weighing the same, and the sets where the predictor beats a baseline. */
    robustness: {
      pooledOverTasks: { nTasks: allRows.length, ...summarise(allRows).weightedTau },
      setsWon: Object.fromEntries(
        (["imagenetTop1", "params"] as const).map((k) => [k, Object.values(sets).filter((s) => s.weightedTau.predictor > s.weightedTau[k]).length]),
      ) as Record<"imagenetTop1" | "params", number>,
      /** The predictor without the task's own vector (its prior, u · mean task vector) on the
       * classic and hub sets: task-agnostic like the two baselines. */
      taskAgnosticPredictor: { classic: r3(mean(classicAgnostic)), hub: r3(mean(hubAgnostic)) },
    },
    sets: {
      classic: strip(sets.classic),
      hub: strip(sets.hub),
      quicktune: strip(sets.quicktune),
    },
  };
}

/** The row the timm zoo keeps for a model (its arch's native input). */
function timmRowNative(model: string): TimmRow {
  const r = timmModels().find((x) => x.model === model);
  if (!r) throw new Error(`timm_model_meta.csv has no ${model}`);
  return r;
}

/** The shipped timm zoo at a glance: size, backbones, how its order relates to ImageNet top-1, and
 * where the models the issue named land (docs/COLDSTART.md, "The timm zoo"). */
export function describeTimmZoo(named: readonly string[] = ["eva02_large_patch14_448.mim_m38m_ft_in22k_in1k", "convnextv2_large.fcmae_ft_in22k_in1k"]) {
  const zoo = buildTimmZoo();
  const json = JSON.stringify(zoo);
  const ms = zoo.models;
  // Pearson's r is the cosine of the centred vectors.
  const pearson = (x: number[], y: number[]) => {
    const mx = mean(x);
    const my = mean(y);
    return cosine(x.map((v) => v - mx), y.map((v) => v - my));
  };
  const order = (f: (m: (typeof ms)[number]) => number) => [...ms].sort((a, b) => f(b) - f(a) || (a.id < b.id ? -1 : 1)).map((m) => m.id);
  const byPrior = order((m) => m.prior);
  const byTop1 = order((m) => m.imagenetTop1 ?? -Infinity);
  return {
    models: ms.length,
    backbones: backboneMembers(ms).size,
    rankedBy: TIMM_RANKED_BY,
    jsonBytes: json.length,
    gzipBytes: gzipSync(json, { level: 9 }).length,
    priorTop1Pearson: r3(pearson(ms.map((m) => m.prior), ms.map((m) => m.imagenetTop1!))),
    topByPrior: byPrior.slice(0, 5),
    bottomByPrior: byPrior.slice(-5),
    named: Object.fromEntries(named.map((id) => [id, { byPrior: byPrior.indexOf(id) + 1, byTop1: byTop1.indexOf(id) + 1 }])),
  };
}

function strip<T extends { perTask: TaskRow[] }>(s: T) {
  return {
    ...s,
    perTask: s.perTask.map((t) => ({
      task: t.task,
      n: t.n,
      weightedTau: Object.fromEntries(RANKINGS.map((k) => [k, r3(t.weightedTau[k])])),
      kendallTau: Object.fromEntries(RANKINGS.map((k) => [k, r3(t.kendallTau[k])])),
    })),
  };
}

