/**
 * Cold start for the timm zoo (docs/COLDSTART.md): the 1,253 timm models (timm's test_* networks
 * left out) have ImageNet results and traced graphs but no transfer records, so their vectors in
 * the classic zoo's transfer space are predicted from archi2vec + meta-features by a regressor
 * fitted on the 36 classic models.
 *
 *   buildTimmZoo({ excludeTask })  the third zoo, `timm` ("timm (predicted)"), every model
 *                                  `measured: false`, ranked as TIMM_RANKED_BY says
 *   evaluateColdStart()            leave-one-model-out figures on the classic models
 *   coldStartSensitivity()         the same for each variant of the regressor's settings
 *
 * npm run validate-timm -- --lomo     (the comparison with the obvious rankings: validateTimm.ts)
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { withHash } from "../../src/core/bundle/hash.ts";
import type { Zoo, ZooModel } from "../../src/core/bundle/schema.ts";
import { nearestArchs, type Archi2VecData } from "../../src/core/archi2vec/index.ts";
import {
  coldStartFeatures,
  DEFAULT_CONFIG,
  fitColdStart,
  NEAR_RELATIVE,
  parseTimmTag,
  predictVector,
  SELF_SUPERVISED_IN1K,
  SUPERVISED_IN1K,
  type ColdStartConfig,
  type ColdStartFeatures,
  type ColdStartModel,
  type Pretraining,
} from "../../src/core/coldstart/index.ts";
import { isTimmTestNetwork, timmBackbones, type TimmModelMeta } from "../../src/core/backbone.ts";
import { cosine, mean, round, std } from "../../src/core/math/linalg.ts";
import { mulberry32, shuffled } from "../../src/core/math/random.ts";
import { kendallTau, weightedTau } from "../../src/core/metrics.ts";
import { factorise } from "../../src/core/space/factorise.ts";
import { pivotRecords, standardiseColumns, type TidyRecord } from "../../src/core/space/matrix.ts";
import { zooDefinition } from "../../src/core/zoos.ts";
import { buildZooFor, DATA, PROVENANCE, readArchi2vec, readCsv, readZooRecords } from "./repoFiles.ts";

/** The zoo whose transfer space the timm vectors are predicted in. */
export const TARGET_ZOO = "classic";
const DIGITS = 5;

// ---------------------------------------------------------------------------------------------
// Data

let a2vCache: Archi2VecData | null = null;
function a2v(): Archi2VecData {
  if (!a2vCache) {
    const data = readArchi2vec();
    if (!data) throw new Error("data/derived/archi2vec.json is missing; run `npx tsx tools/build-archi2vec.ts`");
    a2vCache = data;
  }
  return a2vCache;
}

/** One timm model as timm_model_meta.csv gives it (the row backbone grouping reads too). */
export type TimmRow = TimmModelMeta;

let timmRowsCache: TimmRow[] | null = null;
/** Every (model, img_size) row of timm_model_meta.csv. */
export function timmRows(): TimmRow[] {
  return (timmRowsCache ??= readCsv(resolve(DATA, "records/timm_model_meta.csv")).map((r) => ({
    model: r.model,
    arch: r.arch,
    tag: r.pretrained_tag,
    imgSize: Number(r.img_size),
    paramsM: Number(r.param_count_M.replace(/,/g, "")),
    top1: Number(r.imagenet_top1_pct),
  })));
}

/** One row per timm model: the one evaluated at the arch's native input size, else the closest
 * size (ties: the higher top-1, i.e. the file's order). Sorted by model name. timm's `test_*`
 * networks are left out: they exist to test code paths, nobody fine-tunes them. */
export function timmModels(): TimmRow[] {
  const byModel = new Map<string, TimmRow[]>();
  for (const r of timmRows()) if (!isTimmTestNetwork(r.model)) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  return [...byModel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, rows]) => {
      const native = a2v().archs[rows[0].arch]?.input ?? 224;
      return rows.reduce((best, r) => (Math.abs(r.imgSize - native) < Math.abs(best.imgSize - native) ? r : best));
    });
}

