import { describe, expect, it } from "vitest";
import { kendallTau, rankingMetrics, top1Regret, topKHit, weightedTau, weightedTauOneWay } from "../src/core/metrics.ts";

describe("weightedTau (scipy.stats.weightedtau defaults)", () => {
  it("matches scipy's documented example", () => {
    // scipy docs: stats.weightedtau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).statistic
    expect(weightedTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.5669496815368272, 14);
  });

  it("matches a hand computation without ties", () => {
    // x = [1,2,3], y = [1,3,2]. Ranking by (x, y): element 2 first (w = 1), then 1 (1/2), then 0 (1/3).
    // Pairs (weight = sum of the two weights): (0,1) concordant 5/6, (0,2) concordant 4/3,
    // (1,2) discordant 3/2; total 11/3, so τ = (5/6 + 4/3 − 3/2) / (11/3) = 2/11. Ranking by (y, x)
    // gives the same weights here, so the mean of the two is 2/11 too.
    expect(weightedTauOneWay([1, 2, 3], [1, 3, 2])).toBeCloseTo(2 / 11, 14);
    expect(weightedTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(2 / 11, 14);
  });

  it("matches a hand computation with a tie", () => {
    // x = [1,1,2], y = [1,2,3]: weights 1/3, 1/2, 1 as above; pair (0,1) is tied in x (5/6 of
    // weight), the other two are concordant (4/3 + 3/2 = 17/6); total 11/3.
    // τ = (17/6) / √((11/3 − 5/6) · 11/3) = √(17/22), in both directions.
    expect(weightedTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(Math.sqrt(17 / 22), 14);
  });

  it("is 1 for the same order, −1 for the reverse, NaN for a constant", () => {
    const x = [3, 1, 4, 1.5, 9, 2.6];
    expect(weightedTau(x, x.map((v) => 2 * v + 1))).toBeCloseTo(1, 14);
    expect(weightedTau(x, x.map((v) => -v))).toBeCloseTo(-1, 14);
    expect(weightedTau(x, x.map(() => 7))).toBeNaN();
  });

  it("is symmetric and invariant to monotone transforms", () => {
    const x = [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.8];
    const y = [0.2, 0.7, 0.3, 0.4, 0.9, 0.1, 0.5];
    expect(weightedTau(x, y)).toBeCloseTo(weightedTau(y, x), 14);
    expect(weightedTau(x.map(Math.exp), y.map((v) => v ** 3))).toBeCloseTo(weightedTau(x, y), 14);
  });

  it("weighs errors at the top more than at the bottom", () => {
    const truth = [10, 9, 8, 7, 6, 5, 4, 3];
    const swapTop = [9, 10, 8, 7, 6, 5, 4, 3];
    const swapBottom = [10, 9, 8, 7, 6, 5, 3, 4];
    expect(weightedTau(swapTop, truth)).toBeLessThan(weightedTau(swapBottom, truth));
    // Plain Kendall τ cannot tell the two apart.
    expect(kendallTau(swapTop, truth)).toBeCloseTo(kendallTau(swapBottom, truth), 14);
  });

  it("rejects unequal or non-finite input", () => {
    expect(() => weightedTau([1, 2], [1])).toThrow(/length/);
    expect(() => weightedTau([1, Number.NaN], [1, 2])).toThrow(/non-finite/);
  });
});

describe("kendallTau (τ-b)", () => {
  it("matches a hand computation", () => {
    // [1,2,3,4,5] vs [3,4,1,2,5]: of the 10 pairs, 6 concordant and 4 discordant ((1,3), (1,4),
    // (2,3), (2,4) by position), so τ = (6 − 4) / 10 = 0.2.
    expect(kendallTau([1, 2, 3, 4, 5], [3, 4, 1, 2, 5])).toBeCloseTo(0.2, 14);
  });

  it("matches scipy's documented example (with ties)", () => {
    // scipy docs: stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).statistic
    expect(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14);
  });
});

describe("top-1 regret and top-k hit", () => {
  it("measures the loss of the predicted top-1 against the best", () => {
    const r = top1Regret([0.1, 0.9, 0.5], [80, 70, 90]);
    expect(r.absolute).toBeCloseTo(20, 12);
    expect(r.relative).toBeCloseTo(20 / 90, 12);
    expect(top1Regret([0.1, 0.2, 0.9], [80, 70, 90]).absolute).toBe(0);
  });

  it("takes the first of tied predictions as the top-1", () => {
    expect(top1Regret([1, 1, 0], [5, 9, 1]).absolute).toBe(4);
  });

  it("hits when a truly best model is in the predicted top k", () => {
    const truth = [1, 2, 3, 4, 5, 6, 7];
    expect(topKHit([7, 6, 5, 4, 3, 2, 1], truth, 5)).toBe(0); // best (index 6) predicted last
    expect(topKHit([1, 2, 3, 4, 5, 6, 7], truth, 1)).toBe(1);
    expect(topKHit([0, 0, 9, 8, 7, 6, 5], truth, 5)).toBe(1); // best is 5th
    expect(topKHit([0, 0, 9, 8, 7, 6, 5], truth, 4)).toBe(0);
  });

  it("bundles everything for a ranking", () => {
    const m = rankingMetrics([3, 2, 1], [30, 20, 10]);
    expect(m).toEqual({ n: 3, weightedTau: 1, kendallTau: 1, regret: 0, relativeRegret: 0, top5: 1 });
  });
});
