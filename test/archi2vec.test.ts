import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  canonicalGraphFromOnnx, canonicalGraphFromTorch, cosine, describeGraph, embedGraph, graphMeta, nearestArchs,
  typedGraphFromOnnxGraph, typedGraphFromTorch, DEFAULT_METHOD, type Archi2VecData, type CanonicalGraph,
  type OnnxNodeLike, type TorchNode,
} from "../src/core/archi2vec/index.ts";

const ROOT = resolve(import.meta.dirname, "..");
const JSON_FILE = resolve(ROOT, "data/derived/archi2vec.json");
const data = JSON.parse(readFileSync(JSON_FILE, "utf8")) as Archi2VecData;

const labels = (g: CanonicalGraph) => g.nodes.map((n) => `${n.label}<${n.inputs.join(",")}`);

/** A torch trace with a stem conv, then `op`; the same in ONNX. Returns the label of `op`. */
function torchLabel(node: Omit<TorchNode, "in">, extraIn: number[] = []): string {
  const g = canonicalGraphFromTorch({
    nodes: [{ op: "ConvolutionBackward0", in: [], w: [[8, 3, 3, 3]], s: [1, 1], g: 1 }, { ...node, in: [0, ...extraIn] }],
  });
  return g.nodes[g.nodes.length - 1].label;
}
function onnxLabel(node: Omit<OnnxNodeLike, "inputs" | "outputs">, extraIn: string[] = [], inits: Record<string, number[]> = {}): string {
  const g = canonicalGraphFromOnnx(
    [
      { opType: "Conv", inputs: ["x", "W0"], outputs: ["a"], attributes: { kernel_shape: [3, 3], strides: [1, 1], group: 1 } },
      { ...node, inputs: ["a", ...extraIn], outputs: ["b"] },
    ],
    { initializers: { W0: [8, 3, 3, 3], ...inits }, graphInputs: ["x"] },
  );
  return g.nodes[g.nodes.length - 1].label;
}