/**
 * ImageNet-1k top-1 of the classic models whose exact weights (or, for Swin, the original
 * Microsoft weights torchvision's match in recipe) have a row in timm_model_meta.csv. The others
 * (self-supervised backbones, PVT v1, GoogLeNet, and MnasNet/MobileNetV2, whose timm weights are
 * different trainings) stay unknown.
 */
export const CLASSIC_TOP1_SOURCE: Record<string, string> = {
  resnet34: "resnet34.tv_in1k",
  resnet50: "resnet50.tv_in1k",
  resnet101: "resnet101.tv_in1k",
  resnet152: "resnet152.tv_in1k",
  densenet121: "densenet121.tv_in1k",
  densenet169: "densenet169.tv_in1k",
  densenet201: "densenet201.tv_in1k",
  inception_v3: "inception_v3.tv_in1k",
  deit_tiny: "deit_tiny_patch16_224.fb_in1k",
  deit_small: "deit_small_patch16_224.fb_in1k",
  deit_base: "deit_base_patch16_224.fb_in1k",
  pvtv2_b2: "pvt_v2_b2.in1k",
  pvtv2_b3: "pvt_v2_b3.in1k",
  swin_t: "swin_tiny_patch4_window7_224.ms_in1k",
  swin_s: "swin_small_patch4_window7_224.ms_in1k",
};

function timmTop1(model: string): number | null {
  const rows = timmRows().filter((r) => r.model === model);
  if (!rows.length) return null;
  const native = a2v().archs[rows[0].arch]?.input ?? 224;
  return rows.reduce((best, r) => (Math.abs(r.imgSize - native) < Math.abs(best.imgSize - native) ? r : best)).top1;
}

/** Cold-start features of an archi2vec graph with the given pre-training and top-1. */
export function archFeatures(arch: string, pretraining: Pretraining | null, top1: number | null, inputSize?: number): ColdStartFeatures {
  const e = a2v().archs[arch];
  if (!e) throw new Error(`archi2vec has no arch ${arch}`);
  return coldStartFeatures({
    embedding: e.embedding,
    params: e.params,
    macs: e.flops,
    depth: e.depth,
    inputSize: inputSize ?? e.input,
    pretraining,
    imagenetTop1: top1,
  });
}

export interface TrainingModel {
  id: string;
  arch: string;
  pretraining: Pretraining;
  top1: number | null;
  features: ColdStartFeatures;
}

/** Features of the classic zoo's models (the training set). */
export function classicTrainingModels(): TrainingModel[] {
  const meta = JSON.parse(readFileSync(resolve(DATA, "models/classic-models.json"), "utf8")).models as Record<string, { pretraining: string }>;
  const links = a2v().links.classic;
  return Object.keys(links)
    .sort()
    .map((id) => {
      const pretraining = /self-supervised/i.test(meta[id]?.pretraining ?? "") ? SELF_SUPERVISED_IN1K : SUPERVISED_IN1K;
      const src = CLASSIC_TOP1_SOURCE[id];
      const top1 = src ? timmTop1(src) : null;
      return { id, arch: links[id], pretraining, top1, features: archFeatures(links[id], pretraining, top1) };
    });
}

let timmFeaturesCache: ColdStartFeatures[] | null = null;
/** Features of every timm model, in timmModels() order. */
export function timmFeatures(): ColdStartFeatures[] {
  return (timmFeaturesCache ??= timmModels().map((r) => archFeatures(r.arch, parseTimmTag(r.tag, r.arch), r.top1, r.imgSize)));
}

/** Task ids removed from the target zoo for `excludeTask`, exactly as buildBundle removes them:
 * the task itself and any task shown by the same image sample. */

// ---------------------------------------------------------------------------------------------
// The timm zoo

