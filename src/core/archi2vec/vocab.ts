/**
 * One op vocabulary for computation graphs from any source (torch autograd traces, ONNX files), so
 * that a user's model lands in the same space as the stored zoo graphs.
 *
 * Two levels:
 * - a *typed graph* keeps every node (views included) with its kind, weights and stride: shape
 *   propagation for FLOPs needs the views (splits, token selects) and the parameter-only nodes;
 * - a *canonical graph* is what gets embedded: only compute ops, rewired through the views, with
 *   the differences between exporters (BN folded into convs, fused vs explicit attention, swish
 *   as x·sigmoid(x)) normalised away.
 */

export type OpKind =
  | "conv" | "dwconv" | "linear" | "matmul"
  | "batchnorm" | "layernorm" | "groupnorm"
  | "relu" | "relu6" | "gelu" | "silu" | "sigmoid" | "hardswish" | "hardsigmoid" | "tanh" | "leakyrelu"
  | "softmax" | "attention"
  | "add" | "mul" | "concat"
  | "maxpool" | "avgpool" | "globalpool" | "upsample" | "pad"
  | "other"
  // Dropped from canonical graphs; kept apart because shape propagation reads them differently.
  | "view" | "split" | "select" | "scalar";

export const CANONICAL_KINDS: readonly OpKind[] = [
  "conv", "dwconv", "linear", "matmul", "batchnorm", "layernorm", "groupnorm", "relu", "relu6", "gelu",
  "silu", "sigmoid", "hardswish", "hardsigmoid", "tanh", "leakyrelu", "softmax", "add", "mul", "concat",
  "maxpool", "avgpool", "globalpool", "upsample", "pad", "other",
];

export const DROPPED = new Set<OpKind>(["view", "split", "select", "scalar"]);

export interface TypedNode {
  kind: OpKind;
  /** Source op name, kept for diagnostics and for context rules (e.g. ReduceMean vs Mean). */
  op: string;
  inputs: number[];
  /** Shapes of the parameters this op consumes directly. */
  weights: number[][];
  /** Main weight of a conv `[out, in/groups, kh, kw]` or linear `[out, in]`, when known. */
  wshape?: number[];
  stride?: number[];
  groups?: number;
  kernel?: number[];
  /** True when the node does not depend on the image (parameter-only or shape computations). */
  paramOnly: boolean;
}

export interface TypedGraph {
  nodes: TypedNode[];
}

export interface CanonicalNode {
  label: string;
  inputs: number[];
}

export interface CanonicalGraph {
  nodes: CanonicalNode[];
}

// ---------------------------------------------------------------------------------------------
// torch autograd traces (data/graphs/arch-graphs.jsonl.gz)

export interface TorchNode {
  op: string;
  in: number[];
  w?: number[][];
  s?: number[];
  g?: number;
  d?: number[];
}

export interface TorchLine {
  lib: string;
  arch: string;
  input: number;
  params: number;
  out_dim?: number;
  model_type?: string;
  nodes: TorchNode[];
}

const TORCH_KIND: Record<string, OpKind> = {
  Addmm: "linear", Linear: "linear",
  NativeBatchNorm: "batchnorm", CudnnBatchNorm: "batchnorm", BatchNorm: "batchnorm",
  NativeLayerNorm: "layernorm", LayerNorm: "layernorm",
  NativeGroupNorm: "groupnorm", GroupNorm: "groupnorm",
  Relu: "relu", Threshold: "relu", Hardtanh: "relu6", Relu6: "relu6", Clamp: "relu6",
  Gelu: "gelu", Silu: "silu", Sigmoid: "sigmoid", Hardswish: "hardswish", Hardsigmoid: "hardsigmoid",
  Tanh: "tanh", LeakyRelu: "leakyrelu", Elu: "other", Mish: "other", Softplus: "other",
  Softmax: "softmax", SafeSoftmax: "softmax", LogSoftmax: "softmax",
  ScaledDotProductFlashAttentionForCpu: "attention", ScaledDotProductFlashAttention: "attention",
  ScaledDotProductEfficientAttention: "attention", ScaledDotProductAttentionMath: "attention",
  ScaledDotProductCudnnAttention: "attention",
  Add: "add", Mul: "mul", Addcmul: "mul", Cat: "concat",
  MaxPool2DWithIndices: "maxpool", MaxPool2D: "maxpool", MaxPool1D: "maxpool", MaxPool3DWithIndices: "maxpool",
  AvgPool2D: "avgpool", AvgPool1D: "avgpool", AvgPool3D: "avgpool",
  AdaptiveAvgPool2D: "globalpool", AdaptiveMaxPool2D: "globalpool", AdaptiveAvgPool1D: "globalpool",
  UpsampleNearest2D: "upsample", UpsampleBilinear2D: "upsample", UpsampleBicubic2D: "upsample",
  UpsampleBicubic2DAa: "upsample", UpsampleBilinear2DAa: "upsample", UpsampleLinear1D: "upsample",
  UpsampleNearest1D: "upsample", ConstantPadNd: "pad", ReflectionPad2D: "pad", ReplicationPad2D: "pad",
  View: "view", UnsafeView: "view", ReshapeAlias: "view", Reshape: "view", Permute: "view",
  Transpose: "view", T: "view", Clone: "view", Expand: "view", Unsqueeze: "view", Squeeze: "view",
  Slice: "view", Alias: "view", AsStrided: "view", CopySlices: "view", Copy: "view", Copys: "view",
  Roll: "view", Repeat: "view", Index: "view", Unfold: "view", Im2Col: "view", Col2Im: "view",
  Flip: "view", Contiguous: "view", ToCopy: "view", Detach: "view", PixelShuffle: "view", PixelUnshuffle: "view",
  Unbind: "split", Split: "split", SplitWithSizes: "split", UnsafeSplit: "split",
  UnsafeSplitWithSizes: "split", Chunk: "split", Select: "select",
};

