/**
 * A predicted result per model in the zoo's own units (accuracy, %), with an 80% interval.
 *
 * A model's score is a predicted standardised result: y ≈ μ + σ·score, with μ and σ the new task's
 * (unknown) mean and spread over models. Before any measured result, μ is the historical tasks'
 * mean level and σ a typical task's spread. (Not the folder's class separability: a 10-class
 * sample of SUN397 separates about as well as one of Flowers, probe 0.91 and 0.85 in
 * data/derived/samples.json, while the whole datasets' mean results are 62% and 96%; a folder
 * says little of how hard the full task is.)
 * After measured results, the fold-in's own fit gives the level and spread (task/observed.ts).
 *
 * The interval is the prediction plus the 10th and 90th percentiles of standardised residuals on
 * held-out tasks, measured by `npm run eval` (leave-one-task-out, through the same pipeline), and
 * shipped per zoo in src/core/zoos.ts (`interval`): before any result, and after one.
 */
import type { Zoo } from "../bundle/schema.ts";
import type { RankedModel } from "../ranking.ts";
import { metricRange, type FoldInResult } from "./observed.ts";

export interface LevelModel {
  /** The historical tasks' mean level (mean of their column means), the metric's units. */
  intercept: number;
  /** A typical task's spread over models (median column std), the metric's units. */
  spread: number;
}

/** Residual percentiles (10th, 90th) in units of the spread, before any result and after one. */
export interface IntervalQuantiles {
  before: [number, number];
  after: [number, number];
}

export interface PredictedValue {
  value: number;
  low: number;
  high: number;
}

export function fitLevel(tasks: readonly { mean: number; std: number }[]): LevelModel {
  const spreads = tasks.map((t) => t.std).sort((a, b) => a - b);
  return { intercept: tasks.reduce((s, t) => s + t.mean, 0) / Math.max(tasks.length, 1), spread: spreads.length ? spreads[spreads.length >> 1] : 1 };
}

const clampTo = (zoo: Pick<Zoo, "metric">) => {
  const r = metricRange(zoo);
  return (x: number) => Math.min(r.max, Math.max(r.min, x));
};

/**
 * Predicted values for a ranking (best first). Without measured results: level + spread·score;
 * with them: the fold-in's prediction (the measured value itself for a measured model, with no
 * interval). Null when the zoo carries no level model or interval (older bundles).
 */
export function predictValues(
  zoo: Pick<Zoo, "metric" | "level" | "interval">,
  ranking: readonly RankedModel[],
  fit: Pick<FoldInResult, "observed" | "predicted" | "s0" | "scale">,
): Map<string, PredictedValue> | null {
  if (!zoo.level || !zoo.interval) return null;
  const clamp = clampTo(zoo);
  const out = new Map<string, PredictedValue>();
  if (fit.observed.length === 0) {
    const level = zoo.level.intercept;
    const s = zoo.level.spread;
    const [lo, hi] = zoo.interval.before;
    for (const r of ranking) {
      const v = level + s * r.score;
      out.set(r.model, { value: clamp(v), low: clamp(v + s * lo), high: clamp(v + s * hi) });
    }
    return out;
  }
  const measured = new Map(fit.observed.map((o) => [o.model, o.value]));
  const s = fit.s0;
  const [lo, hi] = zoo.interval.after;
  for (const r of ranking) {
    const m = measured.get(r.model);
    if (m !== undefined) {
      out.set(r.model, { value: m, low: m, high: m });
      continue;
    }
    const v = fit.predicted.get(r.model);
    if (v === undefined || !Number.isFinite(v)) continue;
    out.set(r.model, { value: clamp(v), low: clamp(v + s * lo), high: clamp(v + s * hi) });
  }
  return out;
}