describe("op vocabulary", () => {
  it("maps torch and ONNX names of the same op to the same label", () => {
    const pairs: [string, string, string][] = [
      [torchLabel({ op: "ConvolutionBackward0", w: [[16, 8, 3, 3]], s: [2, 2], g: 1 }), onnxLabel({ opType: "Conv", attributes: { kernel_shape: [3, 3], strides: [2, 2], group: 1 } }, ["W"], { W: [16, 8, 3, 3] }), "conv3x3/s2"],
      [torchLabel({ op: "ConvolutionBackward0", w: [[8, 1, 5, 5]], s: [1, 1], g: 8 }), onnxLabel({ opType: "Conv", attributes: { kernel_shape: [5, 5], strides: [1, 1], group: 8 } }, ["W"], { W: [8, 1, 5, 5] }), "dwconv5x5/s1"],
      [torchLabel({ op: "AddmmBackward0", w: [[10], [10, 8]] }), onnxLabel({ opType: "Gemm", attributes: { transB: 1 } }, ["W", "B"], { W: [10, 8], B: [10] }), "linear"],
      [torchLabel({ op: "MmBackward0", w: [[10, 8]] }), onnxLabel({ opType: "MatMul" }, ["W"], { W: [8, 10] }), "linear"],
      [torchLabel({ op: "BmmBackward0" }, [0]), onnxLabel({ opType: "MatMul" }, ["a"]), "matmul"],
      [torchLabel({ op: "NativeLayerNormBackward0", w: [[8], [8]] }), onnxLabel({ opType: "LayerNormalization" }, ["g", "b"], { g: [8], b: [8] }), "layernorm"],
      [torchLabel({ op: "NativeGroupNormBackward0", w: [[8], [8]] }), onnxLabel({ opType: "GroupNormalization" }), "groupnorm"],
      [torchLabel({ op: "ReluBackward0" }), onnxLabel({ opType: "Relu" }), "relu"],
      [torchLabel({ op: "HardtanhBackward0" }), onnxLabel({ opType: "Clip", attributes: { min: 0, max: 6 } }), "relu6"],
      [torchLabel({ op: "GeluBackward0" }), onnxLabel({ opType: "Gelu" }), "gelu"],
      [torchLabel({ op: "SigmoidBackward0" }), onnxLabel({ opType: "Sigmoid" }), "sigmoid"],
      [torchLabel({ op: "HardswishBackward0" }), onnxLabel({ opType: "HardSwish" }), "hardswish"],
      [torchLabel({ op: "HardsigmoidBackward0" }), onnxLabel({ opType: "HardSigmoid" }), "hardsigmoid"],
      [torchLabel({ op: "TanhBackward0" }), onnxLabel({ opType: "Tanh" }), "tanh"],
      [torchLabel({ op: "LeakyReluBackward0" }), onnxLabel({ opType: "LeakyRelu" }), "leakyrelu"],
      [torchLabel({ op: "SafeSoftmaxBackward0" }), onnxLabel({ opType: "Softmax" }), "softmax"],
      [torchLabel({ op: "AddBackward0", w: [[8]] }), onnxLabel({ opType: "Add" }, ["bias"], { bias: [8] }), "add"],
      [torchLabel({ op: "MulBackward0", w: [[8]] }), onnxLabel({ opType: "Mul" }, ["gamma"], { gamma: [8] }), "mul"],
      [torchLabel({ op: "CatBackward0" }, [0]), onnxLabel({ opType: "Concat", attributes: { axis: 1 } }, ["a"]), "concat"],
      [torchLabel({ op: "MaxPool2DWithIndicesBackward0" }), onnxLabel({ opType: "MaxPool" }), "maxpool"],
      [torchLabel({ op: "AvgPool2DBackward0" }), onnxLabel({ opType: "AveragePool" }), "avgpool"],
      [torchLabel({ op: "MeanBackward1" }), onnxLabel({ opType: "GlobalAveragePool" }), "globalpool"],
      [torchLabel({ op: "AdaptiveAvgPool2DBackward0" }), onnxLabel({ opType: "ReduceMean" }), "globalpool"],
      [torchLabel({ op: "UpsampleNearest2DBackward0" }), onnxLabel({ opType: "Resize" }, ["", "scales"], { scales: [4] }), "upsample"],
      [torchLabel({ op: "ConstantPadNdBackward0" }), onnxLabel({ opType: "Pad" }, ["pads"], { pads: [8] }), "pad"],
    ];
    for (const [t, o, want] of pairs) {
      expect(t).toBe(want);
      expect(o).toBe(want);
    }
  });

  it("drops view ops and normalises exporter differences (BN folding, swish, fused attention)", () => {
    // conv → bn → silu → (view, permute) → linear → qkv split → q·kᵀ → softmax → ·v → linear
    const torch = canonicalGraphFromTorch({
      nodes: [
        { op: "ConvolutionBackward0", in: [], w: [[8, 3, 3, 3]], s: [2, 2], g: 1 },
        { op: "NativeBatchNormBackward0", in: [0], w: [[8], [8]] },
        { op: "SiluBackward0", in: [1] },
        { op: "ViewBackward0", in: [2] },
        { op: "PermuteBackward0", in: [3] },
        { op: "AddmmBackward0", in: [4], w: [[24], [24, 8]] },
        { op: "UnbindBackward0", in: [5] },
        { op: "MulBackward1", in: [6] },
        { op: "TransposeBackward0", in: [6] },
        { op: "BmmBackward0", in: [7, 8] },
        { op: "SafeSoftmaxBackward0", in: [9] },
        { op: "BmmBackward0", in: [10, 6] },
        { op: "UnsafeViewBackward0", in: [11] },
        { op: "AddmmBackward0", in: [12], w: [[8], [8, 8]] },
      ],
    });
    // ONNX: BN fused into the conv, swish exported as x·sigmoid(x), fused attention.
    const onnx = canonicalGraphFromOnnx(
      [
        { opType: "Conv", inputs: ["x", "W0"], outputs: ["c"], attributes: { kernel_shape: [3, 3], strides: [2, 2] } },
        { opType: "Sigmoid", inputs: ["c"], outputs: ["s"] },
        { opType: "Mul", inputs: ["c", "s"], outputs: ["a"] },
        { opType: "Reshape", inputs: ["a", "shape"], outputs: ["r"] },
        { opType: "Transpose", inputs: ["r"], outputs: ["t"] },
        { opType: "MatMul", inputs: ["t", "Wqkv"], outputs: ["qkv"] },
        { opType: "Split", inputs: ["qkv"], outputs: ["q", "k", "v"] },
        { opType: "Attention", inputs: ["q", "k", "v"], outputs: ["o"] },
        { opType: "Gemm", inputs: ["o", "Wo", "Bo"], outputs: ["y"], attributes: { transB: 1 } },
      ],
      { initializers: { W0: [8, 3, 3, 3], shape: [3], Wqkv: [8, 24], Wo: [8, 8], Bo: [8] }, graphInputs: ["x"] },
    );
    expect(labels(torch)).toEqual(["conv3x3/s2<", "silu<0", "linear<1", "matmul<2", "softmax<3", "matmul<2,4", "linear<5"]);
    expect(labels(onnx)).toEqual(labels(torch));
  });

  it("drops parameter-only subgraphs and ONNX shape computations", () => {
    const torch = canonicalGraphFromTorch({
      nodes: [
        { op: "ConvolutionBackward0", in: [], w: [[8, 3, 3, 3]], s: [1, 1], g: 1 },
        { op: "AddmmBackward0", in: [], w: [[512, 2]] }, // relative-position MLP over a buffer
        { op: "ReluBackward0", in: [1] },
        { op: "AddBackward0", in: [0, 2] },
      ],
    });
    const onnx = canonicalGraphFromOnnx(
      [
        { opType: "Conv", inputs: ["x", "W"], outputs: ["c"], attributes: { kernel_shape: [3, 3] } },
        { opType: "Shape", inputs: ["c"], outputs: ["sh"] },
        { opType: "Concat", inputs: ["sh", "k"], outputs: ["shape"] },
        { opType: "Reshape", inputs: ["c", "shape"], outputs: ["r"] },
        { opType: "Add", inputs: ["r", "bias"], outputs: ["y"] },
      ],
      { initializers: { W: [8, 3, 3, 3], k: [1], bias: [8, 1, 1] }, graphInputs: ["x"] },
    );
    expect(labels(torch)).toEqual(["conv3x3/s1<", "add<0"]);
    expect(labels(onnx)).toEqual(labels(torch));
  });
});