/** `ConvolutionBackward0` → `Convolution`, `MulBackward1` → `Mul`, `CopyBackwards` → `Copys`. */
function torchBase(op: string): string {
  return op.replace(/Backward\d*$/, "").replace(/Backwards$/, "s");
}

function convKind(groups: number | undefined): OpKind {
  return groups !== undefined && groups > 1 ? "dwconv" : "conv";
}

/** Linear-like weight: the matrix among a node's parameters. */
export function matrixOf(weights: number[][]): number[] | undefined {
  return weights.find((w) => w.length >= 2);
}

function torchKind(n: TorchNode): OpKind {
  const base = torchBase(n.op);
  const hasW = (n.w?.length ?? 0) > 0;
  switch (base) {
    case "Convolution":
    case "ConvolutionBackwardOverrideable":
    case "MkldnnConvolution":
      return convKind(n.g);
    case "Mm":
    case "Bmm":
    case "Matmul":
      return hasW && matrixOf(n.w ?? []) ? "linear" : "matmul";
    case "Stack":
      return new Set(n.in).size > 1 ? "concat" : "view";
  }
  // `…Backward1` of arithmetic ops is the overload with a Python scalar (q·scale, x+3, 1-x):
  // an affine rescale that carries no structure and that ONNX exporters often fold away.
  if (/^(Mul|Div|Add|Sub|Rsub)Backward1$/.test(n.op)) return "scalar";
  return TORCH_KIND[base] ?? (base.startsWith("Mean") ? "globalpool" : "other");
}

export function typedGraphFromTorch(line: Pick<TorchLine, "nodes">): TypedGraph {
  const nodes: TypedNode[] = line.nodes.map((n) => {
    const kind = torchKind(n);
    const weights = n.w ?? [];
    const t: TypedNode = { kind, op: torchBase(n.op), inputs: [...n.in], weights, paramOnly: false };
    if (kind === "conv" || kind === "dwconv") {
      t.stride = n.s;
      t.groups = n.g ?? 1;
    }
    return t;
  });
  // The image itself is not in the trace, so the ops reading it look like sources, as do ops over
  // parameters alone (relative-position tables, weight standardisation, cls-token expansion).
  // A convolution always reads an activation (even when its only traced input is a standardised
  // weight, as in NFNet's StdConv); a model without convs reads the image with a linear patch embed.
  const isConv = (n: TypedNode) => n.kind === "conv" || n.kind === "dwconv";
  const hasConv = nodes.some(isConv);
  const stem = hasConv ? -1 : nodes.findIndex((n) => n.inputs.length === 0 && n.kind === "linear" && (matrixOf(n.weights)?.[1] ?? 0) >= 12);
  nodes.forEach((n, i) => {
    n.paramOnly = !(isConv(n) || i === stem || n.inputs.some((j) => !nodes[j].paramOnly));
  });
  for (const n of nodes) {
    if (n.paramOnly || !(isConv(n) || n.kind === "linear")) continue;
    // A weight computed from parameters (standardised, reshaped) is found on its producer.
    const rank = isConv(n) ? 3 : 2;
    n.wshape = n.weights.find((w) => w.length >= rank) ?? paramShape(nodes, n.inputs, rank);
    if (isConv(n) && n.wshape && n.wshape.length >= 3) n.kernel = n.wshape.slice(2);
  }
  resolveMeans(nodes);
  return { nodes };
}

