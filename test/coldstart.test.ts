import { describe, expect, it } from "vitest";
import { validateZoo } from "../src/core/bundle/validate.ts";
import { coldStartFeatures, explainPredictedModel, fitColdStart, META_FEATURES, NEAR_RELATIVE, parseTimmTag, predictVector } from "../src/core/coldstart/index.ts";
import { backboneMembers } from "../src/core/backbone.ts";
import { buildTargetZoo, buildTimmZoo, evaluateColdStart, fitOnZoo, TIMM_RANKED_BY, TIMM_VALIDATION, timmDescription, timmFamily, timmModels } from "../cli/node/coldstart.ts";
import { validateTimm } from "../cli/node/validateTimm.ts";
import { buildBundle, readArchi2vec } from "../cli/node/repoData.ts";

const a2v = readArchi2vec()!;

describe("cold start: the timm zoo", () => {
  const zoo = buildTimmZoo();

  it("is a valid zoo of predicted models in the classic zoo's space", () => {
    const valid = validateZoo(JSON.parse(JSON.stringify(zoo)), "zoo-timm.json");
    expect(valid.zoo).toBe("timm");
    expect(valid.name).toBe("timm (predicted)");
    expect(valid.description).toMatch(/predicted/i);
    expect(valid.models.length).toBe(new Set(timmModels().map((r) => r.model)).size);
    expect(valid.models.length).toBeGreaterThan(1200);
    expect(valid.models.every((m) => m.measured === false && Object.keys(m.results).length === 0 && m.library === "timm")).toBe(true);
    expect(valid.models.every((m) => m.vector.length === zoo.rank + 1 && m.vector.every(Number.isFinite))).toBe(true);
    const target = buildTargetZoo();
    expect(valid.tasks).toEqual(target.tasks);
    expect(valid.mapper.tau).toBe(target.mapper.tau);
    expect(JSON.stringify(zoo).length).toBeLessThan(1_300_000);
  });

  it("fills the display fields from timm's metadata and archi2vec", () => {
    const m = zoo.models.find((x) => x.id === "resnet50.a1_in1k")!;
    expect(m).toMatchObject({
      family: "ResNet",
      arch: "resnet50",
      url: "https://huggingface.co/timm/resnet50.a1_in1k",
      code: 'timm.create_model("resnet50.a1_in1k", pretrained=True)',
      inputSize: 224,
      imagenetTop1: 80.382,
      flops: a2v.archs.resnet50.flops,
    });
    expect(m.archInfo!.depth).toBe(50);
    expect(m.archInfo!.nearest).toHaveLength(5);
    // One row per model name: the one at the arch's native input.
    const c = zoo.models.find((x) => x.id === "convnextv2_large.fcmae_ft_in22k_in1k")!;
    expect(c.inputSize).toBe(a2v.archs.convnextv2_large.input);
    expect(c.pretraining).toMatch(/ImageNet-22k/);
    // The prior is u · mean task vector.
    const meanTask = zoo.tasks[0].vector.map((_, i) => zoo.tasks.reduce((s, t) => s + t.vector[i], 0) / zoo.tasks.length);
    expect(m.prior).toBeCloseTo(m.vector.reduce((s, x, i) => s + x * meanTask[i], 0), 4);
  });

  it("lists no test_* networks and gives every model a backbone id", () => {
    expect(zoo.models.some((m) => m.id.startsWith("test_"))).toBe(false);
    expect(zoo.models.every((m) => typeof m.backbone === "string")).toBe(true);
    const members = backboneMembers(zoo.models);
    expect(members.size).toBeLessThan(zoo.models.length);
    expect(members.get("convnextv2_large.fcmae_ft_in22k_in1k")).toEqual(["convnextv2_large.fcmae_ft_in22k_in1k", "convnextv2_large.fcmae_ft_in22k_in1k_384"]);
  });

  it("says what it ranks by, with the validation figures", () => {
    expect(zoo.rankedBy).toBe(TIMM_RANKED_BY);
    expect(zoo.description).toBe(timmDescription(zoo.models.length));
    expect(zoo.description).toContain(TIMM_VALIDATION.predictor.toFixed(3));
  });

  it("names the nearest measured relatives, and explains a model's place from them", () => {
    const resnet = zoo.models.find((x) => x.id === "resnet50.a1_in1k")!;
    expect(resnet.relatives![0]).toEqual({ id: "resnet50", cosine: 1 });
    expect(resnet.relatives!.every((r) => r.cosine >= NEAR_RELATIVE)).toBe(true);
    const why = explainPredictedModel(zoo, "resnet50.a1_in1k");
    expect(why.rankedBy).toBe(TIMM_RANKED_BY);
    expect(why.top1).toMatchObject({ value: 80.382 });
    expect(why.lines.join(" ")).toMatch(/resnet50 \(cosine 1\.00\)/);
    const eva = explainPredictedModel(zoo, "eva02_large_patch14_448.mim_m38m_ft_in22k_in1k");
    expect(eva.top1).toMatchObject({ rank: 1, of: zoo.models.length });
    expect(eva.lines.join(" ")).toMatch(/No measured model is close/);
    // With a ranking, the place is the ranking's.
    const order = [...zoo.models].sort((a, b) => a.id.localeCompare(b.id)).map((m) => ({ model: m.id }));
    expect(explainPredictedModel(zoo, order[2].model, order).rank).toBe(3);
    const variant = explainPredictedModel(zoo, "convnextv2_large.fcmae_ft_in22k_in1k");
    expect(variant.variants).toEqual(["convnextv2_large.fcmae_ft_in22k_in1k_384"]);
  });

  it("ranks bigger, more accurate ImageNet models higher on the prior", () => {
    const prior = (id: string) => zoo.models.find((x) => x.id === id)!.prior;
    expect(prior("resnet152.tv_in1k")).toBeGreaterThan(prior("resnet18.tv_in1k"));
    expect(prior("vit_large_patch16_224.augreg_in21k_ft_in1k")).toBeGreaterThan(prior("mobilenetv3_small_100.lamb_in1k"));
  });

  it("excludes a held-out task the same way buildBundle does", () => {
    const ex = buildTimmZoo({ excludeTask: "stanford_cars" });
    expect(ex.tasks.map((t) => t.id)).not.toContain("cars");
    expect(ex.tasks).toEqual(buildTargetZoo("stanford_cars").tasks);
    expect(ex.hash).not.toBe(zoo.hash);
  });

  it("targets the classic zoo exactly as buildBundle builds it", () => {
    for (const task of [undefined, "dtd"]) expect(buildTargetZoo(task).hash).toBe(buildBundle({ excludeTask: task, zoos: ["classic"] }).zoos[0].hash);
  });
});

