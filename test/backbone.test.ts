import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  backboneMembers,
  classicBackbone,
  finetuneSampleKey,
  groupRankingByBackbone,
  hubBackbones,
  isTimmTestNetwork,
  parseHubMeta,
  timmBackbones,
} from "../src/core/backbone.ts";
import { timmModels, timmRows } from "../cli/node/coldstart.ts";
import { DATA, readCsv, readZooRecords } from "../cli/node/repoFiles.ts";
import { zooDefinition } from "../src/core/zoos.ts";

const hubMeta = readCsv(resolve(DATA, "records/transfergraph_image_model_meta.csv")).map(parseHubMeta);
const hub = hubBackbones(hubMeta);
const hubOf = (id: string) => hub.get(id)!.backbone;
const hubZoo = [...new Set(readZooRecords(zooDefinition("hub")).map((r) => r.model))];
const classicZoo = [...new Set(readZooRecords(zooDefinition("classic")).map((r) => r.model))];
const timm = timmBackbones(timmModels());

describe("backbones: Hugging Face hub", () => {
  it("groups re-uploads with the published checkpoint", () => {
    expect(hubOf("nielsr/convnext-xlarge-224-22k")).toBe("facebook/convnext-xlarge-224-22k");
    expect(hubOf("facebook/convnext-xlarge-224-22k")).toBe("facebook/convnext-xlarge-224-22k");
    expect(hubOf("nielsr/convnext-xlarge-224-22k-1k")).toBe("facebook/convnext-xlarge-224-22k-1k");
  });

  it("groups the small web-search ViT-B/16 fine-tunes under google/vit-base-patch16-224-in21k", () => {
    for (const id of ["nateraw/doggos-lol", "juanfiguera/ice_cream", "nateraw/rare-puppers", "julien-c/hotdog-not-hotdog", "aaraki/vit-base-patch16-224-in21k-finetuned-cifar10"])
      expect(hubOf(id)).toBe("google/vit-base-patch16-224-in21k");
    // Every ViT-B/16 HuggingPics fine-tune (2–5 web-search classes) lands in one of the two
    // google ViT-B/16 lineages, most in the in21k one; none is a backbone of its own.
    const hfpics = hubMeta.filter((m) => m.dataset === "hfpics" && m.modelType === "vit" && m.numParams > 80e6);
    expect(hfpics.length).toBeGreaterThan(60);
    expect(hfpics.every((m) => ["google/vit-base-patch16-224-in21k", "google/vit-base-patch16-224"].includes(hubOf(m.id)))).toBe(true);
    expect(hfpics.filter((m) => hubOf(m.id) === "google/vit-base-patch16-224-in21k").length).toBeGreaterThan(55);
  });

  it("groups small fine-tunes with the checkpoint whose body (parameters less head) they share", () => {
    expect(hubOf("nickmuchi/swin-tiny-patch4-window7-224-finetuned-eurosat")).toBe("microsoft/swin-tiny-patch4-window7-224");
    expect(hubOf("ibombonato/swin-age-classifier")).toBe("microsoft/swin-tiny-patch4-window7-224");
    expect(hubOf("mrm8488/convnext-tiny-finetuned-eurosat")).toBe("facebook/convnext-tiny-224");
    expect(hubOf("nielsr/van-base-finetuned-eurosat-imgaug")).toBe("Visual-Attention-Network/van-base");
    // DeiTForImageClassification's body carries the distillation token: the distilled checkpoint.
    expect(hubOf("AkshatSurolia/DeiT-FaceMask-Finetuned")).toBe("facebook/deit-base-distilled-patch16-224");
  });

  it("groups the publishers' resolution variants, not different pre-training", () => {
    expect(hubOf("facebook/convnext-base-384")).toBe("facebook/convnext-base-224");
    expect(hubOf("microsoft/swin-base-patch4-window12-384")).toBe("microsoft/swin-base-patch4-window7-224");
    expect(hubOf("google/vit-base-patch16-384")).toBe("google/vit-base-patch16-224");
    expect(hubOf("facebook/convnext-base-224-22k")).not.toBe(hubOf("facebook/convnext-base-224-22k-1k"));
    expect(hubOf("facebook/convnext-base-224")).not.toBe(hubOf("facebook/convnext-base-224-22k-1k"));
    expect(hubOf("microsoft/swin-base-patch4-window7-224")).not.toBe(hubOf("microsoft/swin-base-patch4-window7-224-in22k"));
    expect(hubOf("google/vit-base-patch16-224")).not.toBe(hubOf("google/vit-large-patch16-224"));
    expect(hubOf("google/vit-base-patch16-224")).not.toBe(hubOf("google/vit-base-patch32-384"));
  });

  it("keeps apart other trainings of one architecture", () => {
    // Same parameter count, different weights: timm's ViT-S conversion vs DeiT-S, an MAE-on-WuKong
    // ViT-B, BEiT's self-supervised-only checkpoint.
    expect(hubOf("WinKawaks/vit-small-patch16-224")).toBe("WinKawaks/vit-small-patch16-224");
    expect(hubOf("facebook/deit-small-patch16-224")).toBe("facebook/deit-small-patch16-224");
    expect(hubOf("IDEA-CCNL/Taiyi-vit-87M-D")).toBe("IDEA-CCNL/Taiyi-vit-87M-D");
    expect(hubOf("microsoft/beit-base-patch16-224-pt22k")).toBe("microsoft/beit-base-patch16-224-pt22k");
    expect(hubOf("google/vit-base-patch16-224")).not.toBe("google/vit-base-patch16-224-in21k");
  });

  it("records the fine-tuning data where we hold a sample like it", () => {
    expect(hub.get("nickmuchi/swin-tiny-patch4-window7-224-finetuned-eurosat")!.finetunedOn).toBe("eurosat");
    expect(hub.get("nateraw/vit-base-cats-vs-dogs")!.finetunedOn).toBe("pets");
    expect(hub.get("SriramSridhar78/sriram-car-classifier")!.finetunedOn).toBe("stanford_cars");
    expect(hub.get("eslamxm/vit-base-food101")!.finetunedOn).toBe("food101");
    expect(hub.get("nielsr/vit-base-patch16-224-in21k-finetuned-cifar10")!.finetunedOn).toBe("cifar10");
    expect(hub.get("nateraw/doggos-lol")!.finetunedOn).toBeNull();
    expect(hub.get("Ahmed9275/Vit-Cifar100")!.finetunedOn).toBeNull();
    expect(hub.get("facebook/convnext-base-224")!.finetunedOn).toBeNull();
    expect(finetuneSampleKey("Flowers102")).toBe("flowers102");
    expect(finetuneSampleKey("beans")).toBeNull();
  });

  it("counts: 180 hub models in 47 backbones; the largest is ViT-B/16 in21k", () => {
    const ids = new Set(hubZoo);
    const members = backboneMembers(hubZoo.map((id) => ({ id, backbone: hubOf(id) })));
    expect(ids.size).toBe(180);
    expect(members.size).toBe(47);
    const sizes = [...members.values()].map((m) => m.length).sort((a, b) => b - a);
    expect(members.get("google/vit-base-patch16-224-in21k")!.length).toBe(sizes[0]);
    expect(sizes[0]).toBe(94);
  });

  it("is deterministic whatever the row order", () => {
    const again = hubBackbones([...hubMeta].reverse());
    expect([...again].sort()).toEqual([...hub].sort());
  });
});

