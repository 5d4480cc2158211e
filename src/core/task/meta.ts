/**
 * The meta-score (Fennec step 4, docs DESIGN.md): a linear model of a model's standardised
 * transfer result z_mt from simple model features x_m — log parameters, log FLOPs, log depth, an
 * architecture cluster and the kind of pre-training — and their interactions with two task
 * features t — log number of classes and log training-set size:
 *
 *     meta_m(t) = (x_m − c) · (W₀ + Σ_j t_j W_j)
 *
 * W₀ holds the model main effects, W_j the interactions with task feature j. It is fitted by
 * ridge on every observed cell of the zoo's standardised records at bundle-build time, so a
 * leave-one-task-out build (`buildBundle({ excludeTask })`) refits it without the held-out task;
 * the ridge λ is chosen by leave-one-task-out within those records, never on a held-out task.
 * The bundle stores x_m per model and the weights; ranking a new task costs one small dot product
 * per model. Everything here is deterministic: no random initialisation anywhere.
 */
import { round, solveSPD } from "../math/linalg.ts";

/** Task features, in this order; each is standardised over the zoo's historical tasks. */
export const TASK_META_FEATURES = ["logClasses", "logSize"] as const;
export type TaskMetaFeature = (typeof TASK_META_FEATURES)[number];

export const PRETRAINING_KINDS = ["selfSupervised", "in21k", "supervisedIn1k", "otherPretraining"] as const;
export type PretrainingKind = (typeof PRETRAINING_KINDS)[number];

/** Number of architecture clusters (KMeans over the zoo's architectures; fewer if it has fewer). */
export const META_CLUSTERS = 4;
/** Ridge grid; the build picks one by leave-one-task-out squared error on the zoo's records. */
export const META_LAMBDAS = [0.1, 1, 10, 100, 1000] as const;

const FEATURE_DIGITS = 3;
const WEIGHT_DIGITS = 5;
const STAT_DIGITS = 4;

/** What the meta model reads of a model: the bundle's model fields. */
export interface MetaModelInput {
  name: string;
  params: number | null;
  flops: number | null;
  pretraining: string;
  arch: string | null;
  archInfo: { depth: number; ops: Record<string, number> } | null;
}

/** A historical task as the meta model sees it (null: unknown). */
export interface MetaTaskInput {
  nClasses: number | null;
  size: number | null;
}

/** The fitted model as the bundle stores it (`zoo.meta`); each model carries its `meta` row. */
export interface MetaModel {
  /** Model feature names, one per value of a model's `meta` row. */
  features: string[];
  /** Mean of each model feature over the zoo's models (subtracted before the weights apply). */
  center: number[];
  /** Task feature names (a subset of TASK_META_FEATURES, in that order). */
  taskFeatures: TaskMetaFeature[];
  /** Mean and standard deviation of each raw task feature over the zoo's historical tasks. */
  taskMean: number[];
  taskStd: number[];
  /** 1 + taskFeatures.length rows of features.length weights: main effects, then interactions. */
  weights: number[][];
  /** The ridge penalty the build chose. */
  lambda: number;
}

// ---------------------------------------------------------------------------------------------
// Model features

/**
 * The kind of pre-training, from the bundle's pretraining text and the model's name (hub names
 * carry `in21k`, `22k`, `pt22k`). One word per model: self-supervised first (it names the
 * objective), then extra data (ImageNet-21k/22k), then labelled ImageNet-1k, else other (e.g. a
 * hub upload fine-tuned on some small dataset whose base is not stated).
 */
export function pretrainingKind(pretraining: string, name: string): PretrainingKind {
  const p = pretraining.toLowerCase();
  const n = name.toLowerCase();
  if (p.includes("self-supervised") || /-pt22k$/.test(n)) return "selfSupervised";
  if (/imagenet-2[12]k|\bin2[12]k\b/.test(p) || /(^|[-_/])(in|pt)?2[12]k([-_]|$)/.test(n)) return "in21k";
  if (p.includes("supervised") || p === "imagenet" || p.includes("imagenet-1k")) return "supervisedIn1k";
  return "otherPretraining";
}

/** Op-label profile of an architecture: log(1 + count) per op kind, L2-normalised. These counts
 * are the node labels archi2vec's Weisfeiler–Lehman hashing starts from (its first iteration). */
