import { z } from "zod";
import { PLACEMENT_FEATURES } from "../task/placement.ts";

/**
 * The static data the app reads: a manifest (proxy facts, historical-task centroids, zoo index)
 * and one file per zoo. Every file carries a content hash; share links name the manifest's.
 */
export const BUNDLE_SCHEMA = "fennec-bundle/1";

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const vector = z.array(finite).min(1);
const hashHex = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

export const ImageTaskSchema = z.object({
  /** Folder name of the image sample, e.g. "stanford_cars". */
  key: z.string().min(1),
  name: z.string(),
  nImages: z.number().int().positive(),
  nClasses: z.number().int().positive(),
  /** Mean of the task's centred, L2-normalised proxy embeddings. */
  centroid: vector,
  /** The sample's domain statistics and class separability, as a new folder's are computed
   * (src/core/task/imageStats.ts, separability.ts): what the placement model was fitted on. */
  domain: z.object({ top1: finite, entropy: finite, shorter: z.number().int().positive(), grey: finite }),
  probe: finite.nullable(),
});

const PlacementFeatureSchema = z.enum(PLACEMENT_FEATURES);

/** The fitted placement model (src/core/task/placement.ts). */
export const PlacementModelSchema = z.object({
  kind: z.enum(["ridge", "kernel"]),
  features: z.array(PlacementFeatureSchema).min(1),
  strength: finite.refine((x) => x >= 0, "must not be negative"),
  bandwidth: finite.refine((x) => x > 0, "must be positive"),
  mean: z.array(finite),
  std: z.array(finite.refine((x) => x > 0, "must be positive")),
  weights: z.array(z.array(finite)),
  train: z.array(z.object({ task: z.string().min(1), x: z.array(finite), delta: z.array(finite) })).min(2),
  reach: finite.refine((x) => x > 0, "must be positive"),
});

export const ManifestSchema = z.object({
  schema: z.literal(BUNDLE_SCHEMA),
  hash: hashHex,
  provenance: z.string(),
  proxy: z.object({
    file: z.string(),
    sha256: hashHex,
    embeddingDim: z.number().int().positive(),
  }),
  /** Mean embedding of all historical images: subtracting it makes cosines discriminative. */
  center: vector,
  imageTasks: z.array(ImageTaskSchema).min(1),
  /** Samples of data some model was fine-tuned on that are not among `imageTasks` (a task held
   * out by --exclude-task); absent in the committed bundle, where every sample is a task. */
  finetuneData: z.array(z.object({ key: z.string().min(1), centroid: vector })).optional(),
  zoos: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string(),
        file: z.string(),
        hash: hashHex,
        nModels: z.number().int().positive(),
        predicted: z.boolean(),
      }),
    )
    .min(1),
});

export const ZooTaskSchema = z.object({
  id: z.string().min(1),
  /** Key of the image sample that shows this task, when one exists. */
  imageTask: z.string().nullable(),
  nModels: z.number().int().nonnegative(),
  nClasses: z.number().int().positive().nullable(),
  /** Number of training images in the source's fine-tuning runs (zoos.ts TASK_SIZES); absent in
   * bundles built before the meta-score. */
  size: z.number().int().positive().nullable().optional(),
  /** Column mean/std of the raw results, to turn standardised scores back into the metric. */
  mean: finite,
  std: finite,
  vector,
});

export const ZooModelSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  library: z.enum(["torchvision", "timm", "hf", "ssl", "github", "user"]),
  /** A ready line of Python that loads the checkpoint (or says where it lives). */
  code: z.string(),
  sourceId: z.string(),
  url: z.string().regex(/^https:\/\//, "must be an https link"),
  family: z.string(),
  params: finite.nullable(),
  flops: finite.nullable(),
  inputSize: z.number().int().positive().nullable(),
  pretraining: z.string(),
  imagenetTop1: finite.nullable(),
  /** false: the vector is predicted from architecture and ImageNet results, not measured. */
  measured: z.boolean(),
  /** The architecture graph this model is linked to (archi2vec), with a short summary. */
  arch: z.string().nullable(),
  archInfo: z
    .object({
      depth: z.number().int().nonnegative(),
      ops: z.record(z.string(), z.number().int().nonnegative()),
      /** Closest architectures by archi2vec cosine, best first. */
      nearest: z.array(z.object({ arch: z.string(), cosine: finite })).max(10),
    })
    .nullable(),
  prior: finite,
  vector,
  /** The model's meta-score features, in the order of the zoo's `meta.features` (absent when the
   * zoo has no meta model). */
  meta: z.array(finite).optional(),
  /** Measured results on historical tasks (the zoo's metric, raw). */
  results: z.record(z.string(), finite),
  /** Key of the image sample (shared/data/images) of the data this checkpoint was itself
   * fine-tuned on, where we hold one (e.g. "eurosat"); null/absent: none. Model metadata: it stays
   * when --exclude-task holds that dataset out as a task. */
  finetunedOn: z.string().min(1).nullable().optional(),
  /** Shared by the models whose backbone weights have one origin (re-uploads, resolution
   * variants, small fine-tunes of one checkpoint): the table shows one row per backbone
   * (src/core/backbone.ts, docs/BACKBONES.md). Absent in older bundles: the model's own id. */
  backbone: z.string().min(1).optional(),
  /** Predicted models only: the measured models nearest in architecture (archi2vec cosine), the
   * "relatives" whose fitted vectors shaped the prediction (src/core/coldstart/explain.ts). */
  relatives: z.array(z.object({ id: z.string().min(1), cosine: finite })).max(10).optional(),
});

