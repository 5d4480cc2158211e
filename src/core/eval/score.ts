/** Scoring a ranking against measured results: the metrics every evaluation reports. */
import { mulberry32 } from "../math/random.ts";
import { rankingMetrics, weightedTau, type RankingMetrics } from "../metrics.ts";
import type { RankedModel } from "../ranking.ts";

/** Metrics of a ranking (best first) over the models with a measured result. Scores are taken
 * in ranking order, so a tie in the predicted top-1 resolves as the ranking shows it. */
export function scoreRanking(ranking: readonly RankedModel[], truth: ReadonlyMap<string, number>, only?: ReadonlySet<string>): RankingMetrics {
  const rows = ranking.filter((r) => truth.has(r.model) && (!only || only.has(r.model)));
  if (rows.length < 2) throw new Error("scoreRanking: fewer than two measured models");
  return rankingMetrics(
    rows.map((r) => r.score),
    rows.map((r) => truth.get(r.model)!),
  );
}

/** Weighted τ alone of a ranking over the models with a measured result: what selection loops
 * compare thousands of times, without the other metrics' O(n²) work. */
export function rankingWeightedTau(ranking: readonly RankedModel[], truth: ReadonlyMap<string, number>): number {
  const rows = ranking.filter((r) => truth.has(r.model));
  return weightedTau(
    rows.map((r) => r.score),
    rows.map((r) => truth.get(r.model)!),
  );
}

/** Expected metrics of a random ranking: mean over `n` seeded random permutations. */
export function randomBaseline(truth: ReadonlyMap<string, number>, n = 200, seed = 1): RankingMetrics {
  const ids = [...truth.keys()];
  const values = ids.map((m) => truth.get(m)!);
  const acc = { n: ids.length, weightedTau: 0, kendallTau: 0, regret: 0, relativeRegret: 0, top5: 0 };
  for (let s = 0; s < n; s++) {
    const rand = mulberry32(seed * 1000003 + s);
    const scores = ids.map(() => rand());
    const m = rankingMetrics(scores, values);
    acc.weightedTau += m.weightedTau / n;
    acc.kendallTau += m.kendallTau / n;
    acc.regret += m.regret / n;
    acc.relativeRegret += m.relativeRegret / n;
    acc.top5 += m.top5 / n;
  }
  return acc;
}

export type Summary = Omit<RankingMetrics, "n">;
const METRIC_KEYS = ["weightedTau", "kendallTau", "regret", "relativeRegret", "top5"] as const;

export function meanMetrics(ms: readonly RankingMetrics[] | readonly Summary[]): Summary {
  const out = {} as Summary;
  for (const k of METRIC_KEYS) out[k] = ms.reduce((s, m) => s + m[k], 0) / ms.length;
  return out;
}

export function strip(m: RankingMetrics): Summary {
  const { n: _n, ...rest } = m;
  void _n;
  return rest;
}

