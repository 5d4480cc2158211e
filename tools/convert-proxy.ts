// Rewrite the ONNX model zoo's int8 MobileNetV2-1.0 (QDQ + QLinear* + com.microsoft ops) into a
// plain fp32 ONNX graph that every onnxruntime-web backend (WebGPU included) can run.
//
//   npx tsx tools/convert-proxy.ts [in] [out]
//     in  default: ../shared/data/proxy/mobilenetv2-12-int8.onnx (relative to the repo root)
//     out default: public/models/mobilenetv2-fp32.onnx
//
// What it does:
//   - weights: w_fp = (w_int - w_zero_point) * w_scale (per output channel / per column where the
//     scale is a vector); conv biases: b_fp = b_int32 * x_scale * w_scale; other quantised
//     constants (the classifier bias) are dequantised with their own scale and zero point;
//   - QLinearConv -> Conv, QLinearMatMul -> MatMul, QLinearAdd -> Add,
//     QLinearGlobalAveragePool -> GlobalAveragePool, Shape/Gather/Unsqueeze/Concat/Reshape(N,-1)
//     -> Flatten(axis=1); QuantizeLinear / DequantizeLinear disappear;
//   - the activation quantisation is dropped but its saturation is kept: after every op whose
//     output was quantised with (scale, zp) over [qmin, qmax] a Clip to
//     [(qmin - zp) * scale, (qmax - zp) * scale] is inserted unless interval propagation shows the
//     value already lies inside that range (this is what reproduces the ReLU6 / ReLU fused into
//     the int8 convs);
//   - input `input` float32 [N,3,224,224]; outputs `embedding` [N,1280] (the pooled features that
//     feed the classifier) and `logits` [N,1000].
// The output depends only on the input bytes (no timestamps, fixed naming and ordering).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DataType,
  decodeModel,
  encodeModel,
  floatTensor,
  floatValueInfo,
  tensorDims,
  tensorValues,
  toNum,
  type IAttributeProto,
  type INodeProto,
  type ITensorProto,
} from "./onnx-proto.ts";

const OPSET = 13;
const MS_DOMAIN = "com.microsoft";

export interface ConvertSummary {
  opsBefore: Record<string, number>;
  opsAfter: Record<string, number>;
  clipsInserted: number;
  clipsSkipped: number;
  parameters: number;
  pooledTensor: string;
  embeddingShape: number[];
  logitsShape: number[];
}

export interface ConvertResult {
  bytes: Uint8Array;
  summary: ConvertSummary;
}

type Interval = [number, number];
const UNBOUNDED: Interval = [-Infinity, Infinity];

/** A source node with the optional protobuf fields filled in. */
interface SrcNode {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: IAttributeProto[];
}

