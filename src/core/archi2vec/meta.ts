/**
 * Meta-features of a typed graph: parameter count, multiply-accumulates at the native input size,
 * depth and op counts.
 *
 * The traces record parameter shapes and conv strides but no activation shapes, so MACs come from
 * propagating a coarse shape (square side, extra tokens, channels) through the graph:
 * - convs divide the side by their stride; a pool is assumed to halve it (pools carry no stride);
 * - where branches meet (add, mul, concat) the side of a branch that went through no guessed step
 *   wins, so stride-1 pools (Inception, PoolFormer) and upsampling (HRNet) correct themselves;
 * - a linear whose input size is k× the tracked channels flattens or merges patches (VGG's
 *   classifier, Swin's patch merging), dividing the positions by k;
 * - activation×activation matmuls are attention: q·kᵀ costs tokens_q·dim·tokens_k and its output
 *   has tokens_k "channels", so attn·v costs tokens_q·tokens_k·dim. Windowed attention is
 *   recognised by the relative-position table added to the scores ((2w−1)² rows → w² keys).
 */
import { consumersOf, DROPPED, matrixOf, throughViews, type OpKind, type TypedGraph, type TypedNode } from "./vocab.ts";

export interface GraphMeta {
  /** Sum of the parameter shapes consumed by the graph. */
  params: number;
  /** Multiply-accumulates of convs, linears and matmuls at the native input size. */
  macs: number;
  /** Longest input→output path counted in weighted ops (conv, dwconv, linear). */
  depth: number;
  convs: number;
  linears: number;
  norms: number;
  attentions: number;
  /** Image-dependent nodes per canonical kind (views and scalar ops excluded). */
  opCounts: Record<string, number>;
}

interface Shape {
  side: number;
  extra: number;
  c: number;
  /** Went through a step whose effect on the side is assumed (pool, upsample). */
  guessed: boolean;
}

const positions = (s: Shape) => s.side * s.side + s.extra;
const isConv = (k: OpKind) => k === "conv" || k === "dwconv";
const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);

/** Keys per query implied by a relative-position bias of this shape, if it is one. */
function windowKeys(shape: number[]): number | undefined {
  const oddSquare = (t: number) => {
    const r = Math.round(Math.sqrt(t));
    return r * r === t && r % 2 === 1 && r >= 3 ? r : 0;
  };
  if (shape.length === 2) {
    const r = oddSquare(shape[0]) || oddSquare(shape[1]);
    if (r && Math.min(shape[0], shape[1]) <= 64) return ((r + 1) / 2) ** 2;
  }
  if (shape.length === 3 && shape[1] === shape[2] && shape[1] % 2 === 1 && shape[1] >= 3) return ((shape[1] + 1) / 2) ** 2;
  return undefined;
}

function paramShapes(nodes: TypedNode[], i: number, hops = 32): number[][] {
  const own = nodes[i].weights;
  if (hops === 0) return own;
  return [...own, ...nodes[i].inputs.filter((j) => nodes[j].paramOnly).flatMap((j) => paramShapes(nodes, j, hops - 1))];
}

/** Attention-score matmuls that receive a relative-position bias → keys per query. */
function windowedScores(nodes: TypedNode[]): Map<number, number> {
  const hints = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (n.paramOnly || n.kind !== "add") return;
    const keys = paramShapes(nodes, i).map(windowKeys).find((k) => k !== undefined);
    if (keys === undefined) return;
    for (let j of n.inputs) {
      while (!nodes[j].paramOnly && DROPPED.has(nodes[j].kind) && nodes[j].inputs.length === 1) j = nodes[j].inputs[0];
      if (!nodes[j].paramOnly && nodes[j].kind === "matmul") hints.set(j, keys);
    }
  });
  return hints;
}

function join(shapes: Shape[]): Shape {
  const sure = shapes.filter((s) => !s.guessed);
  const pool = sure.length > 0 ? sure : shapes;
  return {
    side: Math.max(...pool.map((s) => s.side)),
    extra: Math.max(...pool.map((s) => s.extra)),
    c: Math.max(...shapes.map((s) => s.c)),
    guessed: sure.length === 0,
  };
}

