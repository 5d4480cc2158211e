import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

function tensor(name: string, dims: number[]) {
  const n = dims.reduce((a, b) => a * b, 1);
  return onnx.TensorProto.create({ name, dims, dataType: 1, rawData: new Uint8Array(new Float32Array(n).buffer) });
}

/** A small residual CNN as ONNX bytes: conv stem, a residual block, global pool, classifier. */
export function tinyResNetOnnx(): Uint8Array {
  const node = (opType: string, input: string[], output: string[], attrs: Record<string, number | number[]> = {}) =>
    onnx.NodeProto.create({
      opType,
      input,
      output,
      attribute: Object.entries(attrs).map(([name, v]) =>
        Array.isArray(v) ? onnx.AttributeProto.create({ name, ints: v, type: 7 }) : onnx.AttributeProto.create({ name, i: v, type: 2 }),
      ),
    });
  const graph = onnx.GraphProto.create({
    name: "tiny-resnet",
    node: [
      node("Conv", ["input", "w1", "b1"], ["c1"], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1 }),
      node("Relu", ["c1"], ["r1"]),
      node("Conv", ["r1", "w2", "b2"], ["c2"], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1 }),
      node("Relu", ["c2"], ["r2"]),
      node("Conv", ["r2", "w3", "b3"], ["c3"], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1 }),
      node("Add", ["c3", "r1"], ["a1"]),
      node("Relu", ["a1"], ["r3"]),
      node("GlobalAveragePool", ["r3"], ["p"]),
      node("Flatten", ["p"], ["f"], { axis: 1 }),
      node("Gemm", ["f", "wf", "bf"], ["logits"], { transB: 1 }),
    ],
    initializer: [tensor("w1", [16, 3, 3, 3]), tensor("b1", [16]), tensor("w2", [16, 16, 3, 3]), tensor("b2", [16]), tensor("w3", [16, 16, 3, 3]), tensor("b3", [16]), tensor("wf", [10, 16]), tensor("bf", [10])],
    input: [
      onnx.ValueInfoProto.create({
        name: "input",
        type: onnx.TypeProto.create({ tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 3 }, { dimValue: 224 }, { dimValue: 224 }] } } }),
      }),
    ],
    output: [onnx.ValueInfoProto.create({ name: "logits" })],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: "", version: 13 }], producerName: "fennec-tests", graph });
  return onnx.ModelProto.encode(model).finish();
}