const FAMILIES: [RegExp, string][] = [
  [/^deit/, "DeiT"],
  [/^(vit|flexivit|naflexvit)/, "ViT"],
  [/^eva/, "EVA"],
  [/^beit/, "BEiT"],
  [/^convnext/, "ConvNeXt"],
  [/^efficientvit/, "EfficientViT"],
  [/^efficientformer/, "EfficientFormer"],
  [/^(efficientnet|tinynet)/, "EfficientNet"],
  [/^mobilevit/, "MobileViT"],
  [/^mobileone/, "MobileOne"],
  [/^mobilenet/, "MobileNet"],
  [/^(regnet|haloregnet)/, "RegNet"],
  [/^swin/, "Swin"],
  [/^(maxvit|maxxvit)/, "MaxViT"],
  [/^(coatnet|coatnext)/, "CoAtNet"],
  [/^coat/, "CoaT"],
  [/^xcit/, "XCiT"],
  [/^cait/, "CaiT"],
  [/^crossvit/, "CrossViT"],
  [/^levit/, "LeViT"],
  [/^pvt/, "PVT"],
  [/^twins/, "Twins"],
  [/^densenet/, "DenseNet"],
  [/^dla/, "DLA"],
  [/^hrnet/, "HRNet"],
  [/^repvgg/, "RepVGG"],
  [/^vgg/, "VGG"],
  [/^volo/, "VOLO"],
  [/^inception/, "Inception"],
  [/^xception/, "Xception"],
  [/^resnest/, "ResNeSt"],
  [/^(res2net|res2next)/, "Res2Net"],
  [/^tresnet/, "TResNet"],
  [/^resmlp/, "ResMLP"],
  [/^(cs3|csp|darknet)/, "CSPNet/DarkNet"],
  [/^(botnet|sebotnet|lamhalobotnet|halonet|sehalonet|halo2botnet|botnext|halonext|lambda_)/, "BoTNet/HaloNet"],
  [/^(resnet|resnext|wide_resnet|seresnet|seresnext|ecaresnet|gcresnet|gcresnext|skresnet|skresnext|senet)/, "ResNet"],
  [/^(mnasnet|semnasnet|spnasnet)/, "MnasNet"],
  [/^mixnet/, "MixNet"],
  [/^(ghostnet|repghostnet)/, "GhostNet"],
  [/^hgnet/, "HGNet"],
  [/^mambaout/, "MambaOut"],
  [/^(poolformer|caformer|convformer)/, "MetaFormer"],
  [/^focalnet/, "FocalNet"],
  [/^fastvit/, "FastViT"],
  [/^hiera/, "Hiera"],
  [/^(mixer|gmixer|gmlp)/, "MLP-Mixer"],
  [/^rexnet/, "ReXNet"],
  [/^dpn/, "DPN"],
  [/^lcnet/, "LCNet"],
  [/^repvit/, "RepViT"],
  [/^nextvit/, "Next-ViT"],
  [/^tiny_vit/, "TinyViT"],
  [/^pit_/, "PiT"],
  [/^edgenext/, "EdgeNeXt"],
  [/^fasternet/, "FasterNet"],
  [/^hardcorenas/, "HardCoRe-NAS"],
  [/^gcvit/, "GCViT"],
  [/^rdnet/, "RDNet"],
  [/^mvitv2/, "MViTv2"],
  [/^shvit/, "SHViT"],
  [/^starnet/, "StarNet"],
  [/^swiftformer/, "SwiftFormer"],
  [/^convit/, "ConViT"],
  [/^convmixer/, "ConvMixer"],
  [/^davit/, "DaViT"],
  [/^ese_vovnet/, "VoVNet"],
  [/^fbnet/, "FBNet"],
  [/^gernet/, "GENet"],
  [/^nest_/, "NesT"],
  [/^selecsls/, "SelecSLS"],
  [/^sequencer/, "Sequencer2D"],
  [/^tnt_/, "TNT"],
  [/^visformer/, "Visformer"],
  [/^nasnet/, "NASNet"],
  [/^pnasnet/, "PNASNet"],
];

