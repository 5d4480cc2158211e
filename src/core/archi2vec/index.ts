/**
 * archi2vec: the stored embedding file (data/derived/archi2vec.json, built by
 * tools/build-archi2vec.ts) and the functions that place a new graph in its space.
 */
import { cosine, embedGraph, type EmbedMethod } from "./embed.ts";
import { graphMeta, type GraphMeta } from "./meta.ts";
import { canonicalize, matrixOf, type TypedGraph } from "./vocab.ts";

export * from "./vocab.ts";
export * from "./embed.ts";
export * from "./meta.ts";
export * from "./link.ts";
export * from "./onnx.ts";

export interface ArchEntry {
  lib: string;
  input: number;
  /** Parameter count as recorded with the trace. */
  params: number;
  /** Multiply-accumulates at the native input size. */
  flops: number;
  depth: number;
  opCounts: Record<string, number>;
  embedding: number[];
}

export interface Archi2VecData {
  version: 1;
  method: EmbedMethod & Record<string, unknown>;
  idf: number[];
  archs: Record<string, ArchEntry>;
  /** Zoo id → model id → arch key. */
  links: Record<string, Record<string, string>> & { classic: Record<string, string>; hub: Record<string, string>; timm: Record<string, string> };
  /** Zoo id → model id → how the link was chosen (timm links are all exact names). */
  linkRules?: Record<string, Record<string, string>>;
  unlinked: Record<string, string[]> & { classic: string[]; hub: string[]; timm: string[] };
}

/** Embedding and meta-features of a graph the store has never seen (e.g. a dropped ONNX file). */
export function describeGraph(data: Pick<Archi2VecData, "method" | "idf">, g: TypedGraph, inputSize: number): { embedding: number[]; meta: GraphMeta } {
  return { embedding: embedGraph(canonicalize(g), data.method, data.idf), meta: graphMeta(g, inputSize) };
}

/** Stored archs closest to an embedding by cosine, best first. */
export function nearestArchs(data: Pick<Archi2VecData, "archs">, embedding: ArrayLike<number>, k: number, exclude?: string): { arch: string; cosine: number }[] {
  return Object.entries(data.archs)
    .filter(([a]) => a !== exclude)
    .map(([arch, e]) => ({ arch, cosine: cosine(embedding, e.embedding) }))
    .sort((a, b) => b.cosine - a.cosine || (a.arch < b.arch ? -1 : 1))
    .slice(0, k);
}

/** Width of the classifier's input: the last linear op's input size. */
export function featureDim(g: TypedGraph): number | undefined {
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (n.paramOnly || n.kind !== "linear") continue;
    const m = n.wshape ?? matrixOf(n.weights);
    if (m) return m[m.length - 1];
  }
  return undefined;
}
