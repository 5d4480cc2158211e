import type { Zoo } from "../bundle/schema.ts";
import { solveSPD } from "../math/linalg.ts";
import { orderByScore, scoreModels, type Ranking } from "../ranking.ts";

/**
 * Folding a user's own measured fine-tuning results on the new task into its ranking.
 *
 * The transfer space says y_m ≈ mean + std·s_m with s_m = (1 − w)·u_m·v + w·meta_m (rankZoo's
 * score). For a new task mean and std are unknown, so the fit is, in units of the zoo's typical
 * task spread s0:
 *   y_m / s0 ≈ a + (1 − w)·u_m·θ + b·w·meta_m,    θ = b·v,
 * minimising the squared misfit + λ·(θ − b·v0)ᵀ Σ⁻¹ (θ − b·v0) + λ·(b − 1)².
 * a (level) is free, b (spread) is pulled towards a typical task's, v towards the placement v0
 * with Σ the historical tasks' spread around v0: the prior knows which directions tasks really
 * vary in. θ = b·v keeps the problem a linear least squares. With one observation the misfit is
 * zero at θ = v0, b = 1, so only the level moves and the order is v0's; two or more re-rank.
 */

export interface Observation {
  model: string;
  /** In the zoo's metric, as its records are (classic: %, hub: accuracy 0–1). */
  value: number;
}

/** Fold-in settings per zoo, as the leave-one-task-out fold-in evaluation over all of a zoo's
 * held-out tasks picks them (docs/FOLDIN.md): λ and the try-first pool (a share of the zoo).
 * timm has no held-out records of its own; it lives in the classic space and takes its settings. */
export interface FoldInSettings {
  strength: number;
  pool: number;
}
export const FOLD_IN_SETTINGS: Record<string, FoldInSettings> = {
  classic: { strength: 0.1, pool: 0.25 },
  hub: { strength: 10, pool: 0.1 },
  timm: { strength: 0.1, pool: 0.25 },
};
export const DEFAULT_SETTINGS: FoldInSettings = { strength: 1, pool: 0.25 };
/** The candidates the evaluation chooses from. */
export const STRENGTHS = [0.03, 0.1, 0.3, 1, 3, 10] as const;
export const POOLS = [0.1, 0.25, 0.4] as const;

/** Below this spread (relative to a typical task's) the fit is refused a near-zero or negative
 * scale: a task on which every model scores alike in reverse is not what two numbers show. */
const MIN_SCALE = 0.1;
/** Keeps Σ invertible along directions no historical task varies in (the bias component). */
const SIGMA_FLOOR = 0.02;

export function settingsFor(zooId: string): FoldInSettings {
  return FOLD_IN_SETTINGS[zooId] ?? DEFAULT_SETTINGS;
}

/** The metric's valid range, read from the zoo's metric label: percentages or fractions. */
export function metricRange(zoo: Pick<Zoo, "metric">): { min: number; max: number; percent: boolean } {
  const percent = zoo.metric.includes("%");
  return { min: 0, max: percent ? 100 : 1, percent };
}

export class ObservationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObservationError";
  }
}

/**
 * An entered result in the zoo's units. A zoo that records accuracy as 0–1 also takes a
 * percentage ("87" or "87%" is read as 0.87, and `note` says so); a "%" sign in a percent zoo is
 * dropped. NaN when it is not a number.
 */
export function observationValue(zoo: Pick<Zoo, "metric">, value: unknown): { value: number; note: string | null } {
  const r = metricRange(zoo);
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  const pct = text.endsWith("%");
  const n = text === "" ? Number.NaN : Number(pct ? text.slice(0, -1).trim() : text);
  if (!r.percent && Number.isFinite(n) && (pct || (n > 1 && n <= 100))) return { value: n / 100, note: `${text} read as ${n}%, i.e. ${n / 100} in this zoo's 0–1 accuracy` };
  return { value: n, note: null };
}

