import { describe, expect, it } from "vitest";
import { PROXY_INPUT, IMAGENET_MEAN, IMAGENET_STD } from "../src/core/preprocess.ts";
import { planeIsGrey, softmaxStats, summariseImageStats } from "../src/core/task/imageStats.ts";
import { classSeparability } from "../src/core/task/separability.ts";
import { fitPlacement, predictPlacement, PLACEMENT_FEATURES, type TrainingTask } from "../src/core/task/placement.ts";
import { mulberry32, shuffled } from "../src/core/math/random.ts";
import { readImageEmbeddings } from "../cli/node/repoData.ts";

/** A preprocessed plane (ImageNet-normalised CHW) of one RGB colour. */
function plane(rgb: [number, number, number]): Float32Array {
  const hw = PROXY_INPUT * PROXY_INPUT;
  const out = new Float32Array(3 * hw);
  for (let c = 0; c < 3; c++) out.fill((rgb[c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c], c * hw, (c + 1) * hw);
  return out;
}

describe("domain statistics", () => {
  it("softmax top-1 and normalised entropy", () => {
    const uniform = softmaxStats(new Float32Array(1000));
    expect(uniform.top1).toBeCloseTo(0.001, 6);
    expect(uniform.entropy).toBeCloseTo(1, 6);
    const peaked = softmaxStats(Float32Array.from({ length: 1000 }, (_, i) => (i === 3 ? 50 : 0)));
    expect(peaked.top1).toBeGreaterThan(0.99);
    expect(peaked.entropy).toBeLessThan(0.01);
  });

  it("tells grey from colour on the preprocessed plane", () => {
    expect(planeIsGrey(plane([128, 128, 128]))).toBe(true);
    expect(planeIsGrey(plane([130, 128, 127]))).toBe(true);
    expect(planeIsGrey(plane([200, 90, 40]))).toBe(false);
  });

  it("summarises a folder: means, median shorter side, grey share", () => {
    const s = summariseImageStats([
      { top1: 0.2, entropy: 0.5, shorter: 32, grey: false },
      { top1: 0.4, entropy: 0.3, shorter: 500, grey: true },
      { top1: 0.6, entropy: 0.1, shorter: 64, grey: false },
    ]);
    expect(s).toEqual({ top1: 0.4, entropy: 0.3, shorter: 64, grey: 0.33 });
  });
});

describe("class separability (tfjs)", () => {
  const tasks = readImageEmbeddings();
  const pets = tasks.find((t) => t.key === "pets")!;

  it("is high for real pet breeds and near chance once the labels are shuffled", async () => {
    const real = await classSeparability(pets.embeddings, pets.labels);
    // The labels in a seeded random order: same class sizes, no relation to the images.
    const randomLabels = shuffled(pets.labels, mulberry32(7));
    const noise = await classSeparability(pets.embeddings, randomLabels);
    expect(real).toBeGreaterThan(0.6);
    expect(Math.abs(noise!)).toBeLessThan(0.1);
  });

  it("is null without two classes or without a class of two images", async () => {
    expect(await classSeparability(pets.embeddings.slice(0, 5), ["a", "a", "a", "a", "a"])).toBeNull();
    expect(await classSeparability(pets.embeddings.slice(0, 3), ["a", "b", "c"])).toBeNull();
    expect(await classSeparability(pets.embeddings.slice(0, 4), ["", "", "", ""])).toBeNull();
  });

  it("matches what embed-tasks stored for every historical sample", async () => {
    for (const t of tasks) expect(await classSeparability(t.embeddings, t.labels)).toBe(t.probe);
  });
});

describe("placement model", () => {
  const prior = [0.1, -0.2, 0.3, 1];
  const train: TrainingTask[] = [0, 1, 2, 3, 4].map((i) => ({
    task: `t${i}`,
    inputs: [{ domain: { top1: 0.2 + 0.1 * i, entropy: 0.6 - 0.1 * i, shorter: 32 << i, grey: 0.05 * i }, probe: 0.3 + 0.1 * i, nClasses: 10 * (i + 1), size: 1000 * (i + 1) }],
    vector: [0.1 + 0.05 * i, -0.2, 0.3 - 0.02 * i, 1],
  }));

  it("ridge: a task with average features gets exactly the prior", () => {
    const m = fitPlacement(train, prior, { kind: "ridge", features: [...PLACEMENT_FEATURES], strength: 10, bandwidth: 1 });
    const avg = { domain: { top1: 0.4, entropy: 0.4, shorter: 2 ** ((5 + 6 + 7 + 8 + 9) / 5), grey: 0.1 }, probe: 0.5, nClasses: Math.exp(train.reduce((s, t) => s + Math.log(t.inputs[0].nClasses), 0) / 5), size: Math.exp(train.reduce((s, t) => s + Math.log(t.inputs[0].size), 0) / 5) };
    const { vector } = predictPlacement(m, avg, prior);
    vector.forEach((v, i) => expect(v).toBeCloseTo(prior[i], 9));
  });

  it("kernel: lands near the closest historical task and fades out far from all of them", () => {
    const m = fitPlacement(train, prior, { kind: "kernel", features: [...PLACEMENT_FEATURES], strength: 1, bandwidth: 0.5 });
    const near = predictPlacement(m, train[4].inputs[0], prior);
    expect(near.explanation.neighbours[0].task).toBe("t4");
    expect(near.explanation.gate).toBe(1);
    expect(near.vector[0]).toBeGreaterThan(prior[0] + 0.1);
    const far = predictPlacement(m, { ...train[4].inputs[0], domain: { ...train[4].inputs[0].domain!, shorter: 1 << 20 }, probe: 5 }, prior);
    expect(far.explanation.gate).toBeLessThan(0.5);
    expect(Math.abs(far.vector[0] - prior[0])).toBeLessThan(Math.abs(near.vector[0] - prior[0]));
    expect(near.explanation.neighbours.reduce((s, n) => s + n.weight, 0)).toBeCloseTo(1, 9);
  });
});