describe("backbones: classic", () => {
  it("every classic model is its own backbone (36 different sets of weights)", () => {
    expect(classicZoo.length).toBe(36);
    expect(new Set(classicZoo.map((id) => classicBackbone(id).backbone)).size).toBe(36);
  });
});

describe("backbones: timm", () => {
  const of = (m: string) => timm.get(m)!;

  it("has no test_* networks", () => {
    expect(timmRows().some((r) => isTimmTestNetwork(r.model))).toBe(true);
    expect(timmModels().some((r) => isTimmTestNetwork(r.model))).toBe(false);
  });

  it("groups resolution variants and re-uploads of one set of weights", () => {
    expect(of("convnextv2_large.fcmae_ft_in22k_in1k_384")).toBe("convnextv2_large.fcmae_ft_in22k_in1k");
    expect(of("vit_base_patch16_384.augreg_in21k_ft_in1k")).toBe("vit_base_patch16_224.augreg_in21k_ft_in1k");
    expect(of("swin_base_patch4_window12_384.ms_in22k_ft_in1k")).toBe("swin_base_patch4_window7_224.ms_in22k_ft_in1k");
    expect(of("volo_d5_512.sail_in1k")).toBe("volo_d5_224.sail_in1k");
    expect(of("levit_conv_384.fb_dist_in1k")).toBe(of("levit_384.fb_dist_in1k"));
  });

  it("never groups different pre-training tags or different widths", () => {
    const eva = timmModels().filter((r) => r.arch === "eva02_large_patch14_448");
    expect(eva.length).toBe(4);
    expect(new Set(eva.map((r) => of(r.model))).size).toBe(4);
    expect(of("eva02_large_patch14_448.mim_m38m_ft_in22k_in1k")).toBe("eva02_large_patch14_448.mim_m38m_ft_in22k_in1k");
    expect(of("convnextv2_large.fcmae_ft_in1k")).not.toBe(of("convnextv2_large.fcmae_ft_in22k_in1k"));
    expect(of("maxvit_base_tf_384.in21k_ft_in1k")).not.toBe(of("maxvit_base_tf_384.in1k"));
    expect(of("levit_256.fb_dist_in1k")).not.toBe(of("levit_384.fb_dist_in1k"));
    expect(of("regnety_320.pycls_in1k")).not.toBe(of("regnety_160.pycls_in1k"));
  });

  it("counts: 1,253 timm models in 1,119 backbones", () => {
    expect(timmModels().length).toBe(1253);
    const members = backboneMembers(timmModels().map((r) => ({ id: r.model, backbone: of(r.model) })));
    expect(members.size).toBe(1119);
    expect(Math.max(...[...members.values()].map((m) => m.length))).toBe(3);
  });
});