describe("cold start: features and regressor", () => {
  const e = a2v.archs["tv/mobilenet_v2"];
  const onnxLike = {
    embedding: e.embedding,
    params: e.params,
    macs: e.flops,
    depth: e.depth,
    inputSize: 224,
    pretraining: null,
    imagenetTop1: null,
  };

  it("features are deterministic and mark unknowns explicitly", () => {
    const a = coldStartFeatures(onnxLike);
    expect(coldStartFeatures(onnxLike)).toEqual(a);
    const at = (f: string) => a.meta[META_FEATURES.indexOf(f as (typeof META_FEATURES)[number])];
    expect(Number.isNaN(at("top1"))).toBe(true);
    expect(at("top1Known")).toBe(0);
    expect(at("pretrainingKnown")).toBe(0);
    expect(Number.isNaN(at("labelledIn1k"))).toBe(true);
    expect(at("logParams")).toBeCloseTo(Math.log10(e.params), 10);
  });

  it("an ONNX-like model (graph only) gets a finite vector; fitting is deterministic and serialisable", () => {
    const model = fitOnZoo(buildTargetZoo());
    const again = fitOnZoo(buildTargetZoo());
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    const u = predictVector(model, coldStartFeatures(onnxLike));
    expect(u).toHaveLength(6);
    expect(u.every(Number.isFinite)).toBe(true);
    const revived = JSON.parse(JSON.stringify(model));
    expect(predictVector(revived, coldStartFeatures(onnxLike))).toEqual(u);
  });

  it("rejects too few training models", () => {
    const f = coldStartFeatures(onnxLike);
    expect(() => fitColdStart({ features: [f, f], targets: [[1], [2]] })).toThrow(/need/);
  });

  it("parses timm pretrained tags", () => {
    expect(parseTimmTag("ra2_in1k")).toMatchObject({ labelledIn1k: true, selfSupervised: false, extraData: false, imageText: false });
    expect(parseTimmTag("augreg_in21k_ft_in1k")).toMatchObject({ extraData: true, imageText: false });
    expect(parseTimmTag("clip_laion2b_ft_in12k_in1k")).toMatchObject({ extraData: true, imageText: true });
    expect(parseTimmTag("mae_in1k_ft_in1k")).toMatchObject({ selfSupervised: true, extraData: false });
    expect(parseTimmTag("in22k_ft_in22k_in1k", "beit_large_patch16_224").selfSupervised).toBe(true);
    expect(parseTimmTag("augreg_in21k_ft_in1k").words).toBe("supervised: ImageNet-21k → ImageNet-1k");
  });

  it("names families from arch prefixes", () => {
    expect(timmFamily("resnext50_32x4d")).toBe("ResNet");
    expect(timmFamily("vit_base_patch16_224")).toBe("ViT");
    expect(timmFamily("convnext_tiny")).toBe("ConvNeXt");
    expect(timmFamily("tf_efficientnet_b0")).toBe("EfficientNet");
    expect(timmFamily("eca_nfnet_l0")).toBe("NFNet");
  });
});

