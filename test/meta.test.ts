// The meta-score (src/core/task/meta.ts) and its place in the ranking (src/core/ranking.ts).
import { describe, expect, it } from "vitest";
import { readCommittedBundle } from "../cli/node/bundleFiles.ts";
import type { Zoo } from "../src/core/bundle/schema.ts";
import { ZooSchema } from "../src/core/bundle/schema.ts";
import { mulberry32 } from "../src/core/math/random.ts";
import { orderByScore, rankZoo, scoreModels } from "../src/core/ranking.ts";
import { describeTask } from "../src/core/task/descriptor.ts";
import { placeTask } from "../src/core/task/mapper.ts";
import { fitMetaModel, kmeans, metaScores, metaTaskVector, modelMetaFeatures, pretrainingKind } from "../src/core/task/meta.ts";

const { manifest, zoo } = readCommittedBundle();

/** A zoo as it was before the meta-score: no meta block, weight, model rows or task sizes. */
function withoutMetaFields(z: Zoo): Zoo {
  const { meta: _m, ...rest } = z;
  const { meta: _w, ...mapper } = z.mapper;
  void _m;
  void _w;
  return { ...rest, mapper, tasks: z.tasks.map(({ size: _s, ...t }) => (void _s, t)), models: z.models.map(({ meta: _x, ...m }) => (void _x, m)) };
}
const sims = Object.fromEntries(manifest.imageTasks.map((t, i) => [t.key, [0.31, -0.2, 0.12, 0.05, -0.4, 0.2][i] ?? 0]));
const desc = { nImages: 120, nClasses: 12, size: 4800, sims };

/** The zoo's standardised records and task inputs, as buildZoo fits them. */
function fitInputs(z: Zoo) {
  return {
    z: z.models.map((m) => z.tasks.map((t) => (t.id in m.results ? (m.results[t.id] - t.mean) / t.std : Number.NaN))),
    tasks: z.tasks.map((t) => ({ nClasses: t.nClasses, size: t.size ?? null })),
  };
}


describe("meta model", () => {
  it("is in the committed bundle of both zoos, with consistent shapes", () => {
    for (const id of ["classic", "hub"]) {
      const z = zoo(id);
      expect(z.meta).toBeDefined();
      expect(z.meta!.taskFeatures).toEqual(["logClasses", "logSize"]);
      expect(z.meta!.weights).toHaveLength(3);
      for (const m of z.models) expect(m.meta).toHaveLength(z.meta!.features.length);
      expect(z.tasks.every((t) => Number.isInteger(t.size) && t.size! > 0)).toBe(true);
    }
  });

  it("is deterministic: features and fit repeat exactly, and match the bundle's", () => {
    const z = zoo("hub");
    const a = modelMetaFeatures(z.models);
    const b = modelMetaFeatures(z.models.map((m) => ({ ...m })));
    expect(b).toEqual(a);
    expect(a.features).toEqual(z.meta!.features);
    expect(a.rows).toEqual(z.models.map((m) => m.meta));
    const { z: Z, tasks } = fitInputs(z);
    const f1 = fitMetaModel(a.features, a.rows, Z, tasks);
    const f2 = fitMetaModel(a.features, a.rows, Z, tasks);
    expect(JSON.stringify(f2)).toBe(JSON.stringify(f1));
    // Refitted from the bundle's rounded column statistics: the same model up to that rounding.
    expect(f1.lambda).toBe(z.meta!.lambda);
    f1.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(z.meta!.weights.flat()[i], 3));
  });

  it("kmeans has a deterministic start and finds obvious clusters", () => {
    const pts = [[0, 0], [0.1, 0], [5, 5], [5.1, 5], [0, 0.1], [5, 5.2], [10, 0], [10.1, 0.1]];
    const a = kmeans(pts, 3);
    expect(kmeans(pts, 3)).toEqual(a);
    expect(a[0]).toBe(0);
    expect(new Set([a[0], a[1], a[4]]).size).toBe(1);
    expect(new Set([a[2], a[3], a[5]]).size).toBe(1);
    expect(new Set([a[6], a[7]]).size).toBe(1);
    expect(new Set(a).size).toBe(3);
    expect(kmeans(pts, 20)).toHaveLength(pts.length);
  });

  it("reads the kind of pre-training from the bundle's words", () => {
    expect(pretrainingKind("ImageNet-1k (self-supervised, DINO)", "dino_base")).toBe("selfSupervised");
    expect(pretrainingKind("ImageNet-1k (supervised)", "resnet50")).toBe("supervisedIn1k");
    expect(pretrainingKind("imagenet-21k", "facebook/convnext-base-224-22k")).toBe("in21k");
    expect(pretrainingKind("imagenet", "facebook/convnext-large-384-22k-1k")).toBe("in21k");
    expect(pretrainingKind("cifar10", "aaraki/vit-base-patch16-224-in21k-finetuned-cifar10")).toBe("in21k");
    expect(pretrainingKind("imagenet", "microsoft/beit-base-patch16-224-pt22k")).toBe("selfSupervised");
    expect(pretrainingKind("imagenet", "microsoft/resnet-50")).toBe("supervisedIn1k");
    expect(pretrainingKind("HF hub checkpoint (hfpics)", "someone/vit-beans")).toBe("otherPretraining");
  });

  it("recovers a known linear model with interactions", () => {
    const rand = mulberry32(3);
    const nm = 60;
    const rows = Array.from({ length: nm }, () => [rand() * 2 - 1, rand() * 2 - 1, rand() < 0.5 ? 1 : 0]);
    const tasks = Array.from({ length: 9 }, (_, t) => ({ nClasses: [5, 10, 20, 47, 100, 101, 196, 397, 37][t], size: [1000, 3000, 50000, 2000, 8000, 20000, 5000, 70000, 3600][t] }));
    const probe = fitMetaModel(["a", "b", "c"], rows, rows.map(() => tasks.map(() => 0)), tasks, { lambdas: [1] });
    const tStd = tasks.map((t) => metaTaskVector(probe, t));
    const center = probe.center;
    const truth = [[1, -0.5, 0.8], [0.4, 0, -0.3], [0, 0.6, 0]];
    const Z = rows.map((x) => tStd.map((tv) => x.reduce((s, v, i) => s + (v - center[i]) * (truth[0][i] + tv[0] * truth[1][i] + tv[1] * truth[2][i]), 0)));
    const fit = fitMetaModel(["a", "b", "c"], rows, Z, tasks);
    expect(fit.lambda).toBe(0.1);
    fit.weights.forEach((row, r) => row.forEach((w, i) => expect(w).toBeCloseTo(truth[r][i], 2)));
    // Scoring is one dot product per model with the task's coefficients.
    const s = metaScores(rows.map((meta) => ({ meta })), fit, tStd[4]);
    rows.forEach((_, m) => expect(s[m]).toBeCloseTo(Z[m][4], 2));
  });
});