/** A family name from a timm arch name (a prefix table; otherwise the capitalised prefix). */
export function timmFamily(arch: string): string {
  if (/^(nf_|nfnet|dm_nfnet|eca_nfnet)/.test(arch)) return "NFNet";
  const a = arch.replace(/^(tf_|legacy_|gluon_|eca_|gc_|bat_)/, "");
  for (const [re, name] of FAMILIES) if (re.test(a)) return name;
  const p = /^[a-z]+/.exec(a)?.[0] ?? a;
  return p.charAt(0).toUpperCase() + p.slice(1);
}

/**
 * What the timm zoo ranks by, and the figures that decided it: `npm run validate-timm` (mean
 * weighted Kendall τ over its three validation sets, docs/COLDSTART.md). The predictor ships only
 * where it beats both rankings a practitioner would use without it; otherwise the zoo ranks by the
 * better of them. test/coldstart.test.ts checks both against a fresh run.
 */
export const TIMM_RANKED_BY: TimmRankedBy = "predictor";
export const TIMM_VALIDATION: Record<TimmRankedBy, number> = { predictor: 0.429, imagenetTop1: 0.404, params: 0.386 };
export type TimmRankedBy = "predictor" | "imagenetTop1" | "params";

const RANKED_BY_WORDS: Record<TimmRankedBy, string> = {
  predictor: "the cold-start predictor",
  imagenetTop1: "ImageNet-1k top-1",
  params: "parameter count",
};

/** The timm zoo's description: what its vectors are, and the validation that chose its ranking. */
export function timmDescription(nModels: number, rankedBy: TimmRankedBy = TIMM_RANKED_BY): string {
  const v = TIMM_VALIDATION;
  const figures = `held-out validation on measured fine-tuning results of timm checkpoints (weighted τ: predictor ${v.predictor.toFixed(3)}, ImageNet top-1 ${v.imagenetTop1.toFixed(3)}, parameter count ${v.params.toFixed(3)})`;
  const how =
    rankedBy === "predictor"
      ? `Their vectors are PREDICTED, not measured: a regressor fitted on the 36 Classic models maps each model's architecture (archi2vec graph embedding, parameters, MACs, depth, input size) and its ImageNet-1k top-1 and pre-training to a position in the Classic zoo's transfer space. It ships because it beat both simpler rankings in a ${figures}; it lost to both on the 14 hub checkpoints, so treat its order as an informed guess.`
      : `This zoo ranks by ${RANKED_BY_WORDS[rankedBy]}, the same for every folder: the cold-start predictor did not beat both simpler rankings in a ${figures}.`;
  return `${nModels.toLocaleString("en-US")} timm ImageNet models with no transfer records (timm's test_* networks left out). ${how} Resolution variants and re-uploads share a backbone id. Details: docs/COLDSTART.md. Measured zoos come first.`;
}

/** The measured models one per architecture graph: a graph shared by several (the 12
 * self-supervised ResNet-50s) is named by its supervised member, else the first id. */
function measuredGraphs(): TrainingModel[] {
  const byArch = new Map<string, TrainingModel>();
  for (const m of classicTrainingModels()) {
    const cur = byArch.get(m.arch);
    if (!cur || (cur.pretraining.selfSupervised && !m.pretraining.selfSupervised)) byArch.set(m.arch, m);
  }
  return [...byArch.values()];
}

/** Measured models nearest in architecture (archi2vec cosine): up to n at NEAR_RELATIVE or
 * above, else the single nearest (to say that none is near). */
function measuredRelatives(embedding: readonly number[], graphs: readonly TrainingModel[], n = 3): { id: string; cosine: number }[] {
  return graphs
    .map((m) => ({ id: m.id, cosine: round(cosine(embedding, a2v().archs[m.arch].embedding), 3) }))
    .sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : 1))
    .filter((r, i) => i === 0 || r.cosine >= NEAR_RELATIVE)
    .slice(0, n);
}

/** The regressor behind the timm zoo, fitted on the target zoo's model vectors. */
export function fitOnZoo(zoo: Zoo, config?: Partial<ColdStartConfig>): ColdStartModel {
  const train = new Map(classicTrainingModels().map((m) => [m.id, m]));
  const models = zoo.models.filter((m) => train.has(m.id));
  return fitColdStart({
    features: models.map((m) => train.get(m.id)!.features),
    targets: models.map((m) => m.vector),
    ids: models.map((m) => m.id),
    aux: timmFeatures(),
    config,
  });
}

