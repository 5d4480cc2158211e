// One leave-one-task-out fold of the evaluation (cli/node/evaluate.ts), end to end on data/.
import { beforeAll, describe, expect, it } from "vitest";
import { buildFold, checkFoldConsistency, META_VARIANTS, methodRanking, randomBaseline, refitMeta, scoreRanking, type Fold } from "../cli/node/evaluate.ts";
import type { RankingMetrics } from "../src/core/metrics.ts";
import { kendallTau } from "../src/core/metrics.ts";
import { rankByPrior, scoreModels } from "../src/core/ranking.ts";
import { priorTaskVector } from "../src/core/task/mapper.ts";

function expectInRange(m: RankingMetrics, n: number): void {
  expect(m.n).toBe(n);
  for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
  expect(Math.abs(m.weightedTau)).toBeLessThanOrEqual(1);
  expect(Math.abs(m.kendallTau)).toBeLessThanOrEqual(1);
  expect(m.regret).toBeGreaterThanOrEqual(0);
  expect(m.relativeRegret).toBeGreaterThanOrEqual(0);
  expect(m.relativeRegret).toBeLessThanOrEqual(1);
  expect(m.top5).toBeGreaterThanOrEqual(0);
  expect(m.top5).toBeLessThanOrEqual(1);
}

describe("leave-one-task-out fold (classic, dtd held out)", () => {
  let fold: Fold;
  beforeAll(() => {
    fold = buildFold("classic", "dtd");
  });

  it("removes the held-out task from the zoo and its image sample from the manifest", () => {
    expect(fold.built.tasks.map((t) => t.id)).not.toContain("dtd");
    expect(fold.built.tasks.length).toBe(10);
    expect(fold.built.models.every((m) => !("dtd" in m.results))).toBe(true);
    expect(fold.manifest.imageTasks.map((t) => t.key)).not.toContain("dtd");
    expect(fold.manifest.imageTasks.length).toBeGreaterThan(0);
    expect(Object.keys(fold.desc.sims)).not.toContain("dtd");
    // The held-out task is described from its own images, and judged on its own records.
    expect(fold.desc.nImages).toBe(fold.images.embeddings.length);
    expect(fold.truth.size).toBe(36);
  });

  it("gives finite metrics in range for the method, the prior and random", () => {
    const n = fold.truth.size;
    expectInRange(scoreRanking(methodRanking(fold.built, fold.desc), fold.truth), n);
    expectInRange(scoreRanking(methodRanking(fold.built, fold.desc, { tau: 0.05, alpha: 1 }), fold.truth), n);
    expectInRange(scoreRanking(rankByPrior(fold.built), fold.truth), n);
    const rnd = randomBaseline(fold.truth, 20);
    expectInRange(rnd, n);
    expect(Math.abs(rnd.weightedTau)).toBeLessThan(0.3);
  });

  it("rebuilds other factorisation ranks with the same exclusion", () => {
    checkFoldConsistency(fold);
    const z2 = fold.atRank(2);
    expect(z2.rank).toBe(2);
    expect(z2.tasks.map((t) => t.id)).toEqual(fold.built.tasks.map((t) => t.id));
    expect(z2.models[0].vector.length).toBe(3);
    expectInRange(scoreRanking(methodRanking(z2, fold.desc, { tau: 0.05, alpha: 0.5 }), fold.truth), fold.truth.size);
  });

  it("places α = 0 at the prior: the prior task vector reproduces the prior's order", () => {
    const v = priorTaskVector(fold.built);
    const scores = Array.from(scoreModels(fold.built.models, v));
    expect(kendallTau(scores, fold.built.models.map((m) => m.prior))).toBeGreaterThan(0.9);
  });

  it("describes the held-out task with its true class count and size for the meta-score", () => {
    expect(fold.desc.nClasses).toBe(47);
    expect(fold.desc.size).toBe(3760);
    expect(fold.sampleClasses).toBeLessThan(47);
    expect(fold.built.meta).toBeDefined();
    expect(fold.built.tasks.map((t) => t.id)).not.toContain("dtd");
  });

  it("sweeps the meta weight: w = 0 is the u·v ranking, w > 0 differs, variants refit", () => {
    const off = methodRanking(fold.built, fold.desc, { meta: 0 });
    expect(off).toEqual(methodRanking({ ...fold.built, mapper: { tau: fold.built.mapper.tau, alpha: fold.built.mapper.alpha } }, fold.desc));
    const on = methodRanking(fold.built, fold.desc, { meta: 0.3 });
    expect(on.map((r) => r.model)).not.toEqual(off.map((r) => r.model));
    expectInRange(scoreRanking(on, fold.truth), fold.truth.size);
    for (const v of META_VARIANTS) {
      const z = refitMeta(fold.built, v);
      expect(z.models[0].meta).toHaveLength(z.meta!.features.length);
      expectInRange(scoreRanking(methodRanking(z, fold.desc, { meta: 0.3 }), fold.truth), fold.truth.size);
    }
  });
});
