import { ridge } from "../math/linalg.ts";
import type { DomainStats } from "./imageStats.ts";

/**
 * The placement model: from a task's descriptor (what one proxy pass over its images says) to a
 * correction of the zoo's prior task vector, fitted at bundle build on the image-backed historical
 * tasks. Two kinds, both shrinking towards the prior:
 *
 *  - `ridge`: Δv = W·x̃ with x̃ the standardised features and no intercept, so a task with
 *    average features gets exactly the prior; the ridge λ is the learned shrinkage.
 *  - `kernel`: Δv = α·Σ_t w_t Δv_t with w = softmax(−‖x̃ − x̃_t‖² / h): a mix of the historical
 *    tasks' own corrections, weighted by how close their descriptors are; α is the shrinkage.
 *
 * Both are then gated by distance: a task farther from every historical one (in standardised
 * feature space) than the historical tasks are from each other falls back towards the prior.
 * Which kind, which features and which λ/α/h are chosen by nested leave-one-task-out
 * (src/core/eval/placement.ts), never on the task being scored.
 */
export const PLACEMENT_FEATURES = ["top1", "entropy", "logShorter", "grey", "probe", "logClasses", "logSize"] as const;
export type PlacementFeature = (typeof PLACEMENT_FEATURES)[number];
/** What the images say, without the counts. The counts of a folder are not the dataset's (a
 * 120-image sample of EuroSAT is not a 120-image task), so they reach the ranking only through
 * the meta-score, with the folder-count rule of `taskCounts` (src/core/task/counts.ts). */
export const IMAGE_FEATURES: PlacementFeature[] = ["top1", "entropy", "logShorter", "grey", "probe"];

/** What the placement model reads of a task. */
export interface PlacementInput {
  domain?: DomainStats;
  /** Class separability (src/core/task/separability.ts); null/absent when unlabelled. */
  probe?: number | null;
  nClasses: number;
  size: number;
}

/** Raw feature values; NaN where the descriptor does not have it (then imputed as average). */
export function rawPlacementFeatures(t: PlacementInput, names: readonly PlacementFeature[]): number[] {
  return names.map((n) => {
    switch (n) {
      case "top1":
        return t.domain?.top1 ?? NaN;
      case "entropy":
        return t.domain?.entropy ?? NaN;
      case "logShorter":
        return t.domain ? Math.log2(Math.max(t.domain.shorter, 1)) : NaN;
      case "grey":
        return t.domain?.grey ?? NaN;
      case "probe":
        return t.probe ?? NaN;
      case "logClasses":
        return t.nClasses > 0 ? Math.log(t.nClasses) : NaN;
      case "logSize":
        return t.size > 0 ? Math.log(t.size) : NaN;
    }
  });
}

export type PlacementKind = "ridge" | "kernel";

export interface PlacementSettings {
  kind: PlacementKind;
  features: PlacementFeature[];
  /** ridge: λ; kernel: α (0..1). */
  strength: number;
  /** kernel bandwidth h (ignored by ridge). */
  bandwidth: number;
}

export interface PlacementModel extends PlacementSettings {
  features: PlacementFeature[];
  mean: number[];
  std: number[];
  /** ridge: one row of weights per task-vector dimension (d × p). */
  weights: number[][];
  /** The historical tasks it was fitted on: standardised features and their correction Δv. */
  train: { task: string; x: number[]; delta: number[] }[];
  /** Distance beyond which the correction fades out (largest nearest-neighbour distance of the
   * training tasks among themselves). */
  reach: number;
}

export interface TrainingTask {
  task: string;
  /** What the pipeline makes of samples of the task: its whole stored folder and sub-samples of
   * it, so the fit sees how much a descriptor moves from one sample of a task to another. */
  inputs: readonly PlacementInput[];
  /** The task's vector in the zoo's space. */
  vector: readonly number[];
}

const dist2 = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

/**
 * Every sample of every task is a row; each task weighs the same in the ridge fit, however many
 * samples it has. The kernel and the distance gate read one point per task: the mean of its
 * samples' standardised features.
 */