describe("meta-score in the ranking", () => {
  it("w = 0 reproduces the ranking without the meta-score exactly", () => {
    for (const id of ["classic", "hub"]) {
      const z = zoo(id);
      const off = { ...z, mapper: { ...z.mapper, meta: 0 } };
      const got = rankZoo(off, desc);
      expect(got.meta).toBeNull();
      // The u·v ranking, computed as before the meta-score existed …
      const uv = orderByScore(z.models.map((m) => m.id), scoreModels(z.models, placeTask(z, desc).vector));
      expect(got.ranking).toEqual(uv);
      // … and the same zoo as an old bundle (no meta fields at all), with or without size.
      expect(rankZoo(withoutMetaFields(z), desc).ranking).toEqual(uv);
      const { size: _s, ...noSize } = desc;
      void _s;
      // (Size is also a placement feature, so without it the task is placed anew.)
      const uvNoSize = orderByScore(z.models.map((m) => m.id), scoreModels(z.models, placeTask(z, noSize).vector));
      expect(rankZoo(withoutMetaFields(z), noSize).ranking).toEqual(uvNoSize);
    }
  });

  it("w > 0 mixes (1 − w)·u·v + w·meta, and reads the task's classes and size", () => {
    const z = zoo("hub");
    const w = 0.3;
    const on = { ...z, mapper: { ...z.mapper, meta: w } };
    // The stated size is what the meta-score reads (the folder's 4,800 would read as "typical").
    const stated = { ...desc, stated: { size: 4800 } };
    const r = rankZoo(on, stated);
    expect(r.meta).not.toBeNull();
    expect(r.meta!.weight).toBe(w);
    expect(r.meta!.counts.size).toBe(4800);
    expect(r.meta!.counts.from).toEqual({ classes: "folder", size: "stated" });
    expect(rankZoo(on, desc).meta!.counts.from.size).toBe("typical");
    const uv = scoreModels(z.models, placeTask(z, desc).vector);
    const t = metaTaskVector(z.meta!, { nClasses: 12, size: 4800 });
    const meta = metaScores(z.models, z.meta!, t);
    const byId = new Map(r.ranking.map((x) => [x.model, x.score]));
    z.models.forEach((m, i) => expect(byId.get(m.id)).toBeCloseTo((1 - w) * uv[i] + w * meta[i], 12));
    // Another size or class count changes the meta-score (the interactions), a missing size falls
    // back to a typical size (src/core/task/counts.ts).
    const big = rankZoo(on, { ...desc, size: 500000, nClasses: 400 });
    expect(big.ranking.map((x) => x.score)).not.toEqual(r.ranking.map((x) => x.score));
    const { size: _s, ...noSize } = desc;
    void _s;
    expect(rankZoo(on, noSize).meta!.counts.from.size).toBe("typical");
    // A model added at run time without a feature row gets the average meta-score (0).
    const added = { ...z.models[0], id: "yours:x", meta: undefined };
    const withAdded = rankZoo({ ...on, models: [...on.models, added] }, desc);
    expect(withAdded.meta!.scores[on.models.length]).toBe(0);
    // An unlabelled folder (0 classes) puts the class feature at the historical mean.
    expect(rankZoo(on, { ...desc, nClasses: 0 }).meta!.counts.z[0]).toBe(0);
  });

  it("the bundle schema rejects a meta weight without a model and rows of the wrong length", () => {
    const z = zoo("hub");
    const { meta: _m, ...noModel } = z;
    void _m;
    expect(ZooSchema.safeParse({ ...noModel, models: z.models.map(({ meta: _x, ...m }) => (void _x, m)) }).success).toBe(false);
    expect(ZooSchema.safeParse({ ...z, models: z.models.map((m, i) => (i === 3 ? { ...m, meta: m.meta!.slice(1) } : m)) }).success).toBe(false);
    expect(ZooSchema.safeParse(withoutMetaFields(z)).success).toBe(true);
    expect(ZooSchema.safeParse(z).success).toBe(true);
  });

  it("describeTask carries the folder's usable-image count as size", () => {
    const space = { center: [0, 0, 0], imageTasks: [{ key: "a", centroid: [1, 0, 0] }] };
    const e = [[1, 0, 0], [0, 1, 0]];
    expect(describeTask(e, ["x", "y"], space).size).toBeUndefined();
    expect(describeTask(e, ["x", "y"], space, 900).size).toBe(900);
    expect(describeTask(e, ["x", "y"], space, 1).size).toBe(2);
    expect(() => describeTask(e, ["x", "y"], space, Number.NaN)).toThrow(/size/);
  });
});