/** z-scores of a baseline ranking (top-1, or log parameter count) over the zoo; null for the
 * predictor. */
function baselineScores(rows: readonly TimmRow[], rankedBy: TimmRankedBy): number[] | null {
  if (rankedBy === "predictor") return null;
  const x = rows.map((r) => (rankedBy === "imagenetTop1" ? r.top1 : Math.log10(r.paramsM)));
  const m = mean(x);
  const sd = std(x) || 1;
  return x.map((v) => (v - m) / sd);
}

/** The target zoo as buildBundle builds it (same records, info and exclusion). */
export function buildTargetZoo(excludeTask?: string): Zoo {
  return buildZooFor(zooDefinition(TARGET_ZOO), excludeTask);
}

/** The `timm` zoo: one model per timm model name, every vector predicted (measured: false). */
export function buildTimmZoo(opts: { excludeTask?: string } = {}): Zoo {
  const target = buildTargetZoo(opts.excludeTask);
  const model = fitOnZoo(target);
  const data = a2v();
  const k = target.rank;
  const meanTask = target.tasks[0].vector.map((_, i) => target.tasks.reduce((s, t) => s + t.vector[i], 0) / target.tasks.length);
  const feats = timmFeatures();
  const rows = timmModels();
  const backbones = timmBackbones(rows);
  const baseline = baselineScores(rows, TIMM_RANKED_BY);
  const nearestCache = new Map<string, ZooModel["archInfo"]>();
  const relativesCache = new Map<string, { id: string; cosine: number }[]>();
  const graphs = measuredGraphs();
  const models: ZooModel[] = rows.map((r, i) => {
    const e = data.archs[r.arch];
    // A baseline ranking is carried by the vectors themselves: factors 0, bias = the baseline's
    // z-score, so u·v is that score for every task vector (each ends in a constant 1).
    const u = (baseline ? [...new Array<number>(k).fill(0), baseline[i]] : predictVector(model, feats[i])).map((x) => round(x, DIGITS));
    if (u.length !== k + 1) throw new Error(`predicted vector of ${r.model} has ${u.length} values, expected ${k + 1}`);
    if (!nearestCache.has(r.arch))
      nearestCache.set(r.arch, {
        depth: e.depth,
        ops: e.opCounts,
        nearest: nearestArchs(data, e.embedding, 5, r.arch).map((n) => ({ arch: n.arch, cosine: round(n.cosine, 3) })),
      });
    const pre = parseTimmTag(r.tag, r.arch);
    return {
      id: r.model,
      name: r.model,
      library: "timm",
      code: `timm.create_model("${r.model}", pretrained=True)`,
      sourceId: r.model,
      url: `https://huggingface.co/timm/${r.model}`,
      family: timmFamily(r.arch),
      params: Math.round(r.paramsM * 1e6),
      flops: e.flops,
      inputSize: r.imgSize,
      pretraining: pre.words,
      imagenetTop1: r.top1,
      measured: false,
      arch: r.arch,
      archInfo: nearestCache.get(r.arch)!,
      backbone: backbones.get(r.model)!,
      relatives: relativesCache.get(r.arch) ?? relativesCache.set(r.arch, measuredRelatives(e.embedding, graphs)).get(r.arch)!,
      prior: round(u.reduce((s, x, j) => s + x * meanTask[j], 0), DIGITS),
      vector: u,
      results: {},
    };
  });
  return withHash<Zoo>({
    schema: target.schema,
    zoo: "timm",
    name: "timm (predicted)",
    description: timmDescription(models.length),
    rankedBy: TIMM_RANKED_BY,
    metric: `${target.metric}, predicted`,
    provenance: `${PROVENANCE} The timm zoo's model vectors are predicted by the cold-start regressor (docs/COLDSTART.md) from data/records/timm_model_meta.csv and data/derived/archi2vec.json; its tasks are the Classic zoo's.`,
    rank: target.rank,
    // The image mapper's settings and placement model are the target zoo's (same task space: the
    // placement moves the task vector, whatever models are scored with it). No meta-score model:
    // the predicted vector already comes from the model's meta-features, so the timm zoo ranks by
    // u·v alone (w = 0).
    mapper: { tau: target.mapper.tau, alpha: target.mapper.alpha, ...(target.mapper.placement !== undefined && { placement: target.mapper.placement }) },
    ...(target.placement && { placement: target.placement }),
    // Predicted results borrow the Classic zoo's level and interval (same tasks, same units). The
    // timm zoo has no held-out records of its own, so they are not validated on its models.
    ...(target.level && { level: target.level }),
    ...(target.interval && { interval: target.interval }),
    tasks: target.tasks,
    models,
  });
}