function opProfile(ops: Record<string, number>, vocab: readonly string[]): number[] {
  const v = vocab.map((k) => Math.log1p(ops[k] ?? 0));
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

function sqDist(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/**
 * KMeans with a deterministic start: the point nearest the mean, then repeatedly the point
 * farthest from the chosen centres (ties: the earlier point). Lloyd iterations until nothing
 * moves. Returns each point's cluster, clusters numbered by their first point.
 */
export function kmeans(points: readonly (readonly number[])[], k: number, maxIter = 100): number[] {
  const n = points.length;
  if (n === 0) return [];
  k = Math.max(1, Math.min(k, n));
  const dim = points[0].length;
  const mean = new Array<number>(dim).fill(0);
  for (const p of points) for (let i = 0; i < dim; i++) mean[i] += p[i] / n;
  const argBest = (score: (i: number) => number) => {
    let best = 0;
    for (let i = 1; i < n; i++) if (score(i) < score(best)) best = i;
    return best;
  };
  const chosen = [argBest((i) => sqDist(points[i], mean))];
  while (chosen.length < k) chosen.push(argBest((i) => -Math.min(...chosen.map((c) => sqDist(points[i], points[c])))));
  let centres = chosen.map((c) => [...points[c]]);
  let assign = new Array<number>(n).fill(-1);
  for (let it = 0; it < maxIter; it++) {
    const next = points.map((p) => {
      let best = 0;
      for (let j = 1; j < centres.length; j++) if (sqDist(p, centres[j]) < sqDist(p, centres[best])) best = j;
      return best;
    });
    if (next.every((a, i) => a === assign[i])) break;
    assign = next;
    centres = centres.map((c, j) => {
      const members = points.filter((_, i) => assign[i] === j);
      if (!members.length) return c;
      const m = new Array<number>(dim).fill(0);
      for (const p of members) for (let i = 0; i < dim; i++) m[i] += p[i] / members.length;
      return m;
    });
  }
  // Renumber by first appearance so the numbering does not depend on the start.
  const order = new Map<number, number>();
  for (const a of assign) if (!order.has(a)) order.set(a, order.size);
  return assign.map((a) => order.get(a)!);
}

function zScores(values: readonly (number | null)[]): number[] | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length < 2) return null;
  const mu = known.reduce((a, b) => a + b, 0) / known.length;
  const sd = Math.sqrt(known.reduce((a, b) => a + (b - mu) ** 2, 0) / known.length);
  if (!(sd > 1e-12)) return null;
  // Unknown values sit at the zoo's mean.
  return values.map((v) => (v !== null && Number.isFinite(v) ? round((v - mu) / sd, FEATURE_DIGITS) : 0));
}

const log10OrNull = (x: number | null | undefined) => (x != null && Number.isFinite(x) && x > 0 ? Math.log10(x) : null);

/**
 * The model feature table of a zoo: z-scored log params, log FLOPs and log depth (unknown = the
 * zoo's mean), one-hot architecture cluster (KMeans over the op profiles of the zoo's distinct
 * architectures; a model without a graph is in none) and one-hot pre-training kind. Features that
 * are constant over the zoo are left out. Names of cluster features name the architecture
 * nearest the cluster's centre (`arch~tv/resnet50`).
 */
