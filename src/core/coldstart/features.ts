/**
 * Cold-start features of a model that has no transfer records: what its architecture graph and,
 * where known, its ImageNet result and pre-training say. The same function serves the timm zoo
 * (built offline) and a user's dropped ONNX model in the browser, where only the graph is known.
 *
 * Unknown values are never silent zeros: they are NaN here, each with an explicit "known"
 * indicator, and the fitted model imputes them (ImageNet top-1 from the architecture, pre-training
 * flags by their training-set means); see model.ts.
 */
import type { Pretraining } from "./pretraining.ts";

export interface ColdStartInput {
  /** archi2vec embedding of the graph (L2-normalised, 256 values). */
  embedding: ArrayLike<number>;
  /** Parameter count; null when unknown. */
  params: number | null;
  /** Multiply-accumulates at the native input size; null when unknown. */
  macs: number | null;
  /** Longest path counted in conv/linear ops; null when unknown. */
  depth: number | null;
  /** Input side in pixels; null when unknown. */
  inputSize: number | null;
  /** null: unknown (e.g. a dropped ONNX file). */
  pretraining: Pick<Pretraining, "labelledIn1k" | "selfSupervised" | "extraData" | "imageText"> | null;
  /** ImageNet-1k top-1 (%); null: unknown. */
  imagenetTop1: number | null;
}

/** The scalar features, in this order. NaN marks an unknown value. */
export const META_FEATURES = [
  "logParams",
  "logMacs",
  "logDepth",
  "logInput",
  "top1",
  "top1Known",
  "labelledIn1k",
  "selfSupervised",
  "extraData",
  "imageText",
  "pretrainingKnown",
] as const;

export type MetaFeature = (typeof META_FEATURES)[number];

/** Features the top-1 imputer reads: the architecture's size only. */
export const ARCH_FEATURES: readonly MetaFeature[] = ["logParams", "logMacs", "logDepth", "logInput"];

export interface ColdStartFeatures {
  /** One value per META_FEATURES entry; NaN = unknown. */
  meta: number[];
  /** The archi2vec embedding, L2-normalised again (a copy). */
  embedding: number[];
}

const log10OrNaN = (x: number | null) => (x != null && Number.isFinite(x) && x > 0 ? Math.log10(x) : Number.NaN);
const flag = (b: boolean | undefined) => (b === undefined ? Number.NaN : b ? 1 : 0);

/** Deterministic: the same input always gives the same features. */
export function coldStartFeatures(input: ColdStartInput): ColdStartFeatures {
  const p = input.pretraining;
  const top1 = input.imagenetTop1 != null && Number.isFinite(input.imagenetTop1) ? input.imagenetTop1 : Number.NaN;
  const values: Record<MetaFeature, number> = {
    logParams: log10OrNaN(input.params),
    logMacs: log10OrNaN(input.macs),
    logDepth: log10OrNaN(input.depth),
    logInput: input.inputSize != null && input.inputSize > 0 ? Math.log2(input.inputSize / 224) : Number.NaN,
    top1,
    top1Known: Number.isNaN(top1) ? 0 : 1,
    labelledIn1k: flag(p?.labelledIn1k),
    selfSupervised: flag(p?.selfSupervised),
    extraData: flag(p?.extraData),
    imageText: flag(p?.imageText),
    pretrainingKnown: p ? 1 : 0,
  };
  let n = 0;
  for (let i = 0; i < input.embedding.length; i++) n += input.embedding[i] ** 2;
  n = Math.sqrt(n);
  return {
    meta: META_FEATURES.map((f) => values[f]),
    embedding: Array.from(input.embedding, (x) => (n > 0 ? x / n : 0)),
  };
}
