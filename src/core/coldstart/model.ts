/**
 * The cold-start regressor: from a model's features (coldStartFeatures) to its vector in a transfer
 * space (k factors + bias), for models that have no transfer records.
 *
 *   1. impute unknowns: ImageNet top-1 by a ridge on the architecture's size (log params, MACs,
 *      depth, input), fitted on every model whose top-1 is known (the training models plus any
 *      auxiliary ones, e.g. the timm zoo); every other unknown by its training-set mean. The
 *      "known" indicators stay in the features.
 *   2. reduce the 256-d archi2vec embedding to a few principal directions of the training
 *      models' distinct embeddings;
 *   3. standardise the features over the training models, soft-clip them to ±clip (so a model far
 *      outside the training range, e.g. a 1B-parameter ViT, does not extrapolate linearly), drop
 *      columns that fewer than minSupport training models move off their common value, and fit
 *      one ridge regression per output dimension (intercept unpenalised);
 *   4. add a kernel-weighted mean of the training models' leave-one-out ridge residuals, the
 *      weights exp((cos − 1)/T) over archi2vec cosine, shrunk by a prior mass w0 (a model unlike
 *      every training graph gets almost no correction).
 *
 * Pure and deterministic; the fitted model is plain JSON.
 */
import { dot, ridge } from "../math/linalg.ts";
import { ARCH_FEATURES, META_FEATURES, type ColdStartFeatures } from "./features.ts";

export interface ColdStartConfig {
  /** Ridge penalty on standardised features. */
  lambda: number;
  /** Principal directions of the archi2vec embedding used as features. */
  components: number;
  /** Standardised features z are soft-clipped to clip·tanh(z/clip), within ±clip. */
  clip: number;
  /** A design column is used only if at least this many training models differ from its most
   * common value (one odd model cannot teach an effect, e.g. Inception's 299-px input). */
  minSupport: number;
  /** Neighbour-residual correction: kernel temperature over cosine, prior mass, overall weight. */
  knn: { temperature: number; priorMass: number; weight: number };
}

export const DEFAULT_CONFIG: ColdStartConfig = {
  lambda: 10,
  components: 3,
  clip: 3,
  minSupport: 3,
  knn: { temperature: 0.05, priorMass: 1, weight: 1 },
};

export interface ColdStartModel {
  version: 1;
  config: ColdStartConfig;
  /** Names of the design columns: META_FEATURES then pc1..pcN. */
  columns: string[];
  /** Training-set mean of each meta feature, used where a value is unknown (NaN). */
  imputeMean: number[];
  /** ImageNet top-1 from the architecture's size (ARCH_FEATURES, standardised). */
  top1Imputer: { mean: number[]; std: number[]; weights: number[]; intercept: number; n: number };
  /** Embedding mean and principal directions (rows). */
  pca: { mean: number[]; axes: number[][] };
  /** Standardisation of the design columns; std 0 marks a constant (unused) column. */
  scale: { mean: number[]; std: number[] };
  /** Per output dimension: intercept and weights over the design columns. */
  intercept: number[];
  weights: number[][];
  /** Training models for the neighbour correction: id, embedding, leave-one-out ridge residual. */
  neighbours: { id: string; embedding: number[]; residual: number[] }[];
}

export interface FitInput {
  features: readonly ColdStartFeatures[];
  /** One target vector per training model (its vector in the transfer space). */
  targets: readonly number[][];
  ids?: readonly string[];
  /** More models whose ImageNet top-1 is known, used only by the top-1 imputer. */
  aux?: readonly ColdStartFeatures[];
  config?: Partial<ColdStartConfig>;
}

const idx = (f: string) => META_FEATURES.indexOf(f as (typeof META_FEATURES)[number]);
const TOP1 = idx("top1");
const ARCH_IDX = ARCH_FEATURES.map(idx);

function colMeanStd(rows: readonly number[][], j: number): { mean: number; std: number } {
  const xs = rows.map((r) => r[j]).filter((x) => Number.isFinite(x));
  if (!xs.length) return { mean: 0, std: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, std: std < 1e-9 ? 0 : std };
}

/** How many rows differ from the column's most common value (to 1e-9). */
function support(rows: readonly number[][], j: number): number {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = r[j].toFixed(9);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return rows.length - Math.max(...counts.values());
}