// ---------------------------------------------------------------------------------------------
// Evaluation: leave one model out

const r3 = (x: number) => (Number.isFinite(x) ? round(x, 3) : null);

export interface Space {
  models: string[];
  tasks: string[];
  values: number[][];
  U: number[][];
  V: number[][];
  stats: { mean: number; std: number }[];
}

/** Standardise and factorise records into a transfer space (the zoo's rank and seed). */
export function fitSpace(records: readonly TidyRecord[], rank: number): Space {
  const m = pivotRecords(records);
  const { z, stats } = standardiseColumns(m);
  const { U, V } = factorise(z, { rank });
  return { ...m, U, V, stats };
}

/** Per-task τ of predicted vs measured results across the models in `rows`. */
function perTask(tasks: readonly string[], pred: readonly number[][], truth: readonly number[][], rows: readonly number[]) {
  return tasks.map((t, j) => {
    const p = rows.map((i) => pred[i][j]);
    const y = rows.map((i) => truth[i][j]);
    return { task: t, kendallTau: kendallTau(p, y), weightedTau: weightedTau(p, y), mae: mean(rows.map((i) => Math.abs(pred[i][j] - truth[i][j]))) };
  });
}

function summary(rows: { kendallTau: number; weightedTau: number; mae?: number }[]) {
  const fin = (xs: number[]) => xs.filter(Number.isFinite);
  const out: Record<string, number | null> = {
    kendallTau: r3(mean(fin(rows.map((r) => r.kendallTau)))),
    weightedTau: r3(mean(fin(rows.map((r) => r.weightedTau)))),
  };
  if (rows.every((r) => r.mae !== undefined)) out.mae = r3(mean(rows.map((r) => r.mae!)));
  return out;
}

export interface LomoOptions {
  /** Refit the transfer space without the held-out models (default) or reuse the full space. */
  refitSpace?: boolean;
  /** Hide one model at a time (default), or every model sharing its architecture graph. */
  holdOut?: "model" | "architecture";
  /** Predict the held-out model from its graph only (pre-training and ImageNet top-1 hidden), as
   * for a user's dropped ONNX file. */
  graphOnly?: boolean;
  config?: Partial<ColdStartConfig>;
  randomDraws?: number;
}

/** Predicted results (metric units) of every classic model, each from a fit that never saw it. */
function heldOutPredictions(opts: LomoOptions) {
  const { refitSpace = true, holdOut = "model" } = opts;
  const def = zooDefinition(TARGET_ZOO);
  const records = readZooRecords(def);
  const full = fitSpace(records, def.rank);
  const train = new Map(classicTrainingModels().map((m) => [m.id, m]));
  const aux = timmFeatures();
  const pred = full.models.map((id) => {
    const hidden = new Set(holdOut === "model" ? [id] : full.models.filter((m) => train.get(m)!.arch === train.get(id)!.arch));
    const space = refitSpace ? fitSpace(records.filter((r) => !hidden.has(r.model)), def.rank) : full;
    const others = space.models.filter((m) => !hidden.has(m));
    const model = fitColdStart({
      features: others.map((m) => train.get(m)!.features),
      targets: others.map((m) => space.U[space.models.indexOf(m)]),
      ids: others,
      aux,
      config: opts.config,
    });
    const t = train.get(id)!;
    const u = predictVector(model, opts.graphOnly ? archFeatures(t.arch, null, null) : t.features);
    return full.tasks.map((t) => {
      const j = space.tasks.indexOf(t);
      return space.stats[j].mean + space.stats[j].std * space.V[j].reduce((s, v, i) => s + v * u[i], 0);
    });
  });
  return { full, train, aux, pred };
}