interface QParams {
  scale: number;
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function countOps(nodes: INodeProto[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of nodes) {
    const key = n.domain ? `${n.domain}:${n.opType}` : String(n.opType);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function intAttr(name: string, value: number): IAttributeProto {
  return { name, type: 2 /* INT */, i: value };
}

/** Copy an attribute into plain numbers (int64 fields may be Long). */
function copyAttr(a: IAttributeProto): IAttributeProto {
  switch (a.type) {
    case 1: // FLOAT
      return { name: a.name, type: 1, f: a.f };
    case 2: // INT
      return intAttr(String(a.name), toNum(a.i));
    case 3: // STRING
      return { name: a.name, type: 3, s: a.s };
    case 7: // INTS
      return { name: a.name, type: 7, ints: (a.ints ?? []).map((v) => toNum(v)) };
    default:
      throw new Error(`attribute ${a.name}: unsupported type ${a.type}`);
  }
}

export function convertProxy(inputBytes: Uint8Array): ConvertResult {
  const model = decodeModel(inputBytes);
  const graph = model.graph;
  if (!graph) throw new Error("model has no graph");
  const srcNodes: SrcNode[] = (graph.node ?? []).map((n) => ({
    name: String(n.name ?? ""),
    opType: String(n.opType ?? ""),
    domain: String(n.domain ?? ""),
    input: (n.input ?? []).map(String),
    output: (n.output ?? []).map(String),
    attribute: n.attribute ?? [],
  }));
  const opsBefore = countOps(srcNodes);
  const graphInputNames = (graph.input ?? []).map((i) => String(i.name));
  const graphOutputNames = (graph.output ?? []).map((o) => String(o.name));

  const inits = new Map<string, ITensorProto>();
  for (const t of graph.initializer ?? []) inits.set(String(t.name), t);
  const producer = new Map<string, SrcNode>();
  for (const n of srcNodes) for (const o of n.output) producer.set(o, n);

  const constValues = (name: string): Float64Array => {
    const t = inits.get(name);
    if (!t) throw new Error(`expected an initializer for ${name}`);
    return tensorValues(t);
  };
  const scalar = (name: string): number => {
    const v = constValues(name);
    if (v.length !== 1) throw new Error(`${name}: expected a scalar, got ${v.length} values`);
    return v[0];
  };
  const qparams = (scaleName: string, zpName: string): QParams => {
    const zpT = inits.get(zpName);
    if (!zpT) throw new Error(`expected an initializer for ${zpName}`);
    const signed = zpT.dataType === DataType.INT8;
    if (!signed && zpT.dataType !== DataType.UINT8) {
      throw new Error(`${zpName}: zero point type ${zpT.dataType} is neither uint8 nor int8`);
    }
    return {
      scale: scalar(scaleName),
      zeroPoint: scalar(zpName),
      qmin: signed ? -128 : 0,
      qmax: signed ? 127 : 255,
    };
  };

  const graphInputs = graphInputNames.filter((name) => !inits.has(name));
  if (graphInputs.length !== 1 || graphInputs[0] !== "input") {
    throw new Error(`expected one graph input named "input", got ${graphInputs}`);
  }
  if (graphOutputNames.length !== 1) throw new Error("expected one graph output (the logits)");

  const nodes: INodeProto[] = [];
  const initializers: ITensorProto[] = [];
  const usedNames = new Set<string>(["input"]);
  /** quantised (or aliased) source tensor name -> float tensor name in the new graph */
  const fpName = new Map<string, string>();
  /** float tensor name -> known value interval, for pruning redundant clips */
  const bounds = new Map<string, Interval>();
  /** float tensor name -> the quantisation its int8 original carried (to cross-check consumers) */
  const quantOf = new Map<string, QParams>();
  let clipsInserted = 0;
  let clipsSkipped = 0;
  let pooledTensor = "";
  let embeddingName = "";

  const fresh = (wanted: string): string => {
    let name = wanted;
    for (let k = 2; usedNames.has(name); k++) name = `${wanted}_${k}`;
    usedNames.add(name);
    return name;
  };
  const baseName = (quantName: string): string => quantName.replace(/_quantized$/, "");
  const addInit = (t: ITensorProto): string => {
    const name = fresh(String(t.name));
    initializers.push({ ...t, name });
    return name;
  };
  const lookup = (srcName: string): string => {
    const n = fpName.get(srcName);
    if (n === undefined) throw new Error(`tensor ${srcName} has no float counterpart`);
    return n;
  };
  /** Resolve a quantised activation input and check its (scale, zp) agree with its producer. */
  const quantInput = (srcName: string, scaleName: string, zpName: string): string => {
    const name = lookup(srcName);
    const q = qparams(scaleName, zpName);
    const prev = quantOf.get(name);
    if (prev && (prev.scale !== q.scale || prev.zeroPoint !== q.zeroPoint)) {
      throw new Error(`tensor ${srcName}: consumer quantisation disagrees with producer`);
    }
    return name;
  };
  /**
   * Emit the saturation of an output quantised with `q`: Clip(value, lo, hi) unless the value is
   * already known to lie within [lo, hi]. Returns the name carrying the saturated value.
   */
  const saturate = (value: string, inBounds: Interval, q: QParams, outName: string, nodeName: string): string => {
    const lo = Math.fround((q.qmin - q.zeroPoint) * q.scale);
    const hi = Math.fround((q.qmax - q.zeroPoint) * q.scale);
    const clipsLow = inBounds[0] < lo;
    const clipsHigh = inBounds[1] > hi;
    if (!clipsLow && !clipsHigh) {
      clipsSkipped++;
      bounds.set(value, inBounds);
      quantOf.set(value, q);
      return value;
    }
    const minName = addInit(floatTensor(`${outName}_clip_min`, [], [lo]));
    const maxName = addInit(floatTensor(`${outName}_clip_max`, [], [hi]));
    const out = fresh(outName);
    nodes.push({ name: `${nodeName}_saturate`, opType: "Clip", input: [value, minName, maxName], output: [out] });
    bounds.set(out, [Math.max(lo, inBounds[0]), Math.min(hi, inBounds[1])]);
    quantOf.set(out, q);
    clipsInserted++;
    return out;
  };
  /** Name for a rewritten op's pre-saturation output; the saturated tensor takes the base name. */
  const rawOut = (quantOut: string): string => fresh(`${baseName(quantOut)}_fp`);

  fpName.set("input", "input");
  bounds.set("input", UNBOUNDED);

  for (const n of srcNodes) {
    const op = `${n.domain}:${n.opType}`;
    const name = n.name || n.output[0];
    const stem = name.replace(/_quant$/, "");
    switch (op) {
      case ":QuantizeLinear": {
        // Only the model input is quantised at run time; keep its saturation, drop the rounding.
        const [x, s, z] = n.input;
        const q = qparams(s, z);
        const src = lookup(x);
        const out = saturate(src, bounds.get(src) ?? UNBOUNDED, q, `${x}_saturated`, stem);
        fpName.set(n.output[0], out);
        break;
      }
      case ":DequantizeLinear": {
        const [x, s, z] = n.input;
        fpName.set(n.output[0], quantInput(x, s, z));
        break;
      }
      case ":QLinearConv": {
        const [x, xs, xz, w, ws, wz, ys, yz, b] = n.input;
        const xName = quantInput(x, xs, xz);
        const wT = inits.get(w);
        if (!wT) throw new Error(`${name}: weight ${w} is not an initializer`);
        const wDims = tensorDims(wT);
        const wInt = tensorValues(wT);
        const wScale = constValues(ws);
        const wZp = constValues(wz);
        const m = wDims[0];
        const perChannel = wScale.length === m;
        if (!perChannel && wScale.length !== 1) throw new Error(`${name}: ${wScale.length} weight scales for ${m} channels`);
        if (wZp.length !== wScale.length) throw new Error(`${name}: weight scale / zero point length mismatch`);
        const per = wInt.length / m;
        const wFp = new Float32Array(wInt.length);
        for (let c = 0; c < m; c++) {
          const sc = perChannel ? wScale[c] : wScale[0];
          const zp = perChannel ? wZp[c] : wZp[0];
          for (let i = c * per; i < (c + 1) * per; i++) wFp[i] = (wInt[i] - zp) * sc;
        }
        const inputs = [xName, addInit(floatTensor(baseName(w), wDims, wFp))];
        if (b) {
          const xScale = scalar(xs);
          const bInt = constValues(b);
          if (bInt.length !== m) throw new Error(`${name}: bias has ${bInt.length} values for ${m} channels`);
          const bFp = new Float32Array(m);
          for (let c = 0; c < m; c++) bFp[c] = bInt[c] * xScale * (perChannel ? wScale[c] : wScale[0]);
          inputs.push(addInit(floatTensor(baseName(b), [m], bFp)));
        }
        const attrs = n.attribute.map(copyAttr).sort((a, c) => (String(a.name) < String(c.name) ? -1 : 1));
        const out = rawOut(n.output[0]);
        nodes.push({ name: stem, opType: "Conv", input: inputs, output: [out], attribute: attrs });
        fpName.set(n.output[0], saturate(out, UNBOUNDED, qparams(ys, yz), baseName(n.output[0]), stem));
        break;
      }
      case ":QLinearMatMul": {
        const [a, as, az, bq, bs, bz, ys, yz] = n.input;
        const aName = quantInput(a, as, az);
        const bT = inits.get(bq);
        if (!bT) throw new Error(`${name}: B ${bq} is not an initializer`);
        const bDims = tensorDims(bT);
        if (bDims.length !== 2) throw new Error(`${name}: B must be 2-D, got [${bDims}]`);
        const [k, cols] = bDims;
        const bInt = tensorValues(bT);
        const bScale = constValues(bs);
        const bZp = constValues(bz);
        const perCol = bScale.length === cols;
        if (!perCol && bScale.length !== 1) throw new Error(`${name}: ${bScale.length} B scales for ${cols} columns`);
        const bFp = new Float32Array(k * cols);
        for (let r = 0; r < k; r++) {
          for (let c = 0; c < cols; c++) {
            const i = r * cols + c;
            bFp[i] = (bInt[i] - (perCol ? bZp[c] : bZp[0])) * (perCol ? bScale[c] : bScale[0]);
          }
        }
        const out = rawOut(n.output[0]);
        nodes.push({ name: stem, opType: "MatMul", input: [aName, addInit(floatTensor(baseName(bq), bDims, bFp))], output: [out] });
        fpName.set(n.output[0], saturate(out, UNBOUNDED, qparams(ys, yz), baseName(n.output[0]), stem));
        break;
      }
      case `${MS_DOMAIN}:QLinearAdd`: {
        const [a, as, az, b, bs, bz, ys, yz] = n.input;
        const operand = (src: string, s: string, z: string): [string, Interval] => {
          if (inits.has(src)) {
            // A quantised constant (the classifier bias): dequantise it into a float initializer.
            const t = inits.get(src) as ITensorProto;
            const q = qparams(s, z);
            const v = tensorValues(t).map((x) => Math.fround((x - q.zeroPoint) * q.scale));
            let lo = Infinity;
            let hi = -Infinity;
            for (const x of v) {
              lo = Math.min(lo, x);
              hi = Math.max(hi, x);
            }
            return [addInit(floatTensor(baseName(src), tensorDims(t), v)), [lo, hi]];
          }
          const fp = quantInput(src, s, z);
          return [fp, bounds.get(fp) ?? UNBOUNDED];
        };
        const [aName, aB] = operand(a, as, az);
        const [bName, bB] = operand(b, bs, bz);
        const out = rawOut(n.output[0]);
        nodes.push({ name: stem, opType: "Add", input: [aName, bName], output: [out] });
        const sum: Interval = [aB[0] + bB[0], aB[1] + bB[1]];
        fpName.set(n.output[0], saturate(out, sum, qparams(ys, yz), baseName(n.output[0]), stem));
        break;
      }
      case `${MS_DOMAIN}:QLinearGlobalAveragePool`: {
        const channelsLast = n.attribute.find((a) => a.name === "channels_last");
        if (channelsLast && toNum(channelsLast.i) !== 0) throw new Error(`${name}: channels_last is not supported`);
        const [x, xs, xz, ys, yz] = n.input;
        const xName = quantInput(x, xs, xz);
        const out = rawOut(n.output[0]);
        nodes.push({ name: stem, opType: "GlobalAveragePool", input: [xName], output: [out] });
        // An average stays within its input's range.
        const pooled = saturate(out, bounds.get(xName) ?? UNBOUNDED, qparams(ys, yz), baseName(n.output[0]), stem);
        fpName.set(n.output[0], pooled);
        if (pooledTensor) throw new Error("more than one global average pool");
        pooledTensor = n.output[0];
        break;
      }
      case ":Reshape": {
        // Expect the exported flatten: Reshape(x, Concat(Unsqueeze(Gather(Shape(.), 0)), [-1])).
        const [x, shapeName] = n.input;
        const concat = producer.get(shapeName);
        const ok =
          concat?.opType === "Concat" &&
          concat.input.length === 2 &&
          producer.get(concat.input[0])?.opType === "Unsqueeze" &&
          inits.has(concat.input[1]) &&
          constValues(concat.input[1]).join() === "-1" &&
          (() => {
            const gather = producer.get(producer.get(concat.input[0])!.input[0]);
            return (
              gather?.opType === "Gather" &&
              constValues(gather.input[1]).join() === "0" &&
              producer.get(gather.input[0])?.opType === "Shape"
            );
          })();
        if (!ok) throw new Error(`${name}: only the (batch, -1) flatten pattern is supported`);
        if (x !== pooledTensor) throw new Error(`${name}: expected to flatten the pooled features`);
        const src = lookup(x);
        const out = fresh("embedding");
        nodes.push({ name: stem, opType: "Flatten", input: [src], output: [out], attribute: [intAttr("axis", 1)] });
        bounds.set(out, bounds.get(src) ?? UNBOUNDED);
        const q = quantOf.get(src);
        if (q) quantOf.set(out, q);
        fpName.set(n.output[0], out);
        embeddingName = out;
        break;
      }
      case ":Shape":
      case ":Gather":
      case ":Unsqueeze":
      case ":Concat":
        // Only feed the Reshape's shape; the Flatten above makes them dead.
        break;
      default:
        throw new Error(`unsupported op ${op} (node ${name})`);
    }
  }

  if (embeddingName !== "embedding") throw new Error("did not find the pooled-feature flatten");
  // The single graph output (logits) takes the name `logits`.
  const logitsSrc = lookup(graphOutputNames[0]);
  const logitsProducer = nodes.find((n) => n.output?.[0] === logitsSrc);
  if (!logitsProducer) throw new Error("logits are not produced by a rewritten node");
  logitsProducer.output = ["logits"];

  // Drop dead nodes / initializers (none expected, but keep the graph tidy).
  const needed = new Set<string>(["embedding", "logits"]);
  const kept: INodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.output!.some((o) => needed.has(o))) {
      kept.push(node);
      for (const inp of node.input ?? []) if (inp) needed.add(inp);
    }
  }
  kept.reverse();
  const keptInits = initializers.filter((t) => needed.has(String(t.name)));
  const parameters = keptInits.reduce((acc, t) => acc + tensorDims(t).reduce((a, b) => a * b, 1), 0);

  const classes = tensorDims(
    keptInits.find((t) => t.name === kept.find((n) => n.opType === "MatMul")!.input![1]) as ITensorProto,
  );
  const embeddingShape = ["N", classes[0]];
  const logitsShape = ["N", classes[1]];

  const srcSha = sha256(inputBytes);
  const bytes = encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "fennec-web tools/convert-proxy.ts",
    producerVersion: "1",
    modelVersion: 1,
    docString:
      "MobileNetV2-1.0 ImageNet (ONNX model zoo mobilenetv2-12-int8, Apache-2.0), dequantised to fp32 " +
      `with int8 saturation kept as Clip. Source sha256 ${srcSha}. Input: ImageNet mean/std normalised ` +
      "RGB NCHW 224x224. Outputs: embedding (pooled features before the classifier), logits.",
    graph: {
      name: "mobilenetv2_fp32",
      node: kept,
      initializer: keptInits,
      input: [floatValueInfo("input", ["N", 3, 224, 224])],
      output: [floatValueInfo("embedding", embeddingShape), floatValueInfo("logits", logitsShape)],
    },
  });

  return {
    bytes,
    summary: {
      opsBefore,
      opsAfter: countOps(kept),
      clipsInserted,
      clipsSkipped,
      parameters,
      pooledTensor,
      embeddingShape: [classes[0]],
      logitsShape: [classes[1]],
    },
  };
}