export function modelMetaFeatures(models: readonly MetaModelInput[], clusters = META_CLUSTERS): { features: string[]; rows: number[][] } {
  const cols: { name: string; values: number[] }[] = [];
  const numeric: [string, (m: MetaModelInput) => number | null][] = [
    ["logParams", (m) => log10OrNull(m.params)],
    ["logFlops", (m) => log10OrNull(m.flops)],
    ["logDepth", (m) => log10OrNull(m.archInfo?.depth)],
  ];
  for (const [name, get] of numeric) {
    const z = zScores(models.map(get));
    if (z) cols.push({ name, values: z });
  }

  const archs = [...new Set(models.filter((m) => m.arch && m.archInfo).map((m) => m.arch!))].sort();
  if (archs.length >= 2) {
    const opsOf = new Map(models.filter((m) => m.arch && m.archInfo).map((m) => [m.arch!, m.archInfo!.ops]));
    const vocab = [...new Set(archs.flatMap((a) => Object.keys(opsOf.get(a)!)))].sort();
    const profiles = archs.map((a) => opProfile(opsOf.get(a)!, vocab));
    const assign = kmeans(profiles, clusters);
    const nClusters = Math.max(...assign) + 1;
    for (let j = 0; j < nClusters; j++) {
      const members = archs.map((_, i) => i).filter((i) => assign[i] === j);
      const centre = new Array<number>(vocab.length).fill(0);
      for (const i of members) profiles[i].forEach((x, d) => (centre[d] += x / members.length));
      let rep = members[0];
      for (const i of members) if (sqDist(profiles[i], centre) < sqDist(profiles[rep], centre)) rep = i;
      const inCluster = new Set(members.map((i) => archs[i]));
      cols.push({ name: `arch~${archs[rep]}`, values: models.map((m) => (m.arch && inCluster.has(m.arch) ? 1 : 0)) });
    }
  }

  const kinds = models.map((m) => pretrainingKind(m.pretraining, m.name));
  for (const kind of PRETRAINING_KINDS) cols.push({ name: kind, values: kinds.map((k) => (k === kind ? 1 : 0)) });

  const kept = cols.filter((c) => c.values.some((v) => v !== c.values[0]));
  return { features: kept.map((c) => c.name), rows: models.map((_, m) => kept.map((c) => c.values[m])) };
}

// ---------------------------------------------------------------------------------------------
// Task features

/** Raw task features (log10), NaN where unknown: fewer than 2 classes (an unlabelled folder) or no size. */
export function rawTaskFeatures(task: MetaTaskInput, names: readonly TaskMetaFeature[] = TASK_META_FEATURES): number[] {
  return names.map((name) => {
    if (name === "logClasses") return task.nClasses != null && task.nClasses >= 2 ? Math.log10(task.nClasses) : Number.NaN;
    if (name === "logSize") return task.size != null && task.size >= 1 ? Math.log10(task.size) : Number.NaN;
    throw new Error(`unknown task feature ${name}`);
  });
}

/** A task's standardised features for a fitted model; an unknown feature sits at the mean (0). */
export function metaTaskVector(meta: Pick<MetaModel, "taskFeatures" | "taskMean" | "taskStd">, task: MetaTaskInput): number[] {
  return rawTaskFeatures(task, meta.taskFeatures).map((x, j) => (Number.isNaN(x) ? 0 : (x - meta.taskMean[j]) / meta.taskStd[j]));
}

// ---------------------------------------------------------------------------------------------
// Fit and score

export interface FitMetaOptions {
  /** Task features to use (default: all of TASK_META_FEATURES); [] fits main effects only. */
  taskFeatures?: readonly TaskMetaFeature[];
  lambdas?: readonly number[];
}

/**
 * Ridge fit of z (models × tasks, NaN = missing) on [x̃, x̃·t̃₁, …], x̃ = x − mean(x),
 * t̃ the standardised task features. λ from `lambdas` by leave-one-task-out squared error over the
 * given tasks (ties: the larger λ).
 */
