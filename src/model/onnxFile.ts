/**
 * Reads a user's ONNX file into the generic graph form archi2vec embeds. The protobuf decoder
 * (onnx-proto on protobufjs) is imported on demand, so it costs nothing until someone drops a model.
 */
import { typedGraphFromOnnxGraph, type OnnxGraphLike } from "../core/archi2vec/onnx.ts";
import type { TypedGraph } from "../core/archi2vec/vocab.ts";

export interface UserGraph {
  name: string;
  graph: TypedGraph;
  inputSize: number;
  nodes: number;
}

type Dim = { dimValue?: number | { toNumber(): number } | null; dimParam?: string | null };
type ValueInfo = { name?: string | null; type?: { tensorType?: { shape?: { dim?: Dim[] | null } | null } | null } | null };

/** Spatial input size from the first non-initialiser input shaped [N, C, H, W]; 224 when unknown. */
function inputSizeOf(graph: OnnxGraphLike & { input?: ValueInfo[] | null }): number {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  for (const input of graph.input ?? []) {
    if (inits.has(input.name ?? "")) continue;
    const dims = input.type?.tensorType?.shape?.dim ?? [];
    const hw = dims.slice(2).map((d) => (typeof d.dimValue === "number" ? d.dimValue : (d.dimValue?.toNumber() ?? 0)));
    if (dims.length === 4 && hw.every((v) => v > 0)) return Math.max(...hw);
  }
  return 224;
}

export async function readOnnxModel(name: string, bytes: Uint8Array): Promise<UserGraph> {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  const { default: proto } = await import("onnx-proto");
  let graph: (OnnxGraphLike & { input?: ValueInfo[] | null }) | null | undefined;
  try {
    graph = proto.onnx.ModelProto.decode(bytes).graph as typeof graph;
  } catch {
    throw new Error(`${name}: not an ONNX model (its bytes are not an ONNX protobuf); export your model with torch.onnx.export or similar`);
  }
  if (!graph?.node?.length) throw new Error(`${name}: the ONNX file has no graph nodes`);
  let typed: TypedGraph;
  try {
    typed = typedGraphFromOnnxGraph(graph);
  } catch (e) {
    throw new Error(`${name}: its graph could not be read (${(e as Error).message})`);
  }
  return { name: name.replace(/\.onnx$/i, ""), graph: typed, inputSize: inputSizeOf(graph), nodes: graph.node.length };
}
