/**
 * From a decoded ONNX GraphProto (any protobuf decoder's plain object: onnx-proto/protobufjs,
 * onnxruntime's, hand-made) to the generic node form of vocab.ts. Typed structurally, so core
 * carries no protobuf dependency.
 */
import { typedGraphFromOnnx, type OnnxAttr, type OnnxGraphInfo, type OnnxNodeLike, type TypedGraph } from "./vocab.ts";

type Int = number | { toNumber(): number } | null | undefined;

export interface OnnxGraphLike {
  node?: { opType?: string | null; input?: string[] | null; output?: string[] | null; attribute?: OnnxAttributeLike[] | null }[] | null;
  initializer?: { name?: string | null; dims?: Int[] | null; dataType?: number | null; floatData?: number[] | null; rawData?: Uint8Array | null }[] | null;
  input?: { name?: string | null }[] | null;
}

interface OnnxAttributeLike {
  name?: string | null;
  i?: Int;
  f?: number | null;
  ints?: Int[] | null;
  floats?: number[] | null;
  s?: Uint8Array | null;
}

const toNum = (v: Int): number => (v === null || v === undefined ? 0 : typeof v === "number" ? v : v.toNumber());

function attrValue(a: OnnxAttributeLike): OnnxAttr {
  if (a.ints && a.ints.length > 0) return a.ints.map(toNum);
  if (a.floats && a.floats.length > 0) return [...a.floats];
  if (a.s && a.s.length > 0) return new TextDecoder().decode(a.s);
  if (a.f) return a.f;
  return toNum(a.i);
}

const FLOAT = 1;

export function onnxGraphToNodes(graph: OnnxGraphLike): { nodes: OnnxNodeLike[]; info: OnnxGraphInfo } {
  const initializers: Record<string, number[]> = {};
  const constants: Record<string, number[]> = {};
  for (const t of graph.initializer ?? []) {
    if (!t.name) continue;
    const dims = (t.dims ?? []).map(toNum);
    initializers[t.name] = dims;
    if (dims.reduce((a, b) => a * b, 1) === 1 && t.dataType === FLOAT) {
      if (t.floatData && t.floatData.length > 0) constants[t.name] = [t.floatData[0]];
      else if (t.rawData && t.rawData.length >= 4) constants[t.name] = [new DataView(t.rawData.buffer, t.rawData.byteOffset, 4).getFloat32(0, true)];
    }
  }
  const graphInputs = (graph.input ?? []).map((i) => i.name ?? "").filter((n) => n && !(n in initializers));
  const nodes: OnnxNodeLike[] = (graph.node ?? []).map((n) => ({
    opType: n.opType ?? "",
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? "", attrValue(a)])),
  }));
  return { nodes, info: { initializers, constants, graphInputs } };
}

export function typedGraphFromOnnxGraph(graph: OnnxGraphLike): TypedGraph {
  const { nodes, info } = onnxGraphToNodes(graph);
  return typedGraphFromOnnx(nodes, info);
}