describe("WL embedding", () => {
  const g = canonicalGraphFromTorch({
    nodes: [
      { op: "ConvolutionBackward0", in: [], w: [[8, 3, 3, 3]], s: [2, 2], g: 1 },
      { op: "ReluBackward0", in: [0] },
      { op: "ConvolutionBackward0", in: [1], w: [[8, 1, 3, 3]], s: [1, 1], g: 8 },
      { op: "AddBackward0", in: [2, 1] },
      { op: "MeanBackward1", in: [3] },
      { op: "AddmmBackward0", in: [4], w: [[10], [10, 8]] },
    ],
  });

  it("is deterministic, unit-length and independent of node numbering", () => {
    const a = embedGraph(g, data.method, data.idf);
    const b = embedGraph(JSON.parse(JSON.stringify(g)), data.method, data.idf);
    expect(b).toEqual(a);
    expect(a).toHaveLength(DEFAULT_METHOD.buckets);
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
    // Same graph, the two branches of the add listed in the other order.
    const swapped: CanonicalGraph = { nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs].reverse() })) };
    expect(embedGraph(swapped, data.method, data.idf)).toEqual(a);
  });

  it("keeps the stored parameters small enough for the browser", () => {
    expect(JSON.stringify({ method: data.method, idf: data.idf }).length).toBeLessThan(50_000);
    expect(statSync(JSON_FILE).size).toBeLessThan(3_200_000);
  });

  const GRAPHS = resolve(ROOT, "../shared/data/graphs/arch-graphs.jsonl.gz");
  it.skipIf(!existsSync(GRAPHS))("re-embeds a traced graph to its stored vector", async () => {
    const rl = createInterface({ input: createReadStream(GRAPHS).pipe(createGunzip()) });
    for await (const line of rl) {
      if (!/"arch": ?"resnet50"/.test(line)) continue;
      const d = JSON.parse(line);
      if (d.lib !== "timm" || d.arch !== "resnet50") continue;
      rl.close();
      const { embedding, meta } = describeGraph(data, typedGraphFromTorch(d), d.input);
      expect(Math.max(...embedding.map((x, i) => Math.abs(x - data.archs.resnet50.embedding[i])))).toBeLessThan(1e-4);
      expect(meta.macs).toBe(data.archs.resnet50.flops);
      expect(meta.params).toBe(d.params);
      return;
    }
    throw new Error("resnet50 not found");
  });
});