export function graphMeta(g: TypedGraph, inputSize: number): GraphMeta {
  const nodes = g.nodes;
  const consumers = consumersOf(nodes);
  const hints = windowedScores(nodes);
  const shapes: (Shape | undefined)[] = new Array(nodes.length);
  const depth = new Array<number>(nodes.length).fill(0);
  const image: Shape = { side: inputSize, extra: 0, c: 3, guessed: false };
  const opCounts: Record<string, number> = {};
  let macs = 0;
  let params = 0;

  nodes.forEach((n, i) => {
    for (const w of n.weights) params += prod(w);
    if (n.paramOnly) return;
    if (!DROPPED.has(n.kind)) opCounts[n.kind] = (opCounts[n.kind] ?? 0) + 1;
    const dataIns = n.inputs.filter((j) => !nodes[j].paramOnly && shapes[j]);
    const ins = dataIns.map((j) => shapes[j] as Shape);
    const x = ins[0] ?? image;
    const weighted = isConv(n.kind) || n.kind === "linear";
    depth[i] = Math.max(0, ...dataIns.map((j) => depth[j])) + (weighted ? 1 : 0);
    let out: Shape = { ...x };

    switch (n.kind) {
      case "conv":
      case "dwconv": {
        const g = n.groups ?? 1;
        // Blur-pool convs use a fixed buffer, not a parameter: a depthwise 3×3.
        const w = n.wshape ?? [x.c, 1, 3, 3];
        let side = x.side;
        const k = (w[1] * g) / x.c;
        if (Number.isInteger(k) && k > 1 && Number.isInteger(Math.sqrt(k)) && k <= positions(x)) side /= Math.sqrt(k);
        const stride = n.stride?.[0] ?? 1;
        if (w.length >= 4) side = Math.ceil(side / stride);
        out = { side, extra: 0, c: w[0], guessed: x.guessed };
        macs += positions(out) * prod(w);
        break;
      }
      case "linear": {
        let m = n.wshape ?? matrixOf(n.weights);
        if (!m) break;
        if (m[1] !== x.c && m[0] === x.c) m = [m[1], m[0]];
        const [outF, inF] = [m[m.length - 2], m[m.length - 1]];
        const k = inF / x.c;
        if (inF !== x.c && Math.abs(inF - positions(x)) < 0.5) {
          // Mixing along tokens (MLP-Mixer): positions and channels trade places.
          macs += x.c * inF * outF;
          out = { side: Math.sqrt(outF), extra: 0, c: x.c, guessed: x.guessed };
          break;
        }
        if (Number.isInteger(k) && k > 1 && k <= positions(x) * 1.01) out = { ...x, side: Math.max(1, x.side / Math.sqrt(k)), extra: 0 };
        out.c = outF;
        macs += positions(out) * inF * outF;
        break;
      }
      case "matmul": {
        const [a, b] = [x, ins[1] ?? x];
        const keys = hints.get(i);
        if (a.c === b.c) {
          const nk = Math.min(keys ?? positions(b), positions(b));
          macs += positions(a) * a.c * nk;
          out = { ...a, c: nk };
        } else {
          macs += positions(a) * a.c * b.c;
          out = { ...a, c: b.c };
        }
        break;
      }
      case "attention": {
        const [q, k, v] = [x, ins[1] ?? x, ins[2] ?? ins[1] ?? x];
        macs += positions(q) * q.c * positions(k) + positions(q) * positions(k) * v.c;
        out = { ...q, c: v.c };
        break;
      }
      case "split": {
        const parts = new Set(consumers[i].filter((c) => !nodes[c].paramOnly)).size;
        out = { ...x, c: Math.max(1, x.c / Math.max(1, parts)) };
        break;
      }
      case "select": {
        const siblings = consumers[dataIns[0] ?? i].filter((c) => nodes[c].kind === "select").length;
        out = siblings > 1 ? { ...x, c: Math.max(1, x.c / siblings) } : { ...x, side: 1, extra: 0 };
        break;
      }
      case "concat": {
        if (ins.length <= 1) {
          // Data concatenated with parameters: class/register tokens.
          const tok = paramShapes(nodes, i).reduce((t, w) => t + (w.length >= 2 ? prod(w.slice(0, -1)) : 1), 0);
          out = { ...x, extra: x.extra + Math.max(1, tok) };
          break;
        }
        const roots = new Set(dataIns.map((j) => throughViews(nodes, j)));
        if (roots.size === 1) {
          // Slices of one tensor side by side: space-to-depth (Swin v1 patch merging, Focus stems).
          const r = Math.sqrt(ins.length);
          out = { ...x, side: Number.isInteger(r) ? Math.max(1, x.side / r) : x.side, c: x.c * ins.length };
        } else {
          out = { ...join(ins), c: ins.reduce((t, s) => t + s.c, 0) };
        }
        break;
      }
      case "globalpool":
        out = { ...x, side: 1, extra: 0 };
        break;
      case "other":
        if (/^(Mean|ReduceMean)/.test(n.op)) out = { ...x, c: 1 };
        else if (ins.length > 1) out = join(ins);
        break;
      case "maxpool":
      case "avgpool":
        out = { ...x, side: Math.ceil(x.side / 2), guessed: true };
        break;
      case "upsample":
        out = { ...x, side: x.side * 2, guessed: true };
        break;
      default:
        if (ins.length > 1) out = join(ins);
    }
    shapes[i] = out;
  });

  const c = (k: OpKind) => opCounts[k] ?? 0;
  return {
    params,
    macs: Math.round(macs),
    depth: depth.reduce((a, b) => Math.max(a, b), 0),
    convs: c("conv") + c("dwconv"),
    linears: c("linear"),
    norms: c("batchnorm") + c("layernorm") + c("groupnorm"),
    attentions: c("softmax") + c("attention"),
    opCounts,
  };
}

