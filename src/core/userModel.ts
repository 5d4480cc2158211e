import { describeGraph } from "./archi2vec/index.ts";
import type { TypedGraph } from "./archi2vec/vocab.ts";
import type { ByoBundle } from "./bundle/byo.ts";
import type { ZooModel } from "./bundle/schema.ts";
import { coldStartFeatures } from "./coldstart/features.ts";
import { predictVector } from "./coldstart/model.ts";
import { dot } from "./math/linalg.ts";

export const USER_PREFIX = "yours:";

/**
 * A user's own architecture as a cold-start model: embedded by archi2vec, its vector predicted
 * from the graph alone (no ImageNet result, no pre-training known), ready to score in the space
 * the regressor targets. Everything happens in the page; nothing is uploaded.
 */
export function userModel(input: { name: string; graph: TypedGraph; inputSize: number }, byo: ByoBundle, priorVector: readonly number[]): ZooModel {
  const { embedding, meta } = describeGraph(byo.archi2vec, input.graph, input.inputSize);
  const features = coldStartFeatures({
    embedding,
    params: meta.params || null,
    macs: meta.macs || null,
    depth: meta.depth || null,
    inputSize: input.inputSize,
    pretraining: null,
    imagenetTop1: null,
  });
  const vector = predictVector(byo.coldStart, features);
  if (!vector.every(Number.isFinite)) throw new Error(`${input.name}: its architecture could not be placed (non-finite prediction)`);
  return {
    id: `${USER_PREFIX}${input.name}`,
    name: `${input.name} (yours)`,
    library: "user",
    sourceId: input.name,
    url: "https://onnx.ai/",
    family: "yours",
    params: meta.params || null,
    flops: meta.macs || null,
    inputSize: input.inputSize,
    pretraining: "unknown (your ONNX file)",
    imagenetTop1: null,
    measured: false,
    arch: null,
    archInfo: { depth: meta.depth, ops: meta.opCounts, nearest: [] },
    prior: dot(vector, priorVector),
    vector,
    results: {},
    code: `# your model: ${input.name}.onnx`,
  };
}
