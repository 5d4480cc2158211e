import { z } from "zod";
import type { ColdStartModel } from "../coldstart/model.ts";
import type { Archi2VecData } from "../archi2vec/index.ts";
import { contentHash } from "./hash.ts";
import { BUNDLE_SCHEMA } from "./schema.ts";
import { BundleError } from "./validate.ts";

/**
 * What the page needs to place a dropped ONNX model: the archi2vec parameters (vocabulary is code;
 * method + idf are data) and the cold-start regressor into one zoo's transfer space. A separate
 * file, loaded only when someone drops a model.
 */
export const BYO_FILE = "byo.json";

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const nums = z.array(finite);

export const ByoSchema = z.object({
  schema: z.literal(BUNDLE_SCHEMA),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Zoo whose transfer space the regressor predicts into, and that zoo's content hash. */
  space: z.string().min(1),
  spaceHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Other zoos that share the same task vectors (e.g. the predicted timm zoo). */
  sameSpace: z.array(z.string()),
  archi2vec: z.object({ method: z.record(z.string(), z.unknown()), idf: nums.min(1) }),
  coldStart: z.object({
    version: z.literal(1),
    columns: z.array(z.string()),
    imputeMean: z.array(z.number()),
    intercept: nums,
    weights: z.array(nums),
    scale: z.object({ mean: nums, std: nums }),
    pca: z.object({ mean: nums, axes: z.array(nums) }),
    top1Imputer: z.object({ mean: nums, std: nums, weights: nums, intercept: finite, n: z.number() }),
    neighbours: z.array(z.object({ id: z.string(), embedding: nums, residual: nums })),
    config: z.record(z.string(), z.unknown()),
  }),
});

export interface ByoBundle {
  schema: typeof BUNDLE_SCHEMA;
  hash: string;
  space: string;
  spaceHash: string;
  sameSpace: string[];
  archi2vec: Pick<Archi2VecData, "method" | "idf">;
  coldStart: ColdStartModel;
}

export function validateByo(raw: unknown, file = BYO_FILE): ByoBundle {
  if (!raw || typeof raw !== "object") throw new BundleError(file, "is not a JSON object");
  const res = ByoSchema.safeParse(raw);
  if (!res.success) throw new BundleError(file, `does not match its schema (${res.error.issues[0]?.path.join(".")}: ${res.error.issues[0]?.message})`);
  if (contentHash(raw as Record<string, unknown>) !== res.data.hash) throw new BundleError(file, "content hash does not match: the file was changed or corrupted");
  return raw as ByoBundle;
}