export const MetaModelSchema = z.object({
  /** Model feature names: the order of each model's `meta` values. */
  features: z.array(z.string().min(1)).min(1),
  center: z.array(finite),
  /** Task feature names (log number of classes, log training-set size). */
  taskFeatures: z.array(z.enum(["logClasses", "logSize"])),
  taskMean: z.array(finite),
  taskStd: z.array(finite.refine((x) => x > 0, "must be positive")),
  /** Main effects, then one row of interactions per task feature. */
  weights: z.array(z.array(finite)).min(1),
  lambda: finite,
});

export const ZooSchema = z.object({
  schema: z.literal(BUNDLE_SCHEMA),
  hash: hashHex,
  zoo: z.string().min(1),
  name: z.string(),
  description: z.string(),
  metric: z.string(),
  provenance: z.string(),
  /** Predicted zoos: what the order comes from. "predictor": the cold-start vectors; a baseline
   * ("imagenetTop1", "params"): the vectors carry that score alone (factors 0, bias = its z-score),
   * because the predictor did not beat it (npm run validate-timm, docs/COLDSTART.md). */
  rankedBy: z.enum(["predictor", "imagenetTop1", "params"]).optional(),
  rank: z.number().int().positive(),
  mapper: z.object({
    /** Softmax temperature over cosine similarities to the image-backed tasks. */
    tau: finite.refine((x) => x > 0, "must be positive"),
    /** How far the task vector moves from the prior towards the image-inferred mix (0..1). */
    alpha: finite.refine((x) => x >= 0 && x <= 1, "must be within 0..1"),
    /** Weight w of the meta-score: score = (1 − w)·u·v + w·meta (0..1; absent = 0). */
    meta: finite.refine((x) => x >= 0 && x <= 1, "must be within 0..1").optional(),
    /** The placement settings chosen by the evaluation (null: the prior, no correction). */
    placement: z
      .object({ kind: z.enum(["ridge", "kernel"]), features: z.array(PlacementFeatureSchema).min(1), strength: finite, bandwidth: finite })
      .nullable()
      .optional(),
    /** The fine-tuning-data term (zoos.ts FinetuneSettings; null/absent: off). */
    finetune: z
      .object({ weight: finite.refine((x) => x >= 0, "must not be negative"), threshold: finite.refine((x) => x >= -1 && x < 1, "must be within -1..1") })
      .nullable()
      .optional(),
  }),
  /** The fitted meta-score model (src/core/task/meta.ts); absent in zoos without one. */
  meta: MetaModelSchema.optional(),
  /** The placement model (src/core/task/placement.ts); absent: the similarity mixture above. */
  placement: PlacementModelSchema.optional(),
  /** The predicted-result level and 80% interval (src/core/task/predicted.ts); absent: no
   * predicted values (older bundles, zoos without image-backed tasks). */
  level: z.object({ intercept: finite, spread: finite.refine((x) => x > 0, "must be positive") }).optional(),
  interval: z.object({ before: z.tuple([finite, finite]), after: z.tuple([finite, finite]) }).optional(),
  tasks: z.array(ZooTaskSchema).min(1),
  models: z.array(ZooModelSchema).min(1),
}).superRefine((zoo, ctx) => {
  const meta = zoo.meta;
  if (!meta) {
    if ((zoo.mapper.meta ?? 0) > 0) ctx.addIssue({ code: "custom", path: ["mapper", "meta"], message: "is above 0 but the zoo has no meta model" });
    if (zoo.models.some((m) => m.meta)) ctx.addIssue({ code: "custom", path: ["models"], message: "carry meta features but the zoo has no meta model" });
    return;
  }
  const p = meta.features.length;
  const q = meta.taskFeatures.length;
  if (meta.center.length !== p || meta.weights.length !== 1 + q || meta.weights.some((w) => w.length !== p))
    ctx.addIssue({ code: "custom", path: ["meta"], message: `weights must be ${1 + q} rows of ${p} values, center ${p} values` });
  if (meta.taskMean.length !== q || meta.taskStd.length !== q)
    ctx.addIssue({ code: "custom", path: ["meta"], message: `taskMean and taskStd must have ${q} values` });
  const bad = zoo.models.findIndex((m) => m.meta?.length !== p);
  if (bad >= 0) ctx.addIssue({ code: "custom", path: ["models", bad, "meta"], message: `must have ${p} values (meta.features)` });
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ImageTask = z.infer<typeof ImageTaskSchema>;
export type Zoo = z.infer<typeof ZooSchema>;
export type ZooModel = z.infer<typeof ZooModelSchema>;
export type ZooTask = z.infer<typeof ZooTaskSchema>;
export type ZooMetaModel = z.infer<typeof MetaModelSchema>;
export type ZooPlacementModel = z.infer<typeof PlacementModelSchema>;