/**
 * Leave-one-model-out on the classic zoo: hide a model's records, refit the space without it,
 * fit the regressor on the other 35, predict its vector from its features, predict its results on
 * every task (u·v_t, back in the metric via the task's mean/std) and compare across models.
 * Also reported: the same with every model of the held-out model's architecture hidden (a graph
 * the regressor has never seen), and baselines in the same run.
 */
export function evaluateColdStart(opts: LomoOptions = {}) {
  const { randomDraws = 200 } = opts;
  const { full, train, aux, pred } = heldOutPredictions(opts);
  const ids = full.models;
  const tasks = full.tasks;
  const truth = full.values;
  const all = ids.map((_, i) => i);
  const withTop1 = all.filter((i) => train.get(ids[i])!.top1 != null);
  const ssl = all.filter((i) => train.get(ids[i])!.pretraining.selfSupervised);
  const supervised = all.filter((i) => !train.get(ids[i])!.pretraining.selfSupervised);
  const method = perTask(tasks, pred, truth, all);
  const methodTop1 = perTask(tasks, pred, truth, withTop1);
  const top1 = perTask(tasks, ids.map((id) => tasks.map(() => train.get(id)!.top1 ?? Number.NaN)), truth, withTop1);
  const params = perTask(tasks, ids.map((id) => tasks.map(() => a2v().archs[train.get(id)!.arch].params)), truth, all);
  const reconstructed = ids.map((_, h) => tasks.map((_, j) => full.stats[j].mean + full.stats[j].std * full.V[j].reduce((s, v, i) => s + v * full.U[h][i], 0)));
  const oracle = perTask(tasks, reconstructed, truth, all);
  // Random: a seeded permutation of the models per task and draw.
  const rand = mulberry32(20240611);
  const randomRuns = Array.from({ length: randomDraws }, () => {
    const perm = tasks.map(() => shuffled(all, rand));
    return summary(perTask(tasks, ids.map((_, i) => tasks.map((_, j) => perm[j][i])), truth, all));
  });
  const randomTau = randomRuns.map((r) => r.kendallTau!);
  // Every model gets the task's mean: what knowing nothing about a model gives (MAE only).
  const meanMae = r3(mean(perTask(tasks, ids.map(() => tasks.map((_, j) => full.stats[j].mean)), truth, all).map((r) => r.mae)));
  const extra = opts.holdOut === "architecture" || opts.graphOnly;
  const loao = extra ? null : heldOutPredictions({ ...opts, holdOut: "architecture" }).pred;
  const graphOnly = extra ? null : heldOutPredictions({ ...opts, graphOnly: true }).pred;
  const config = fitColdStart({ features: ids.map((id) => train.get(id)!.features), targets: full.U, aux, config: opts.config }).config;
  return {
    zoo: TARGET_ZOO,
    protocol:
      (opts.holdOut === "architecture" ? "leave-one-architecture-out (every model sharing the held-out graph hidden)" : "leave-one-model-out") +
      (opts.graphOnly ? ", held-out model described by its graph only" : "") +
      (opts.refitSpace === false
        ? "; the space is fitted once on all 36 models, only the regressor is refitted"
        : "; the held-out records are removed and the space refitted (ALS, same rank and seed), the regressor fitted on the other models' vectors, the held-out vector predicted from features only"),
    nModels: ids.length,
    nWithImagenetTop1: withTop1.length,
    config,
    method: {
      all: summary(method),
      withImagenetTop1: summary(methodTop1),
      supervisedOnly: summary(perTask(tasks, pred, truth, supervised)),
      selfSupervisedOnly: summary(perTask(tasks, pred, truth, ssl)),
    },
    leaveOneArchitectureOut: loao
      ? {
          all: summary(perTask(tasks, loao, truth, all)),
          withImagenetTop1: summary(perTask(tasks, loao, truth, withTop1)),
          supervisedOnly: summary(perTask(tasks, loao, truth, supervised)),
        }
      : null,
    graphOnlyInput: graphOnly
      ? {
          all: summary(perTask(tasks, graphOnly, truth, all)),
          withImagenetTop1: summary(perTask(tasks, graphOnly, truth, withTop1)),
          supervisedOnly: summary(perTask(tasks, graphOnly, truth, supervised)),
        }
      : null,
    baselines: {
      random: {
        kendallTau: r3(mean(randomTau)),
        kendallTauSd: r3(Math.sqrt(mean(randomTau.map((t) => (t - mean(randomTau)) ** 2)))),
        weightedTau: r3(mean(randomRuns.map((r) => r.weightedTau!))),
        draws: randomDraws,
      },
      imagenetTop1Only: { ...summary(top1.map(({ kendallTau, weightedTau }) => ({ kendallTau, weightedTau }))), n: withTop1.length },
      paramsOnly: summary(params.map(({ kendallTau, weightedTau }) => ({ kendallTau, weightedTau }))),
      taskMeanMae: meanMae,
      measuredVectorOracle: summary(oracle),
    },
    perTask: method.map((m, j) => ({
      task: m.task,
      kendallTau: r3(m.kendallTau),
      weightedTau: r3(m.weightedTau),
      mae: r3(m.mae),
      withImagenetTop1: { method: r3(methodTop1[j].kendallTau), imagenetTop1Only: r3(top1[j].kendallTau) },
    })),
    /** Mean standardised predicted result per model beside the measured one (the prior). */
    prior: Object.fromEntries(
      ids.map((id, i) => [
        id,
        {
          predicted: r3(mean(tasks.map((_, j) => (pred[i][j] - full.stats[j].mean) / full.stats[j].std))),
          measured: r3(mean(tasks.map((_, j) => (truth[i][j] - full.stats[j].mean) / full.stats[j].std))),
        },
      ]),
    ),
  };
}