/** Ridge with an unpenalised intercept, on already-standardised columns. */
function ridgeWithIntercept(X: readonly number[][], y: readonly number[], lambda: number): { intercept: number; weights: number[] } {
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  const mx = X[0].map((_, j) => X.reduce((s, r) => s + r[j], 0) / X.length);
  const Xc = X.map((r) => r.map((x, j) => x - mx[j]));
  const w = ridge(Xc, y.map((v) => v - my), lambda);
  return { intercept: my - dot(w, mx), weights: w };
}

/** Leading principal directions of a few vectors, via the Gram matrix and power iteration. */
function principalAxes(vectors: readonly number[][], count: number): { mean: number[]; axes: number[][] } {
  const d = vectors[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const v of vectors) for (let i = 0; i < d; i++) mean[i] += v[i] / vectors.length;
  const X = vectors.map((v) => v.map((x, i) => x - mean[i]));
  const n = X.length;
  const G = X.map((a) => X.map((b) => dot(a, b)));
  const axes: number[][] = [];
  const found: number[][] = [];
  for (let c = 0; c < Math.min(count, n - 1); c++) {
    let a = Array.from({ length: n }, (_, i) => 1 + i / n);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      let w = G.map((row) => dot(row, a));
      for (const prev of found) {
        const p = dot(w, prev);
        w = w.map((x, i) => x - p * prev[i]);
      }
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      lambda = norm;
      a = w.map((x) => x / norm);
    }
    if (lambda < 1e-9) break;
    found.push(a);
    const axis = new Array<number>(d).fill(0);
    a.forEach((ai, r) => X[r].forEach((x, i) => (axis[i] += ai * x)));
    const norm = Math.hypot(...axis) || 1;
    // Sign convention: the largest-magnitude entry is positive, so refits agree.
    let big = 0;
    for (let i = 1; i < d; i++) if (Math.abs(axis[i]) > Math.abs(axis[big])) big = i;
    const s = axis[big] < 0 ? -1 : 1;
    axes.push(axis.map((x) => (s * x) / norm));
  }
  return { mean, axes };
}