export function fitMetaModel(
  features: readonly string[],
  rows: readonly (readonly number[])[],
  z: readonly (readonly number[])[],
  tasks: readonly MetaTaskInput[],
  opts: FitMetaOptions = {},
): MetaModel {
  const taskFeatures = [...(opts.taskFeatures ?? TASK_META_FEATURES)];
  const lambdas = [...(opts.lambdas ?? META_LAMBDAS)].sort((a, b) => b - a);
  const p = features.length;
  const q = taskFeatures.length;
  const nm = rows.length;
  const center = features.map((_, i) => round(rows.reduce((s, r) => s + r[i], 0) / Math.max(nm, 1), 5));
  const raw = tasks.map((t) => rawTaskFeatures(t, taskFeatures));
  const taskMean: number[] = [];
  const taskStd: number[] = [];
  for (let j = 0; j < q; j++) {
    const known = raw.map((r) => r[j]).filter((x) => !Number.isNaN(x));
    const mu = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
    const sd = known.length ? Math.sqrt(known.reduce((a, b) => a + (b - mu) ** 2, 0) / known.length) : 0;
    taskMean.push(round(mu, STAT_DIGITS));
    taskStd.push(sd > 1e-9 ? round(sd, STAT_DIGITS) : 1);
  }
  const tStd = raw.map((r) => r.map((x, j) => (Number.isNaN(x) ? 0 : (x - taskMean[j]) / taskStd[j])));

  // Per-task Gram matrices, so that every leave-one-task-out fit is a subtraction and a solve.
  const D = p * (1 + q);
  const cells: { a: number[]; y: number }[][] = tasks.map(() => []);
  const G = tasks.map(() => new Array<number>(D * D).fill(0));
  const b = tasks.map(() => new Array<number>(D).fill(0));
  for (let t = 0; t < tasks.length; t++) {
    for (let m = 0; m < nm; m++) {
      const y = z[m][t];
      if (Number.isNaN(y)) continue;
      const x = rows[m].map((v, i) => v - center[i]);
      const a = [...x];
      for (let j = 0; j < q; j++) for (let i = 0; i < p; i++) a.push(x[i] * tStd[t][j]);
      cells[t].push({ a, y });
      const Gt = G[t];
      for (let i = 0; i < D; i++) {
        if (a[i] === 0) continue;
        b[t][i] += a[i] * y;
        for (let k = 0; k < D; k++) Gt[i * D + k] += a[i] * a[k];
      }
    }
  }
  const sumG = new Array<number>(D * D).fill(0);
  const sumB = new Array<number>(D).fill(0);
  for (let t = 0; t < tasks.length; t++) {
    for (let i = 0; i < D * D; i++) sumG[i] += G[t][i];
    for (let i = 0; i < D; i++) sumB[i] += b[t][i];
  }
  const solve = (lambda: number, skip: number) => {
    const A = sumG.map((v, i) => v - (skip >= 0 ? G[skip][i] : 0));
    const rhs = sumB.map((v, i) => v - (skip >= 0 ? b[skip][i] : 0));
    for (let i = 0; i < D; i++) A[i * D + i] += lambda;
    return solveSPD(A, rhs, D);
  };
  let lambda = lambdas[0];
  if (lambdas.length > 1 && tasks.length > 2) {
    let bestErr = Infinity;
    for (const l of lambdas) {
      let err = 0;
      for (let t = 0; t < tasks.length; t++) {
        if (!cells[t].length) continue;
        const w = solve(l, t);
        for (const c of cells[t]) {
          let s = 0;
          for (let i = 0; i < D; i++) s += c.a[i] * w[i];
          err += (s - c.y) ** 2;
        }
      }
      if (bestErr === Infinity || err < bestErr * (1 - 1e-9)) {
        bestErr = err;
        lambda = l;
      }
    }
  }
  const w = solve(lambda, -1).map((x) => round(x, WEIGHT_DIGITS));
  const weights = Array.from({ length: 1 + q }, (_, r) => w.slice(r * p, (r + 1) * p));
  return { features: [...features], center, taskFeatures, taskMean, taskStd, weights, lambda };
}

/** The meta model of a zoo as buildZoo makes it: features from the models, fit on z. */
export function buildMetaModel(
  models: readonly MetaModelInput[],
  z: readonly (readonly number[])[],
  tasks: readonly MetaTaskInput[],
): { meta: MetaModel; rows: number[][] } {
  const { features, rows } = modelMetaFeatures(models);
  return { meta: fitMetaModel(features, rows, z, tasks), rows };
}

/** W₀ + Σ_j t_j W_j: the per-feature coefficients for one task. */
export function metaCoefficients(meta: Pick<MetaModel, "weights">, t: readonly number[]): number[] {
  return meta.weights[0].map((w0, i) => w0 + t.reduce((s, tj, j) => s + tj * meta.weights[j + 1][i], 0));
}

/**
 * The meta-score of every model for a task (standardised features `t`, see metaTaskVector). A model
 * without a feature row (one added to a zoo at run time, e.g. a user's own architecture; bundles
 * always carry rows) scores 0, the zoo's average model, so only its u·v part ranks it.
 */
export function metaScores(models: readonly { meta?: readonly number[] }[], meta: Pick<MetaModel, "weights" | "center">, t: readonly number[]): Float64Array {
  const coef = metaCoefficients(meta, t);
  const out = new Float64Array(models.length);
  for (let m = 0; m < models.length; m++) {
    const x = models[m].meta;
    if (!x) continue;
    let s = 0;
    for (let i = 0; i < coef.length; i++) s += (x[i] - meta.center[i]) * coef[i];
    out[m] = s;
  }
  return out;
}