/** The regressor settings varied one at a time (docs/COLDSTART.md, "Sensitivity"). */
export const SENSITIVITY_VARIANTS: { name: string; config: Partial<ColdStartConfig> }[] = [
  { name: "defaults", config: {} },
  { name: "no neighbour correction", config: { knn: { ...DEFAULT_CONFIG.knn, weight: 0 } } },
  { name: "no embedding PCs", config: { components: 0 } },
  { name: "neither (ridge on meta features only)", config: { components: 0, knn: { ...DEFAULT_CONFIG.knn, weight: 0 } } },
  ...[1, 3, 30, 100].map((lambda) => ({ name: `λ = ${lambda}`, config: { lambda } })),
  ...[1, 5, 8].map((components) => ({ name: `${components} PCs`, config: { components } })),
  ...[2, 10].map((clip) => ({ name: `clip ${clip}`, config: { clip } })),
  ...[0.02, 0.1].map((temperature) => ({ name: `T = ${temperature}`, config: { knn: { ...DEFAULT_CONFIG.knn, temperature } } })),
  ...[0.3, 3].map((priorMass) => ({ name: `prior mass ${priorMass}`, config: { knn: { ...DEFAULT_CONFIG.knn, priorMass } } })),
];

/** Kendall τ of leave-one-model-out, leave-one-architecture-out and graph-only input for each
 * variant of the regressor's settings. */
export function coldStartSensitivity() {
  return SENSITIVITY_VARIANTS.map(({ name, config }) => {
    const r = evaluateColdStart({ config, randomDraws: 1 });
    return { variant: name, lomo: r.method.all.kendallTau, loao: r.leaveOneArchitectureOut!.all.kendallTau, graphOnly: r.graphOnlyInput!.all.kendallTau };
  });
}