function fmtOps(ops: Record<string, number>): string {
  return Object.entries(ops)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

function main(argv: string[]): void {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const inPath = argv[0] ? path.resolve(argv[0]) : path.resolve(repoRoot, "../shared/data/proxy/mobilenetv2-12-int8.onnx");
  const outPath = argv[1] ? path.resolve(argv[1]) : path.resolve(repoRoot, "public/models/mobilenetv2-fp32.onnx");
  const input = readFileSync(inPath);
  const { bytes, summary } = convertProxy(input);
  mkdirSync(path.dirname(outPath), { recursive: true });
  writeFileSync(outPath, bytes);
  const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  console.log(`in : ${path.relative(process.cwd(), inPath)} (${input.length} bytes, sha256 ${sha256(input)})`);
  console.log(`ops before (${total(summary.opsBefore)}): ${fmtOps(summary.opsBefore)}`);
  console.log(`ops after  (${total(summary.opsAfter)}): ${fmtOps(summary.opsAfter)}`);
  console.log(
    `saturation: ${summary.clipsInserted} Clip inserted, ${summary.clipsSkipped} skipped (range already implied); ` +
      `pooled tensor ${summary.pooledTensor} -> embedding [N,${summary.embeddingShape}], logits [N,${summary.logitsShape}]`,
  );
  console.log(`parameters: ${summary.parameters} float32`);
  console.log(`out: ${path.relative(process.cwd(), outPath)} (${bytes.length} bytes, sha256 ${sha256(bytes)})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