/** One problem with one entered result, in words a person can act on; null when it is fine. */
export function checkObservation(zoo: Pick<Zoo, "metric" | "models">, model: string, value: unknown): string | null {
  if (!zoo.models.some((m) => m.id === model)) return `"${model}" is not a model of this zoo`;
  const r = metricRange(zoo);
  const unit = r.percent ? "a percentage" : "an accuracy between 0 and 1, or a percentage";
  const n = observationValue(zoo, value).value;
  if (!Number.isFinite(n)) return `the result for ${model} must be a number (${unit}), got "${String(value)}"`;
  if (n < r.min || n > r.max) return `the result for ${model} must be between ${r.min} and ${r.max}${r.percent ? "" : " (or 0–100%)"} (${unit}), got ${String(value)}`;
  return null;
}

/** Validates a whole list; throws ObservationError naming every bad entry. Later entries for the
 * same model replace earlier ones (a re-measured result). */
export function validateObservations(zoo: Pick<Zoo, "metric" | "models">, obs: readonly { model: string; value: unknown }[]): Observation[] {
  const problems = obs.map((o) => checkObservation(zoo, o.model, o.value)).filter((p): p is string => p !== null);
  if (problems.length) throw new ObservationError(problems.join("; "));
  const byModel = new Map<string, number>();
  for (const o of obs) byModel.set(o.model, observationValue(zoo, o.value).value);
  return [...byModel].map(([model, value]) => ({ model, value }));
}

/** A typical task's spread in the metric (median column std): the unit the fit works in. */
export function typicalSpread(zoo: Pick<Zoo, "tasks">): number {
  const s = zoo.tasks.map((t) => t.std).filter((x) => x > 0).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 1;
}

/** Σ⁻¹: inverse of the historical task vectors' second moment around v0, floored. */
function priorPrecision(zoo: Pick<Zoo, "tasks">, v0: readonly number[]): number[] {
  const d = v0.length;
  const S = new Array<number>(d * d).fill(0);
  for (const t of zoo.tasks)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] += ((t.vector[i] - v0[i]) * (t.vector[j] - v0[j])) / zoo.tasks.length;
  let tr = 0;
  for (let i = 0; i < d; i++) tr += S[i * d + i];
  const floor = SIGMA_FLOOR * Math.max(tr / d, 1e-6);
  for (let i = 0; i < d; i++) S[i * d + i] += floor;
  const inv: number[] = new Array<number>(d * d).fill(0);
  for (let j = 0; j < d; j++) {
    const e = new Array<number>(d).fill(0);
    e[j] = 1;
    const col = solveSPD([...S], e, d);
    for (let i = 0; i < d; i++) inv[i * d + j] = col[i];
  }
  return inv;
}

/** What the fit needs, computed once per zoo and placement; shared with tryFirst. */
export interface FoldInSpace {
  ids: string[];
  index: Map<string, number>;
  /** Per model: [1, (1 − w)·u_m, w·meta_m], the design row of the fit. */
  rows: number[][];
  v0: number[];
  w: number;
  meta: Float64Array | null;
  s0: number;
  /** λ·(penalty matrix) over q = [θ, b] (d + 1)², and its right-hand side. */
  penalty: number[];
  penaltyRhs: number[];
  strength: number;
}

export function foldInSpace(zoo: Pick<Zoo, "models" | "tasks">, base: Ranking, strength: number): FoldInSpace {
  const v0 = base.placement.vector;
  const d = v0.length;
  const w = base.meta?.weight ?? 0;
  const meta = base.meta?.scores ?? null;
  const rows = zoo.models.map((m, i) => [1, ...m.vector.map((x) => (1 - w) * x), w * (meta ? meta[i] : 0)]);
  const P = priorPrecision(zoo, v0);
  // Penalty λ·(Dq)ᵀ P (Dq) with D = [I | −v0], plus λ·(b − 1)².
  const n = d + 1;
  const D = Array.from({ length: d }, (_, i) => Array.from({ length: n }, (_, j) => (j === i ? 1 : j === d ? -v0[i] : 0)));
  const pen = new Array<number>(n * n).fill(0);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += D[i][r] * P[i * d + j] * D[j][c];
      pen[r * n + c] = strength * s;
    }
  pen[d * n + d] += strength;
  const rhs = new Array<number>(n).fill(0);
  rhs[d] = strength;
  return { ids: zoo.models.map((m) => m.id), index: new Map(zoo.models.map((m, i) => [m.id, i])), rows, v0, w, meta, s0: typicalSpread(zoo), penalty: pen, penaltyRhs: rhs, strength };
}

