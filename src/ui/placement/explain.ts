import type { Zoo } from "../../core/bundle/schema.ts";
import { rankZoo, type Ranking } from "../../core/ranking.ts";
import type { TaskDescriptor } from "../../core/task/descriptor.ts";
import type { PlacementFeature } from "../../core/task/placement.ts";

/**
 * What the placement panel shows, computed from the core's PlacementExplanation and the zoo: in
 * the units a person reads (pixels, shares, counts), each beside the historical tasks' range.
 * Pure, so the numbers can be checked without rendering.
 */

export interface FeatureRow {
  name: PlacementFeature;
  label: string;
  /** What the value says, e.g. "higher: more ImageNet-like". */
  hint: string;
  /** This task's value in display units; null where the descriptor lacks it (counted as average). */
  value: number | null;
  /** Historical tasks' values in display units, by task. */
  history: { task: string; value: number }[];
  z: number;
  /** ridge: length of this feature's part of the shift (before the gate); kernel: null. */
  push: number | null;
  format: (v: number) => string;
}

export interface NeighbourRow {
  task: string;
  /** Softmax weight over descriptor distance (kernel: the weight its correction got). */
  weight: number;
  distance: number;
  /** Cosine of the images' mean embedding with that task's sample, when it has one. */
  cosine: number | null;
}

export interface PlacementView {
  kind: "ridge" | "kernel";
  features: FeatureRow[];
  neighbours: NeighbourRow[];
  nearest: number;
  reach: number;
  gate: number;
  /** ‖task vector − prior vector‖, and the historical tasks' own distances from the prior. */
  shift: number;
  historicalShift: { median: number; max: number };
  /** Top-10 agreement with the ranking the prior vector gives (same meta-score). */
  topN: number;
  sharedTop: number;
  entered: string[];
}

const px = (v: number) => `${Math.round(v)} px`;
const share = (v: number) => `${Math.round(v * 100)}%`;
const fixed = (d: number) => (v: number) => v.toFixed(d);
const count = (v: number) => `${Math.round(v).toLocaleString("en")}`;

/** Display name, hint and unit of each feature; `show` turns the model's raw feature into the unit. */
export const FEATURE_INFO: Record<PlacementFeature, { label: string; hint: string; show: (raw: number) => number; format: (v: number) => string }> = {
  top1: { label: "ImageNet-likeness: proxy's mean top-1 probability", hint: "higher: looks more like ImageNet", show: (v) => v, format: fixed(2) },
  entropy: { label: "ImageNet-likeness: proxy's mean entropy", hint: "lower: looks more like ImageNet", show: (v) => v, format: fixed(2) },
  logShorter: { label: "Resolution: median stored shorter side", hint: "before any resize", show: (v) => 2 ** v, format: px },
  grey: { label: "Grey images", hint: "share of the sample", show: (v) => v, format: share },
  probe: { label: "Class separability in proxy space", hint: "1: classes fully separable; low: a hard task", show: (v) => v, format: fixed(2) },
  logClasses: { label: "Classes", hint: "folders of the dataset", show: (v) => Math.exp(v), format: count },
  logSize: { label: "Folder size", hint: "usable images", show: (v) => Math.exp(v), format: count },
};

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** `base`: the pipeline's ranking of the task (src/core/pipeline.ts), so the panel explains the
 * ranking the table shows rather than a ranking of its own. */
export function placementView(zoo: Zoo, desc: TaskDescriptor, base: Ranking, topN = 10): PlacementView | null {
  const model = zoo.placement;
  const ex = base.placement.explanation;
  if (!model || !ex) return null;
  const { vector, priorVector } = base.placement;
  const features: FeatureRow[] = ex.features.map((f, j) => {
    const info = FEATURE_INFO[f.name];
    const part = ex.parts.find((p) => p.name === f.name);
    return {
      name: f.name,
      label: info.label,
      hint: info.hint,
      value: Number.isFinite(f.value) ? info.show(f.value) : null,
      history: model.train.map((t) => ({ task: t.task, value: info.show(model.mean[j] + model.std[j] * t.x[j]) })),
      z: f.z,
      push: part ? norm(part.delta) : null,
      format: info.format,
    };
  });
  const imageTaskOf = new Map(zoo.tasks.map((t) => [t.id, t.imageTask]));
  const neighbours = ex.neighbours.map((n) => {
    const key = imageTaskOf.get(n.task);
    const c = key ? desc.sims[key] : undefined;
    return { task: n.task, weight: n.weight, distance: n.distance, cosine: c ?? null };
  });
  const shifts = zoo.tasks.map((t) => norm(t.vector.map((v, i) => v - priorVector[i]))).sort((a, b) => a - b);
  const priorRanking = rankZoo(zoo, desc, { ...base.placement, vector: priorVector }).ranking;
  const top = base.ranking.slice(0, topN).map((r) => r.model);
  const priorTop = new Set(priorRanking.slice(0, topN).map((r) => r.model));
  return {
    kind: model.kind,
    features,
    neighbours,
    nearest: ex.nearest,
    reach: model.reach,
    gate: ex.gate,
    shift: norm(vector.map((v, i) => v - priorVector[i])),
    historicalShift: { median: shifts[shifts.length >> 1], max: shifts[shifts.length - 1] },
    topN: Math.min(topN, top.length),
    sharedTop: top.filter((m) => priorTop.has(m)).length,
    entered: top.filter((m) => !priorTop.has(m)),
  };
}

export { percent } from "../../core/task/story.ts";