export function fitPlacement(tasks: readonly TrainingTask[], priorVector: readonly number[], s: PlacementSettings): PlacementModel {
  if (tasks.length < 2) throw new Error("fitPlacement: needs at least two historical tasks");
  if (tasks.some((t) => t.inputs.length === 0)) throw new Error("fitPlacement: a training task has no sample");
  const p = s.features.length;
  const raw = tasks.map((t) => t.inputs.map((i) => rawPlacementFeatures(i, s.features)));
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < p; j++) {
    const col = raw.flat().map((r) => r[j]).filter(Number.isFinite);
    const m = col.length ? col.reduce((a, b) => a + b, 0) / col.length : 0;
    const sd = col.length ? Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length) : 0;
    mean.push(m);
    std.push(sd > 1e-9 ? sd : 1);
  }
  const X = raw.map((rows) => rows.map((r) => standardise(r, mean, std)));
  const centre = X.map((rows) => rows[0].map((_, j) => rows.reduce((a, r) => a + r[j], 0) / rows.length));
  const deltas = tasks.map((t) => t.vector.map((v, i) => v - priorVector[i]));
  // Each row weighted 1/√(samples of its task) by scaling the row and its target alike.
  const rowsX = X.flatMap((rows) => rows.map((r) => r.map((x) => x / Math.sqrt(rows.length))));
  const rowsY = (i: number) => X.flatMap((rows, t) => rows.map(() => deltas[t][i] / Math.sqrt(rows.length)));
  const weights = s.kind === "ridge" && p > 0 ? priorVector.map((_, i) => ridge(rowsX, rowsY(i), s.strength)) : [];
  const nn = centre.map((x, i) => Math.sqrt(Math.min(...centre.filter((_, j) => j !== i).map((y) => dist2(x, y)))));
  return {
    ...s,
    features: [...s.features],
    mean,
    std,
    weights,
    train: tasks.map((t, i) => ({ task: t.task, x: centre[i], delta: deltas[i] })),
    reach: Math.max(...nn, 1e-6),
  };
}

function standardise(raw: readonly number[], mean: readonly number[], std: readonly number[]): number[] {
  // A missing feature (an unlabelled folder has no class count or separability) counts as average.
  return raw.map((x, j) => (Number.isFinite(x) ? (x - mean[j]) / std[j] : 0));
}

export interface PlacementExplanation {
  /** Standardised feature values of the new task (0 = the historical average). */
  features: { name: PlacementFeature; value: number; z: number }[];
  /** Historical tasks by closeness of their descriptors (softmax over −distance², sums to 1);
   * for the kernel kind these are the weights it mixed with. */
  neighbours: { task: string; weight: number; distance: number }[];
  /** Distance to the nearest historical task and the fade-out factor it gave (1 = full). */
  nearest: number;
  gate: number;
  /** ridge: each feature's part of Δv (d-vectors, summing to Δv before the gate). */
  parts: { name: PlacementFeature; delta: number[] }[];
}

export function predictPlacement(model: PlacementModel, t: PlacementInput, priorVector: readonly number[]): { vector: number[]; explanation: PlacementExplanation } {
  const raw = rawPlacementFeatures(t, model.features);
  const x = standardise(raw, model.mean, model.std);
  const d2 = model.train.map((tr) => dist2(x, tr.x));
  const nearest = Math.sqrt(Math.min(...d2));
  const gate = nearest <= model.reach ? 1 : Math.exp(-((nearest - model.reach) ** 2) / (2 * model.reach ** 2));
  const h = model.kind === "kernel" ? model.bandwidth : Math.max(1, model.features.length);
  const lo = Math.min(...d2);
  const ex = d2.map((d) => Math.exp(-(d - lo) / h));
  const tot = ex.reduce((a, b) => a + b, 0);
  const neighbours = model.train
    .map((tr, i) => ({ task: tr.task, weight: ex[i] / tot, distance: Math.sqrt(d2[i]) }))
    .sort((a, b) => b.weight - a.weight);
  const dim = priorVector.length;
  let parts: PlacementExplanation["parts"] = [];
  let delta = new Array<number>(dim).fill(0);
  if (model.kind === "ridge") {
    parts = model.features.map((name, j) => ({ name, delta: model.weights.map((w) => w[j] * x[j]) }));
    for (const part of parts) for (let i = 0; i < dim; i++) delta[i] += part.delta[i];
  } else {
    model.train.forEach((tr, k) => {
      for (let i = 0; i < dim; i++) delta[i] += model.strength * (ex[k] / tot) * tr.delta[i];
    });
  }
  delta = delta.map((v) => v * gate);
  return {
    vector: priorVector.map((p, i) => p + delta[i]),
    explanation: {
      features: model.features.map((name, j) => ({ name, value: raw[j], z: x[j] })),
      neighbours,
      nearest,
      gate,
      parts,
    },
  };
}
