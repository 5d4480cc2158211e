/**
 * One backbone id per model: models whose backbone weights share one origin (re-uploads, resolution
 * variants, fine-tunes of one checkpoint that differ in the head or in a small fine-tuning set)
 * carry the same id, so the table can show one row per backbone. The rules, and why each is what
 * it is, are in docs/BACKBONES.md; test/backbone.test.ts checks them on the real records.
 *
 * Pure and deterministic: the same metadata always gives the same ids, whatever the input order.
 * Records, exports and scores stay per model; the id only groups rows.
 */

export interface BackboneAssignment {
  /** Shared by every model of one origin: the id of the checkpoint they descend from (it need not
   * be a model of the zoo, e.g. google/vit-base-patch16-224-in21k). */
  backbone: string;
  /** Image-sample key (shared/data/images) of the data the checkpoint was itself fine-tuned on,
   * where the metadata names one we hold; null otherwise. */
  finetunedOn: string | null;
}

import { backbone as paramsLessHead } from "./archi2vec/link.ts";

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Backbone id → its members (sorted), for models that carry `backbone` (absent: own id). */
export function backboneMembers(models: readonly { id: string; backbone?: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of models) {
    const b = m.backbone ?? m.id;
    out.set(b, [...(out.get(b) ?? []), m.id]);
  }
  for (const ids of out.values()) ids.sort(compareIds);
  return out;
}

/** One row of a ranking collapsed to backbones. */
export interface BackboneRow {
  backbone: string;
  /** The best-ranked member: the row's model. */
  model: string;
  /** The other members, in ranking order ("+N variants"). */
  variants: string[];
  /** The member fine-tuned on the data most like the new task's images, where one is at least
   * `threshold` similar (null otherwise); it may be the row's own model. */
  similarData: { model: string; data: string; cosine: number } | null;
}

/**
 * A ranking (best first) as one row per backbone, in the order of each backbone's best member.
 * `sims` (image-sample key → cosine of the new task's images to that sample, as TaskDescriptor
 * gives) names, per row, the member whose fine-tuning data resembles the task most.
 */
export function groupRankingByBackbone(
  ranking: readonly { model: string }[],
  models: readonly { id: string; backbone?: string; finetunedOn?: string | null }[],
  similar?: { sims: Readonly<Record<string, number>>; threshold: number },
): BackboneRow[] {
  const info = new Map(models.map((m) => [m.id, m]));
  const rows = new Map<string, BackboneRow>();
  for (const { model } of ranking) {
    const m = info.get(model);
    const b = m?.backbone ?? model;
    const row = rows.get(b);
    if (row) row.variants.push(model);
    else rows.set(b, { backbone: b, model, variants: [], similarData: null });
    const data = m?.finetunedOn;
    const cos = data && similar ? similar.sims[data] : undefined;
    if (data && cos !== undefined && cos >= similar!.threshold) {
      const r = rows.get(b)!;
      if (!r.similarData || cos > r.similarData.cosine) r.similarData = { model, data, cosine: cos };
    }
  }
  return [...rows.values()];
}

// ---------------------------------------------------------------------------------------------
// Fine-tuning data → image sample

/** Dataset names as model metadata spells them → the key of the image sample we hold of that data
 * (or of the closest one: cats_vs_dogs is photos of cats and dogs, like the pets sample). */
const FINETUNE_SAMPLES: Record<string, string> = {
  caltech101: "caltech101",
  cifar10: "cifar10",
  diabetic_retinopathy: "diabetic_retinopathy",
  diabetic_retinopathy_detection: "diabetic_retinopathy",
  dtd: "dtd",
  eurosat: "eurosat",
  flowers: "flowers102",
  flowers102: "flowers102",
  oxford_flowers102: "flowers102",
  food101: "food101",
  food: "food101",
  kitti: "kitti",
  pets: "pets",
  oxford_iiit_pet: "pets",
  cats_vs_dogs: "pets",
  stanfordcars: "stanford_cars",
  stanford_cars: "stanford_cars",
  cars: "stanford_cars",
  sun397: "sun397",
};