function paramShape(nodes: TypedNode[], inputs: number[], rank: number, hops = 4): number[] | undefined {
  for (const j of inputs) {
    if (!nodes[j].paramOnly) continue;
    const w = nodes[j].weights.find((x) => x.length >= rank) ?? (hops > 0 ? paramShape(nodes, nodes[j].inputs, rank, hops - 1) : undefined);
    if (w) return w;
  }
  return undefined;
}

/**
 * A spatial/token mean is a global pool; a mean that feeds an epsilon add or a subtraction, or
 * that averages a square, is a normalisation statistic and becomes "other".
 */
function resolveMeans(nodes: TypedNode[]): void {
  const consumers = consumersOf(nodes);
  nodes.forEach((n, i) => {
    if (n.kind !== "globalpool" || !/^(Mean|ReduceMean)/.test(n.op)) return;
    const fromSquare = n.inputs.some((j) => /^(Pow|Square)/.test(nodes[j].op));
    const toStat = consumers[i].some((c) => nodes[c].kind === "scalar" || /^(Sub|Rsub|Var)$/.test(nodes[c].op));
    if (fromSquare || toStat) n.kind = "other";
  });
}

export function consumersOf(nodes: { inputs: number[] }[]): number[][] {
  const out: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => n.inputs.forEach((j) => out[j].push(i)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// ONNX (generic node form, no protobuf dependency)

export type OnnxAttr = number | string | number[] | string[] | undefined | null | { [k: string]: unknown };

export interface OnnxNodeLike {
  opType: string;
  /** Tensor names (with `outputs`) or indices of the producing nodes. */
  inputs: (string | number)[];
  outputs?: string[];
  attributes?: Record<string, OnnxAttr>;
}

export interface OnnxGraphInfo {
  /** Shapes of initializers by name: tells weights from activations and scalars from tensors. */
  initializers?: Record<string, number[]>;
  /** Names of the real graph inputs (the image); by default the first node's first input. */
  graphInputs?: string[];
  /** Values of small (scalar) initializers, e.g. Clip bounds. */
  constants?: Record<string, number[]>;
}

const ONNX_KIND: Record<string, OpKind> = {
  Gemm: "linear", FusedGemm: "linear",
  BatchNormalization: "batchnorm", LayerNormalization: "layernorm", SimplifiedLayerNormalization: "layernorm",
  SkipLayerNormalization: "layernorm", GroupNormalization: "groupnorm", InstanceNormalization: "groupnorm",
  Relu: "relu", Clip: "relu6", Gelu: "gelu", FastGelu: "gelu", BiasGelu: "gelu", QuickGelu: "gelu",
  Sigmoid: "sigmoid", HardSigmoid: "hardsigmoid", HardSwish: "hardswish", Tanh: "tanh", LeakyRelu: "leakyrelu",
  Swish: "silu", Silu: "silu",
  Softmax: "softmax", LogSoftmax: "softmax", Attention: "attention", MultiHeadAttention: "attention",
  Add: "add", Sum: "add", QLinearAdd: "add", Mul: "mul", QLinearMul: "mul", Concat: "concat", QLinearConcat: "concat",
  MaxPool: "maxpool", AveragePool: "avgpool", QLinearAveragePool: "avgpool",
  GlobalAveragePool: "globalpool", GlobalMaxPool: "globalpool", QLinearGlobalAveragePool: "globalpool",
  ReduceMean: "globalpool", ReduceMax: "other",
  Resize: "upsample", Upsample: "upsample", Pad: "pad",
  Reshape: "view", Transpose: "view", Flatten: "view", Squeeze: "view", Unsqueeze: "view", Identity: "view",
  Dropout: "view", Cast: "view", Expand: "view", Tile: "view", Slice: "view", Gather: "view",
  DepthToSpace: "view", SpaceToDepth: "view",
  QuantizeLinear: "view", DequantizeLinear: "view", DynamicQuantizeLinear: "view",
  Split: "split",
};

/** Ops whose output depends on the input's shape at most: shape subgraphs are dropped. */
const ONNX_CONSTANT = new Set(["Constant", "ConstantOfShape", "Shape", "Size", "Range", "EyeLike", "RandomNormal", "RandomUniform"]);

/** Inputs that are data; the rest (shape tensors, scales, zero points, weights) are not edges. */
const ONNX_DATA_INPUTS: Record<string, number[]> = {
  QLinearConv: [0], QLinearMatMul: [0, 3], QLinearAdd: [0, 3], QLinearMul: [0, 3],
  QLinearGlobalAveragePool: [0], QLinearAveragePool: [0], QuantizeLinear: [0], DequantizeLinear: [0],
  Reshape: [0], Expand: [0], Tile: [0], Slice: [0], Pad: [0], Resize: [0], Upsample: [0], Gather: [0],
  Squeeze: [0], Unsqueeze: [0], Clip: [0], Split: [0], ReduceMean: [0], ReduceMax: [0], Dropout: [0],
  Conv: [0], ConvTranspose: [0], ConvInteger: [0], BatchNormalization: [0], LayerNormalization: [0],
  GroupNormalization: [0], InstanceNormalization: [0], Gemm: [0], PRelu: [0],
};

function attrNumbers(a: OnnxAttr): number[] | undefined {
  if (typeof a === "number") return [a];
  if (Array.isArray(a) && a.every((x) => typeof x === "number")) return a as number[];
  return undefined;
}

export function typedGraphFromOnnx(onnxNodes: OnnxNodeLike[], info: OnnxGraphInfo = {}): TypedGraph {
  const producer = new Map<string, number>();
  onnxNodes.forEach((n, i) => n.outputs?.forEach((o) => producer.set(o, i)));
  const inits = info.initializers ?? {};
  const firstInput = onnxNodes[0]?.inputs[0];
  const graphInputs = new Set(info.graphInputs ?? (typeof firstInput === "string" ? [firstInput] : []));

  const nodes: TypedNode[] = [];
  onnxNodes.forEach((n, i) => {
    const attrs = n.attributes ?? {};
    const dataSlots = ONNX_DATA_INPUTS[n.opType];
    const inputs: number[] = [];
    const weights: number[][] = [];
    const constProducers: number[] = [];
    // In the index form the image reader is simply a node without producers.
    let readsImage = n.inputs.length === 0 && !ONNX_CONSTANT.has(n.opType);
    n.inputs.forEach((ref, slot) => {
      if (ref === "") return;
      if (typeof ref === "number") {
        inputs.push(ref);
        return;
      }
      const p = producer.get(ref);
      if (p !== undefined && p < i) {
        if (!dataSlots || dataSlots.includes(slot)) inputs.push(p);
        else constProducers.push(p);
        return;
      }
      if (graphInputs.has(ref)) {
        readsImage = true;
        return;
      }
      if (inits[ref]) weights.push(inits[ref]);
    });
    let kind: OpKind = ONNX_KIND[n.opType] ?? "other";
    const dataIn = inputs.filter((j) => !nodes[j].paramOnly).length + (readsImage ? 1 : 0);
    const base = n.opType.replace(/^QLinear|Integer$/g, "");
    if (base === "Conv" || base === "ConvTranspose") kind = convKind(attrNumbers(attrs.group)?.[0]);
    if (base === "MatMul") kind = dataIn >= 2 ? "matmul" : "linear";
    // Arithmetic with a scalar constant matches torch's scalar overloads, which are dropped.
    if (/^(Mul|Div|Add|Sub)$/.test(n.opType) && dataIn === 1) {
      const shapes = n.inputs.filter((r): r is string => typeof r === "string" && inits[r] !== undefined).map((r) => inits[r]);
      if (shapes.length > 0 && shapes.every((s) => s.reduce((a, b) => a * b, 1) <= 1)) kind = "scalar";
    }
    if (n.opType === "Clip") {
      const lo = attrNumbers(attrs.min)?.[0] ?? (typeof n.inputs[1] === "string" ? info.constants?.[n.inputs[1]]?.[0] : undefined);
      // A clip to a range that includes negatives is a saturation (quantised exports add one
      // after every op), and a clip of something already non-negative adds nothing.
      const nonNegative = (j: number | undefined) => {
        let k = j;
        while (k !== undefined && ["view", "maxpool", "avgpool", "globalpool"].includes(nodes[k].kind)) k = nodes[k].inputs[0];
        return k !== undefined && ["relu", "relu6"].includes(nodes[k].kind);
      };
      if ((lo !== undefined && lo < 0) || nonNegative(inputs[0])) kind = "scalar";
    }
    const t: TypedNode = {
      kind, op: n.opType, inputs, weights,
      paramOnly: ONNX_CONSTANT.has(n.opType) || dataIn === 0,
    };
    // Weights may reach the op through nodes over initializers (DequantizeLinear in QDQ files).
    const weightOf = (rank: number) => weights.find((w) => w.length >= rank) ?? paramShape(nodes, [...inputs, ...constProducers], rank);
    if (kind === "conv" || kind === "dwconv") {
      t.groups = attrNumbers(attrs.group)?.[0] ?? 1;
      t.stride = attrNumbers(attrs.strides) ?? [1, 1];
      t.wshape = weightOf(3);
      t.kernel = attrNumbers(attrs.kernel_shape) ?? t.wshape?.slice(2);
    }
    if (kind === "linear") {
      // Gemm may store B transposed; MatMul weights are [in, out]. Kept as [out, in].
      const m = weightOf(2);
      if (m) t.wshape = n.opType === "Gemm" && !attrNumbers(attrs.transB)?.[0] ? [m[1], m[0]] : base === "MatMul" ? [m[m.length - 1], m[m.length - 2]] : m;
    }
    nodes.push(t);
  });
  resolveMeans(nodes);
  return { nodes };
}

// ---------------------------------------------------------------------------------------------
// canonical graph

export function nodeLabel(n: Pick<TypedNode, "kind" | "kernel" | "stride">): string {
  if (n.kind !== "conv" && n.kind !== "dwconv") return n.kind;
  const k = n.kernel && n.kernel.length > 0 ? n.kernel.join("x") : "?";
  const s = n.stride && n.stride.length > 0 ? n.stride[0] : 1;
  return `${n.kind}${k.includes("x") ? k : `${k}x${k}`}/s${s}`;
}

/**
 * Drop parameter-only and view-like nodes (rewiring consumers to the nearest kept producers), fold
 * a batchnorm that directly follows a conv into it (exporters fuse them, so the fused and unfused
 * forms must coincide), turn x·sigmoid(x) into silu and x·hardsigmoid(x) into hardswish, and expand
 * fused attention into matmul → softmax → matmul as it is traced when not fused.
 */
export function canonicalize(g: TypedGraph): CanonicalGraph {
  const src = g.nodes;
  const consumers = consumersOf(src);
  const dataConsumers = consumers.map((cs) => cs.filter((c) => !src[c].paramOnly));
  // For each source node: the kept node(s) that stand for its output.
  const rep: number[][] = new Array(src.length);
  const out: CanonicalNode[] = [];
  const emit = (label: string, inputs: number[]): number => {
    out.push({ label, inputs: [...new Set(inputs)].sort((a, b) => a - b) });
    return out.length - 1;
  };
  const inputsOf = (n: TypedNode): number[] => n.inputs.filter((j) => !src[j].paramOnly).flatMap((j) => rep[j]);

  src.forEach((n, i) => {
    if (n.paramOnly) {
      rep[i] = [];
      return;
    }
    const ins = inputsOf(n);
    if (DROPPED.has(n.kind)) {
      rep[i] = [...new Set(ins)];
      return;
    }
    const dataIns = n.inputs.filter((j) => !src[j].paramOnly);
    if (n.kind === "batchnorm" && dataIns.length === 1) {
      const p = throughViews(src, dataIns[0]);
      if ((src[p].kind === "conv" || src[p].kind === "dwconv") && dataConsumers[p].length === 1) {
        rep[i] = ins;
        return;
      }
    }
    if (n.kind === "mul" && ins.length === 2) {
      const [a, b] = ins;
      const gate = (s: number, x: number) => out[s].inputs.length === 1 && out[s].inputs[0] === x;
      for (const [s, x] of [[a, b], [b, a]]) {
        const l = out[s].label;
        if ((l === "sigmoid" || l === "hardsigmoid") && gate(s, x)) {
          out[s].label = l === "sigmoid" ? "silu" : "hardswish";
          rep[i] = [s];
          return;
        }
      }
    }
    if (n.kind === "attention") {
      const scores = emit("matmul", ins.slice(0, 2));
      const probs = emit("softmax", [scores]);
      rep[i] = [emit("matmul", [probs, ...ins.slice(2)])];
      return;
    }
    rep[i] = [emit(nodeLabel(n), ins)];
  });
  return { nodes: out };
}

/** Walk back through dropped single-input nodes to the producing compute op. */
export function throughViews(nodes: TypedNode[], i: number): number {
  let j = i;
  while (DROPPED.has(nodes[j].kind)) {
    const ins = nodes[j].inputs.filter((k) => !nodes[k].paramOnly);
    if (ins.length !== 1) break;
    j = ins[0];
  }
  return j;
}

export function canonicalGraphFromTorch(line: Pick<TorchLine, "nodes">): CanonicalGraph {
  return canonicalize(typedGraphFromTorch(line));
}

export function canonicalGraphFromOnnx(nodes: OnnxNodeLike[], info: OnnxGraphInfo = {}): CanonicalGraph {
  return canonicalize(typedGraphFromOnnx(nodes, info));
}