function distinct(vectors: readonly number[][]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const v of vectors) {
    const key = v.map((x) => x.toFixed(6)).join(",");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

function imputeTop1(model: Pick<ColdStartModel, "top1Imputer" | "imputeMean">, meta: readonly number[]): number {
  const t = model.top1Imputer;
  let y = t.intercept;
  ARCH_IDX.forEach((j, k) => {
    const x = Number.isFinite(meta[j]) ? meta[j] : model.imputeMean[j];
    if (t.std[k] > 0) y += t.weights[k] * ((x - t.mean[k]) / t.std[k]);
  });
  return y;
}

/** Meta features with every unknown filled in (top-1 from the architecture, the rest by mean). */
export function completeMeta(model: Pick<ColdStartModel, "top1Imputer" | "imputeMean">, meta: readonly number[]): number[] {
  return meta.map((x, j) => (Number.isFinite(x) ? x : j === TOP1 ? imputeTop1(model, meta) : model.imputeMean[j]));
}

function designRow(model: Pick<ColdStartModel, "top1Imputer" | "imputeMean" | "pca">, f: ColdStartFeatures): number[] {
  const pcs = model.pca.axes.map((axis) => {
    let s = 0;
    for (let i = 0; i < axis.length; i++) s += axis[i] * (f.embedding[i] - model.pca.mean[i]);
    return s;
  });
  return [...completeMeta(model, f.meta), ...pcs];
}

function scaleRow(model: Pick<ColdStartModel, "scale" | "config">, row: readonly number[]): number[] {
  const c = model.config.clip;
  // Soft clipping, c·tanh(z/c): bounded like a hard clip, but order-preserving, so the largest
  // models do not all tie at the bound.
  return row.map((x, j) => (model.scale.std[j] > 0 ? c * Math.tanh((x - model.scale.mean[j]) / model.scale.std[j] / c) : 0));
}

function ridgePredict(intercept: readonly number[], weights: readonly number[][], z: readonly number[]): number[] {
  return intercept.map((b, o) => b + dot(weights[o], z));
}

/** Fits the regressor. Deterministic: the same inputs give the same model. */
export function fitColdStart(input: FitInput): ColdStartModel {
  const config: ColdStartConfig = { ...DEFAULT_CONFIG, ...input.config, knn: { ...DEFAULT_CONFIG.knn, ...input.config?.knn } };
  const { features, targets } = input;
  const n = features.length;
  if (n < 3 || targets.length !== n) throw new Error(`fitColdStart: need ≥3 training models with one target each (got ${n}, ${targets.length})`);
  const ids = input.ids ?? features.map((_, i) => `model${i}`);
  const metas = features.map((f) => f.meta);

  const imputeMean = META_FEATURES.map((_, j) => colMeanStd(metas, j).mean);
  // The top-1 imputer learns from every row with a known top-1 and a known architecture size.
  const top1Rows = [...features, ...(input.aux ?? [])]
    .map((f) => f.meta)
    .filter((m) => Number.isFinite(m[TOP1]) && ARCH_IDX.every((j) => Number.isFinite(m[j])));
  let top1Imputer: ColdStartModel["top1Imputer"];
  if (top1Rows.length >= 5) {
    const A = top1Rows.map((m) => ARCH_IDX.map((j) => m[j]));
    const st = ARCH_IDX.map((_, k) => colMeanStd(A, k));
    const Z = A.map((r) => r.map((x, k) => (st[k].std > 0 ? (x - st[k].mean) / st[k].std : 0)));
    const fit = ridgeWithIntercept(Z, top1Rows.map((m) => m[TOP1]), 1);
    top1Imputer = { mean: st.map((s) => s.mean), std: st.map((s) => s.std), weights: fit.weights, intercept: fit.intercept, n: top1Rows.length };
  } else {
    top1Imputer = { mean: ARCH_IDX.map(() => 0), std: ARCH_IDX.map(() => 0), weights: ARCH_IDX.map(() => 0), intercept: imputeMean[TOP1], n: top1Rows.length };
  }

  const pca = principalAxes(distinct(features.map((f) => f.embedding)), config.components);
  const columns = [...META_FEATURES, ...pca.axes.map((_, i) => `pc${i + 1}`)];
  const partial = { config, imputeMean, top1Imputer, pca };
  const rows = features.map((f) => designRow(partial, f));
  const st = columns.map((_, j) => (support(rows, j) >= config.minSupport ? colMeanStd(rows, j) : { mean: 0, std: 0 }));
  const scale = { mean: st.map((s) => s.mean), std: st.map((s) => s.std) };
  const Z = rows.map((r) => scaleRow({ scale, config }, r));
  const dims = targets[0].length;
  const fitAll = (keep: (i: number) => boolean) => {
    const Zk = Z.filter((_, i) => keep(i));
    const fits = Array.from({ length: dims }, (_, o) => ridgeWithIntercept(Zk, targets.filter((_, i) => keep(i)).map((t) => t[o]), config.lambda));
    return { intercept: fits.map((f) => f.intercept), weights: fits.map((f) => f.weights) };
  };
  const full = fitAll(() => true);
  // Leave-one-out residuals: what the ridge misses for a model it has not seen.
  const neighbours = features.map((f, i) => {
    const loo = fitAll((j) => j !== i);
    const pred = ridgePredict(loo.intercept, loo.weights, Z[i]);
    return { id: ids[i], embedding: f.embedding.slice(), residual: targets[i].map((t, o) => t - pred[o]) };
  });
  return { version: 1, config, columns, imputeMean, top1Imputer, pca, scale, intercept: full.intercept, weights: full.weights, neighbours };
}

/** The kernel weights of the training models for one embedding (before the prior mass). */
function kernel(model: ColdStartModel, embedding: readonly number[]): number[] {
  const T = model.config.knn.temperature;
  return model.neighbours.map((nb) => Math.exp((dot(nb.embedding, embedding) - 1) / T));
}

/** Predicted vector (k factors + bias) of a model from its cold-start features. */
export function predictVector(model: ColdStartModel, features: ColdStartFeatures): number[] {
  const z = scaleRow(model, designRow(model, features));
  const u = ridgePredict(model.intercept, model.weights, z);
  const { priorMass, weight } = model.config.knn;
  if (weight > 0 && model.neighbours.length) {
    const w = kernel(model, features.embedding);
    const total = w.reduce((s, x) => s + x, 0) + priorMass;
    for (let o = 0; o < u.length; o++) {
      let c = 0;
      model.neighbours.forEach((nb, j) => (c += w[j] * nb.residual[o]));
      u[o] += (weight * c) / total;
    }
  }
  return u;
}

/** The imputed ImageNet top-1 the model would use for these features (for display/diagnostics). */
export function imputedTop1(model: ColdStartModel, features: ColdStartFeatures): number {
  return completeMeta(model, features.meta)[TOP1];
}