describe("backbones: a ranking as one row per backbone", () => {
  const models = [
    { id: "a", backbone: "A" },
    { id: "a-384", backbone: "A" },
    { id: "ft-eurosat", backbone: "A", finetunedOn: "eurosat" },
    { id: "ft-pets", backbone: "A", finetunedOn: "pets" },
    { id: "b" },
  ];
  const ranking = ["a-384", "b", "ft-pets", "a", "ft-eurosat"].map((model) => ({ model }));

  it("keeps each backbone's best member, in ranking order, with its variants", () => {
    const rows = groupRankingByBackbone(ranking, models);
    expect(rows.map((r) => [r.backbone, r.model, r.variants])).toEqual([
      ["A", "a-384", ["ft-pets", "a", "ft-eurosat"]],
      ["b", "b", []],
    ]);
    expect(rows.every((r) => r.similarData === null)).toBe(true);
  });

  it("names the variant fine-tuned on the data most like the task's, above the threshold", () => {
    const rows = groupRankingByBackbone(ranking, models, { sims: { eurosat: 0.6, pets: 0.3 }, threshold: 0.5 });
    expect(rows[0].similarData).toEqual({ model: "ft-eurosat", data: "eurosat", cosine: 0.6 });
    const none = groupRankingByBackbone(ranking, models, { sims: { eurosat: 0.4, pets: 0.3 }, threshold: 0.5 });
    expect(none[0].similarData).toBeNull();
  });

  it("collapses the hub's 180 models to 47 rows", () => {
    const hubModels = hubZoo.map((id) => ({ id, backbone: hubOf(id), finetunedOn: hub.get(id)!.finetunedOn }));
    expect(groupRankingByBackbone(hubZoo.map((model) => ({ model })), hubModels)).toHaveLength(47);
  });
});