export interface FoldInResult {
  /** The re-scored ranking: placement.vector is the refitted v; observed models sit at the score
   * their measured value maps to, the rest at (1 − w)·u·v + w·meta. */
  result: Ranking;
  observed: Observation[];
  /** Fitted level and spread: predicted value = s0·(level + scale·score). */
  level: number;
  scale: number;
  s0: number;
  /** Predicted value in the metric for every model (measured value for observed ones). */
  predicted: Map<string, number>;
}

function solveFit(sp: FoldInSpace, obs: readonly Observation[], fixedScale: number | null): { a: number; theta: number[]; b: number } {
  const d = sp.v0.length;
  const n = d + 2; // a, θ (d), b
  const A = new Array<number>(n * n).fill(0);
  const c = new Array<number>(n).fill(0);
  for (const o of obs) {
    const x = sp.rows[sp.index.get(o.model)!];
    const y = o.value / sp.s0;
    for (let i = 0; i < n; i++) {
      c[i] += x[i] * y;
      for (let j = 0; j < n; j++) A[i * n + j] += x[i] * x[j];
    }
  }
  for (let i = 0; i <= d; i++) {
    c[1 + i] += sp.penaltyRhs[i];
    for (let j = 0; j <= d; j++) A[(1 + i) * n + 1 + j] += sp.penalty[i * (d + 1) + j];
  }
  A[0] += 1e-9; // the level is free; this only keeps the solve defined
  if (fixedScale !== null) {
    // Pin b: move its column to the right-hand side and replace its equation by b = fixedScale.
    for (let i = 0; i < n; i++) {
      if (i === n - 1) continue;
      c[i] -= A[i * n + n - 1] * fixedScale;
      A[i * n + n - 1] = 0;
      A[(n - 1) * n + i] = 0;
    }
    A[(n - 1) * n + n - 1] = 1;
    c[n - 1] = fixedScale;
  }
  const p = solveSPD(A, c, n);
  return { a: p[0], theta: p.slice(1, 1 + d), b: p[n - 1] };
}

/**
 * Refits the task from the observations. `base` is rankZoo's ranking of the zoo's own models
 * (a user's dropped models are added afterwards with withExtraModels, on the refitted vector).
 * No observation: the base ranking, unchanged. Observations should have been validated
 * (validateObservations); unknown models and non-finite values are ignored here.
 */
export function foldIn(sp: FoldInSpace, base: Ranking, observations: readonly Observation[]): FoldInResult {
  const obs = observations.filter((o) => sp.index.has(o.model) && Number.isFinite(o.value));
  if (obs.length === 0) {
    const predicted = new Map(sp.ids.map((id) => [id, Number.NaN]));
    return { result: base, observed: [], level: Number.NaN, scale: Number.NaN, s0: sp.s0, predicted };
  }
  let fit = solveFit(sp, obs, null);
  if (!(fit.b >= MIN_SCALE)) fit = solveFit(sp, obs, MIN_SCALE);
  const { a, theta, b } = fit;
  const v = theta.map((x) => x / b);
  const rowsU = sp.rows.map((r) => ({ vector: r.slice(1, 1 + v.length) }));
  const transfer = scoreModels(rowsU, v);
  const measured = new Map(obs.map((o) => [o.model, o.value]));
  const scores = sp.ids.map((id, m) => {
    const y = measured.get(id);
    if (y !== undefined) return (y / sp.s0 - a) / b;
    return transfer[m] + (sp.meta ? sp.w * sp.meta[m] : 0);
  });
  const predicted = new Map(sp.ids.map((id, m) => [id, measured.get(id) ?? sp.s0 * (a + b * scores[m])]));
  return {
    result: { ...base, placement: { ...base.placement, vector: v }, ranking: orderByScore(sp.ids, scores) },
    observed: obs,
    level: a,
    scale: b,
    s0: sp.s0,
    predicted,
  };
}

/** Convenience: the fold-in of a zoo's ranking with the zoo's chosen strength. */
export function foldInZoo(zoo: Zoo, base: Ranking, observations: readonly Observation[], strength = settingsFor(zoo.zoo).strength): FoldInResult {
  return foldIn(foldInSpace(zoo, base, strength), base, observations);
}