describe("stored embeddings (data/derived/archi2vec.json)", () => {
  const top5 = (arch: string) => nearestArchs(data, data.archs[arch].embedding, 5, arch).map((x) => x.arch);
  const cases: [string, RegExp][] = [
    ["resnet50", /res(net|next)|wide_res|hf\/resnet/],
    ["vit_base_patch16_224", /vit|deit|beit/],
    ["mobilenetv2_100", /mobilenet|efficientnet|mnasnet|fbnet|tinynet|lcnet|mixnet/],
  ];
  for (const [arch, family] of cases) {
    it(`nearest neighbours of ${arch} are of its family`, () => {
      const nn = top5(arch);
      expect(nn.filter((a) => family.test(a)).length, nn.join(", ")).toBeGreaterThanOrEqual(3);
    });
  }

  it("separates unrelated families", () => {
    const e = (a: string) => data.archs[a].embedding;
    expect(cosine(e("resnet50"), e("resnet101"))).toBeGreaterThan(cosine(e("resnet50"), e("vit_base_patch16_224")) + 0.5);
  });

  it("counts resnet50 at 4.1 GMACs (±15%) and other references close", () => {
    for (const a of ["resnet50", "tv/resnet50"]) expect(Math.abs(data.archs[a].flops / 4.1e9 - 1)).toBeLessThan(0.15);
    const ref: Record<string, number> = { "tv/mobilenet_v2": 0.3e9, vit_base_patch16_224: 17.6e9, "tv/efficientnet_b0": 0.39e9, "tv/convnext_tiny": 4.5e9, "tv/swin_t": 4.5e9 };
    for (const [a, v] of Object.entries(ref)) expect(Math.abs(data.archs[a].flops / v - 1), a).toBeLessThan(0.1);
    expect(data.archs.resnet50.depth).toBe(50);
  });

  it("links all 36 classic models to stored graphs", () => {
    const models = new Set<string>();
    for (const f of ["sfda_group1_supervised_finetune.csv", "sfda_group2_selfsup_finetune.csv", "emms_vit_finetune.csv"]) {
      const file = resolve(ROOT, "data/records", f);
      const rows = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").slice(1) : [];
      for (const r of rows) models.add(r.split(",")[1]);
    }
    const expected = models.size > 0 ? [...models] : Object.keys(data.links.classic);
    expect(expected).toHaveLength(36);
    for (const m of expected) {
      expect(data.links.classic[m], m).toBeDefined();
      expect(data.archs[data.links.classic[m]], m).toBeDefined();
    }
    expect(data.links.classic.byol).toBe("tv/resnet50");
    expect(data.links.classic.dino_small).toBe("vit_small_patch16_224");
    for (const zoo of ["hub", "timm"] as const) for (const a of Object.values(data.links[zoo])) expect(data.archs[a]).toBeDefined();
  });

  const PROXY = resolve(ROOT, "public/models/mobilenetv2-fp32.onnx");
  it.skipIf(!existsSync(PROXY))("places an ONNX MobileNetV2 (another exporter) next to the traced ones", async () => {
    const { decodeModel } = await import("../tools/onnx-proto.ts");
    const typed = typedGraphFromOnnxGraph(decodeModel(readFileSync(PROXY)).graph!);
    const { embedding, meta } = describeGraph(data, typed, 224);
    const nn = nearestArchs(data, embedding, 5);
    expect(nn.filter((x) => /mobilenet_?v2/.test(x.arch)).length, JSON.stringify(nn)).toBeGreaterThanOrEqual(3);
    expect(nn[0].cosine).toBeGreaterThan(0.9);
    expect(Math.abs(meta.macs / 0.3e9 - 1)).toBeLessThan(0.05);
    expect(graphMeta(typed, 224).params).toBe(3_487_948);
  });
});