/** The image-sample key for a fine-tuning dataset name, or null when we hold no sample like it. */
export function finetuneSampleKey(dataset: string | null | undefined): string | null {
  if (!dataset) return null;
  return FINETUNE_SAMPLES[dataset.trim().toLowerCase()] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Hugging Face hub (TransferGraph's model table)

/** One row of transfergraph_image_model_meta.csv, typed. NaN where the table is empty. */
export interface HubBackboneMeta {
  id: string;
  /** HF config model_type: vit, deit, swin, convnext, beit, van, resnet, data2vec-vision. */
  modelType: string;
  /** The dataset the checkpoint was trained or fine-tuned on ("imagenet", "hfpics", "eurosat"…). */
  dataset: string;
  numLabels: number;
  numParams: number;
  featureDim: number;
  inputSize: number;
}

/** Reads one CSV row (column names as in data/records/transfergraph_image_model_meta.csv). */
export function parseHubMeta(row: Readonly<Record<string, string>>): HubBackboneMeta {
  const num = (s: string | undefined) => (s && s.trim() !== "" ? Number(s) : Number.NaN);
  return {
    id: row.model,
    modelType: (row.model_type ?? "").trim(),
    dataset: (row.pretrain_or_finetune_dataset ?? "").trim(),
    numLabels: num(row.num_labels),
    numParams: num(row.num_parameters),
    featureDim: num(row.feature_dim),
    inputSize: num(row.input_size),
  };
}

/** Data a checkpoint is published on rather than fine-tuned on: such a model is an origin. */
const PRETRAINING_DATA = new Set(["imagenet", "imagenet-21k"]);
/** Organisations that released the original checkpoints in the table; a same-named model under
 * another account is a re-upload of theirs. */
const PUBLISHERS = new Set(["google", "facebook", "microsoft", "Visual-Attention-Network"]);
/** Origins that are not rows of the table but that hub fine-tunes start from: HuggingPics and the
 * HF image-classification tutorial fine-tune google/vit-base-patch16-224-in21k. Its classifier
 * body is ViT-B/16's (85,798,656 parameters without the head, as in google/vit-base-patch16-224). */
const EXTRA_ORIGINS: HubBackboneMeta[] = [
  { id: "google/vit-base-patch16-224-in21k", modelType: "vit", dataset: "imagenet-21k", numLabels: 0, numParams: 85_798_656, featureDim: 768, inputSize: 224 },
];
/** Words that name an architecture family in a model name. */
const FAMILY_WORDS = new Set(["vit", "deit", "beit", "swin", "convnext", "van", "resnet", "data2vec"]);

const org = (id: string) => (id.includes("/") ? id.slice(0, id.indexOf("/")) : "");
const tail = (id: string) => id.slice(id.indexOf("/") + 1).toLowerCase();
const tokens = (id: string) => tail(id).split(/[-_./]+/);

/** Parameters less the classification head(s): what a fine-tune keeps of its start. DeiT's
 * distilled checkpoints carry two heads (class and distillation token). */
export function hubBodyParams(m: HubBackboneMeta): number {
  const heads = m.modelType === "deit" && /distilled/.test(m.id) ? 2 : 1;
  return paramsLessHead(m.numParams, m.featureDim, heads * m.numLabels);
}

/** A hub name without its resolution: "convnext-base-384-22k-1k" → "convnext-base-22k-1k",
 * "swin-base-patch4-window12-384" → "swin-base-patch4-window". */
const hubResolutionFree = (id: string) =>
  tail(id)
    .replace(/-(160|192|224|256|288|320|384|448|512)(?=-|$)/g, "")
    .replace(/window\d+/g, "window");

/**
 * Backbone and fine-tuning data of every hub model (docs/BACKBONES.md, "Hugging Face hub"):
 *  1. a model trained on ImageNet-1k or -21k is an origin; published by its authors it is its own
 *     backbone, grouped with the same authors' resolution variants (same name less the resolution,
 *     same training data and type, bodies within 2%); under another account it is a re-upload when
 *     its name matches a published one (same type and parameters), otherwise its own backbone;
 *  2. a model fine-tuned on other data belongs to the origin whose body (parameters less head) and
 *     input size it shares, narrowed by its name (an origin's name inside it, then the family word
 *     it carries), then to the pre-training-only origin (ImageNet-21k); still ambiguous or no match:
 *     its own backbone.
 */
export function hubBackbones(rows: readonly HubBackboneMeta[]): Map<string, BackboneAssignment> {
  const all = [...rows].sort((a, b) => compareIds(a.id, b.id));
  const isOrigin = (m: HubBackboneMeta) => PRETRAINING_DATA.has(m.dataset.toLowerCase());
  const published = all.filter((m) => isOrigin(m) && PUBLISHERS.has(org(m.id)));
  const origin = new Map<string, string>();

  // Resolution variants among the published origins: the smallest input names the group.
  for (const m of published) {
    const twins = published.filter(
      (o) =>
        org(o.id) === org(m.id) &&
        o.modelType === m.modelType &&
        o.dataset === m.dataset &&
        hubResolutionFree(o.id) === hubResolutionFree(m.id) &&
        Math.abs(hubBodyParams(o) - hubBodyParams(m)) <= 0.02 * hubBodyParams(m),
    );
    const first = twins.sort((a, b) => a.inputSize - b.inputSize || compareIds(a.id, b.id))[0];
    origin.set(m.id, first.id);
  }
  for (const m of all) {
    if (!isOrigin(m) || origin.has(m.id)) continue;
    const same = published.find((p) => tail(p.id) === tail(m.id) && p.modelType === m.modelType && p.numParams === m.numParams);
    origin.set(m.id, same ? origin.get(same.id)! : m.id);
  }

  const parents = [...published, ...EXTRA_ORIGINS.filter((e) => !all.some((m) => m.id === e.id))];
  const out = new Map<string, BackboneAssignment>();
  for (const m of all) {
    const finetunedOn = isOrigin(m) ? null : finetuneSampleKey(m.dataset);
    if (isOrigin(m)) {
      out.set(m.id, { backbone: origin.get(m.id)!, finetunedOn });
      continue;
    }
    const body = hubBodyParams(m);
    let cands = Number.isFinite(body) ? parents.filter((p) => p.modelType === m.modelType && p.inputSize === m.inputSize && hubBodyParams(p) === body) : [];
    const named = cands.filter((p) => tail(m.id).includes(tail(p.id))).sort((a, b) => tail(b.id).length - tail(a.id).length);
    if (named.length) cands = [named[0]];
    const word = tokens(m.id).find((t) => FAMILY_WORDS.has(t));
    if (cands.length > 1 && word) cands = cands.filter((p) => tokens(p.id)[0] === word);
    if (cands.length > 1) {
      const pretrainOnly = cands.filter((p) => p.dataset === "imagenet-21k");
      if (pretrainOnly.length) cands = pretrainOnly;
    }
    const start = cands.length === 1 ? cands[0].id : null;
    out.set(m.id, { backbone: start ? (origin.get(start) ?? start) : m.id, finetunedOn });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// timm

export interface TimmModelMeta {
  /** The timm model name, `arch.tag`. */
  model: string;
  arch: string;
  tag: string;
  /** Evaluation size of the row kept for the model. */
  imgSize: number;
  paramsM: number;
  top1: number;
}

/** Not models one would fine-tune: timm's tiny `test_*` networks, built to exercise code paths
 * (0.3–0.9 M parameters, 41–57 % ImageNet top-1). */
export function isTimmTestNetwork(model: string): boolean {
  return model.startsWith("test_");
}

/** Evaluation resolutions as they appear inside timm arch names (`_224`, `_384`, …). */
const TIMM_RES = "160|176|192|224|240|256|260|288|300|320|336|380|384|448|456|475|512|528|560|600|800";
const ARCH_RES = new RegExp(`_(${TIMM_RES})(?=_|$)`, "g");
const TAG_RES = new RegExp(`_(${TIMM_RES})$`);

/** The part of a timm name that resolution variants share: the arch less its resolution and
 * window tokens, and the tag less a trailing `_384`. */
function timmStem(m: TimmModelMeta): string {
  return `${m.arch.replace(ARCH_RES, "").replace(/window\d+/g, "window")}.${m.tag.replace(TAG_RES, "")}`;
}
/** The resolution a name states (arch token or tag suffix), "" if none. */
function timmNamedResolution(m: TimmModelMeta): string {
  return [...m.arch.matchAll(ARCH_RES)].map((x) => x[1]).join("/") + "|" + (TAG_RES.exec(m.tag)?.[1] ?? "");
}

/**
 * Backbone of every timm model (docs/BACKBONES.md, "timm"): one group per set of
 *  - resolution variants: the same arch and pre-training tag once resolution tokens are removed,
 *    names that state different resolutions, parameter counts within 2% (a token like `_384`
 *    can also be a width, as in levit_384 or regnety_320; those differ in size);
 *  - re-uploads of the same weights: equal parameter count and equal ImageNet top-1 at the same
 *    evaluation size (levit_384 and levit_conv_384, one set of weights in two implementations).
 * Different pre-training tags are never grouped: they are different weights. The id is the member
 * evaluated at the smallest size (then the first name).
 */
export function timmBackbones(models: readonly TimmModelMeta[]): Map<string, string> {
  const ms = [...models].sort((a, b) => compareIds(a.model, b.model));
  const parent = ms.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const join = (i: number, j: number) => {
    const a = find(i);
    const b = find(j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.02 * Math.max(a, b);
  const byStem = new Map<string, number[]>();
  ms.forEach((m, i) => byStem.set(timmStem(m), [...(byStem.get(timmStem(m)) ?? []), i]));
  for (const group of byStem.values())
    for (const i of group)
      for (const j of group)
        if (i < j && timmNamedResolution(ms[i]) !== timmNamedResolution(ms[j]) && near(ms[i].paramsM, ms[j].paramsM)) join(i, j);
  const sameWeights = new Map<string, number>();
  ms.forEach((m, i) => {
    const key = `${m.imgSize}|${m.paramsM}|${m.top1.toFixed(3)}`;
    const k = sameWeights.get(key);
    if (k === undefined) sameWeights.set(key, i);
    else join(k, i);
  });
  const members = new Map<number, number[]>();
  ms.forEach((_, i) => members.set(find(i), [...(members.get(find(i)) ?? []), i]));
  const out = new Map<string, string>();
  for (const idx of members.values()) {
    const head = [...idx].sort((a, b) => ms[a].imgSize - ms[b].imgSize || compareIds(ms[a].model, ms[b].model))[0];
    for (const i of idx) out.set(ms[i].model, ms[head].model);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Classic

/** The classic zoo's 36 models are 36 different sets of weights (SFDA's torchvision and
 * self-supervised ResNet-50s, EMMS's ViTs; no two share an origin): each is its own backbone. */
export function classicBackbone(id: string): BackboneAssignment {
  return { backbone: id, finetunedOn: null };
}
