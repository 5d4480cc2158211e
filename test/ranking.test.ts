import { describe, expect, it } from "vitest";
import { orderByScore, rankByPrior, rankZoo, scoreModels } from "../src/core/ranking.ts";
import { readCommittedBundle } from "../cli/node/bundleFiles.ts";

describe("scoring", () => {
  it("scores by dot product and orders best first, ties by id", () => {
    const models = [{ vector: [1, 0] }, { vector: [0, 1] }, { vector: [1, 1] }, { vector: [0, 1] }];
    const scores = scoreModels(models, [0.5, 2]);
    expect(Array.from(scores)).toEqual([0.5, 2, 2.5, 2]);
    expect(orderByScore(["w", "y", "z", "x"], scores).map((r) => r.model)).toEqual(["z", "x", "y", "w"]);
  });

  it("ranks a real zoo: a task that looks only like one historical task leans on it", () => {
    const { manifest, zoo } = readCommittedBundle();
    const classic = zoo("classic");
    const sims = Object.fromEntries(manifest.imageTasks.map((t) => [t.key, t.key === "cifar10" ? 0.9 : -0.2]));
    const { ranking, placement } = rankZoo(classic, { nImages: 100, nClasses: 10, sims });
    expect(ranking).toHaveLength(classic.models.length);
    const top = placement.weights.reduce((a, b) => (b.weight > a.weight ? b : a));
    expect(top.task).toBe("cifar10");
    // With the prior at zero weight the ranking is exactly the prior's order in the space.
    const priorOnly = rankZoo({ ...classic, mapper: { ...classic.mapper, alpha: 0 } }, { nImages: 1, nClasses: 0, sims });
    expect(priorOnly.placement.weights.length).toBeGreaterThan(0);
    expect(rankByPrior(classic)).toHaveLength(classic.models.length);
  });
});