describe("cold start: leave-one-model-out", () => {
  const r = evaluateColdStart({ randomDraws: 50 });

  it("reports finite figures, clearly above random", () => {
    expect(r.nModels).toBe(36);
    for (const t of r.perTask) {
      expect(Number.isFinite(t.kendallTau)).toBe(true);
      expect(Number.isFinite(t.mae)).toBe(true);
    }
    expect(Math.abs(r.baselines.random.kendallTau!)).toBeLessThan(0.05);
    expect(r.method.all.kendallTau!).toBeGreaterThan(r.baselines.random.kendallTau! + 0.25);
    expect(r.method.all.weightedTau!).toBeGreaterThan(0.4);
    expect(r.leaveOneArchitectureOut!.all.kendallTau!).toBeGreaterThan(0.25);
    expect(r.graphOnlyInput!.all.kendallTau!).toBeGreaterThan(0.15);
    expect(r.method.all.mae!).toBeLessThan(r.baselines.taskMeanMae!);
    expect(r.perTask.filter((t) => t.kendallTau! > 0).length).toBe(r.perTask.length);
  });
});

describe("cold start: the timm validation (npm run validate-timm)", () => {
  const v = validateTimm();

  it("matches the figures and the ranking the zoo ships", () => {
    expect(v.overall).toEqual(TIMM_VALIDATION);
    expect(v.verdict).toBe(TIMM_RANKED_BY);
    expect(v.sets.classic.models).toBe(15);
    expect(v.sets.hub.models).toBe(14);
    expect(v.sets.quicktune.models).toBe(24);
    expect(v.sets.quicktune.nTasks).toBe(30);
  });

  it("backs the description's claim about the hub set", () => {
    // timmDescription says the predictor lost to both baselines on the 14 hub checkpoints.
    expect(v.sets.hub.weightedTau.predictor).toBeLessThan(Math.min(v.sets.hub.weightedTau.imagenetTop1, v.sets.hub.weightedTau.params));
  });

  it("ships the predictor only where it beats both baselines", () => {
    const { predictor, imagenetTop1, params } = v.overall;
    expect(v.verdict === "predictor").toBe(predictor > imagenetTop1 && predictor > params);
  });
});
