/**
 * Ranking-quality metrics for model recommendation: weighted Kendall τ (as scipy.stats.weightedtau
 * computes it by default), Kendall τ-b, top-1 regret and top-k hit. Pure functions over paired
 * arrays: `pred[i]` is the score a method gave model i, `truth[i]` its measured result (higher is
 * better for both).
 */

function checkPaired(name: string, x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new Error(`${name}: arrays differ in length (${x.length} vs ${y.length})`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new Error(`${name}: non-finite value at index ${i}`);
}

/** Hyperbolic weigher, scipy's default: the element ranked r-th (0 = best) weighs 1/(r+1). */
export const hyperbolic = (r: number): number => 1 / (r + 1);

/**
 * One direction of scipy's `_weightedrankedtau(x, y, rank=None, weigher, additive=True)`: an
 * element's rank is its position in decreasing lexicographic order by (x, y) (0 = largest; fully
 * tied elements in decreasing index order, as numpy's stable lexsort reversed gives), a pair weighs
 * w(rank_i) + w(rank_j), and
 *   τ = (Σ_concordant − Σ_discordant) / √((tot − u)(tot − v)),
 * where tot is the weight of all pairs and u, v the weight of the pairs tied in x, in y.
 * Returns NaN when x or y is constant. O(n²), which is plenty for a few hundred models.
 */
export function weightedTauOneWay(x: readonly number[], y: readonly number[], weigher: (r: number) => number = hyperbolic): number {
  checkPaired("weightedTau", x, y);
  const n = x.length;
  if (n === 0) return Number.NaN;
  // Ascending by (x, y, index), like np.lexsort((y, x)); rank 0 goes to its last element.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b] || a - b);
  const w = new Array<number>(n);
  order.forEach((idx, pos) => (w[idx] = weigher(n - 1 - pos)));
  let tot = 0;
  let u = 0;
  let v = 0;
  let cd = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const wij = w[i] + w[j];
      tot += wij;
      const dx = x[i] - x[j];
      const dy = y[i] - y[j];
      if (dx === 0) u += wij;
      if (dy === 0) v += wij;
      if (dx !== 0 && dy !== 0) cd += Math.sign(dx) === Math.sign(dy) ? wij : -wij;
    }
  if (tot - u <= 0 || tot - v <= 0) return Number.NaN;
  const tau = cd / Math.sqrt(tot - u) / Math.sqrt(tot - v);
  return Math.min(1, Math.max(-1, tau));
}

/**
 * Weighted Kendall τ exactly as `scipy.stats.weightedtau(x, y)` with its defaults (rank=True,
 * hyperbolic weigher, additive=True): the mean of the τ weighted by the ranking of (x, y) and the
 * τ weighted by the ranking of (y, x). Symmetric in its arguments; in [−1, 1]; NaN if either is
 * constant. Swaps at the top of either ranking cost more than swaps at the bottom.
 */
export function weightedTau(x: readonly number[], y: readonly number[]): number {
  return (weightedTauOneWay(x, y) + weightedTauOneWay(y, x)) / 2;
}

/** Kendall τ-b (as scipy.stats.kendalltau's default): (C − D) / √((n₀ − n₁)(n₀ − n₂)). */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  checkPaired("kendallTau", x, y);
  const n = x.length;
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[i] - x[j]);
      const sy = Math.sign(y[i] - y[j]);
      if (sx === 0) tx++;
      if (sy === 0) ty++;
      if (sx !== 0 && sy !== 0) sx === sy ? c++ : d++;
    }
  const n0 = (n * (n - 1)) / 2;
  const den = Math.sqrt((n0 - tx) * (n0 - ty));
  return den === 0 ? Number.NaN : (c - d) / den;
}

/** Index of the highest predicted score; ties go to the lowest index (the caller's order). */
function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

export interface Regret {
  /** Best true result − true result of the predicted top-1, in the metric's own units (≥ 0). */
  absolute: number;
  /** The same as a fraction of the best true result. */
  relative: number;
}

/** What choosing the predicted top-1 model costs against the truly best one. */
export function top1Regret(pred: readonly number[], truth: readonly number[]): Regret {
  checkPaired("top1Regret", pred, truth);
  if (pred.length === 0) throw new Error("top1Regret: empty arrays");
  const best = Math.max(...truth);
  const absolute = best - truth[argmax(pred)];
  return { absolute, relative: best === 0 ? 0 : absolute / Math.abs(best) };
}

/** 1 if a truly best model (any, when tied) is among the k highest predicted scores, else 0. */
export function topKHit(pred: readonly number[], truth: readonly number[], k = 5): number {
  checkPaired("topKHit", pred, truth);
  if (pred.length === 0) throw new Error("topKHit: empty arrays");
  const best = Math.max(...truth);
  const top = Array.from({ length: pred.length }, (_, i) => i)
    .sort((a, b) => pred[b] - pred[a] || a - b)
    .slice(0, k);
  return top.some((i) => truth[i] === best) ? 1 : 0;
}

export interface RankingMetrics {
  n: number;
  weightedTau: number;
  kendallTau: number;
  regret: number;
  relativeRegret: number;
  top5: number;
}

export function rankingMetrics(pred: readonly number[], truth: readonly number[]): RankingMetrics {
  const r = top1Regret(pred, truth);
  return {
    n: pred.length,
    weightedTau: weightedTau(pred, truth),
    kendallTau: kendallTau(pred, truth),
    regret: r.absolute,
    relativeRegret: r.relative,
    top5: topKHit(pred, truth, 5),
  };
}
