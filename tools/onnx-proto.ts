// Thin typed access to the ONNX protobuf schema shipped by the `onnx-proto` npm package
// (static protobufjs module generated from onnx.proto3, ONNX v1.10.2, IR version 8).
// The package is CommonJS (`module.exports = $root`), so it is imported as a default export.
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

export const onnx = onnxProto.onnx;

export type ModelProto = OnnxTypes.ModelProto;
export type GraphProto = OnnxTypes.GraphProto;
export type NodeProto = OnnxTypes.NodeProto;
export type TensorProto = OnnxTypes.TensorProto;
export type AttributeProto = OnnxTypes.AttributeProto;
export type ValueInfoProto = OnnxTypes.ValueInfoProto;
export type ITensorProto = OnnxTypes.ITensorProto;
export type INodeProto = OnnxTypes.INodeProto;
export type IAttributeProto = OnnxTypes.IAttributeProto;
export type IValueInfoProto = OnnxTypes.IValueInfoProto;

/** ONNX TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  DOUBLE: 11,
} as const;

/** protobufjs decodes int64 fields as `number` or `Long`; turn either into a JS number. */
export function toNum(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: OnnxTypes.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function tensorDims(t: OnnxTypes.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => toNum(d));
}

/**
 * The values of an initializer as float64 numbers, for the element types this project meets
 * (float, double, uint8, int8, int32, int64), whether stored in raw_data or the typed fields.
 */
export function tensorValues(t: OnnxTypes.ITensorProto): Float64Array {
  const count = tensorDims(t).reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(count);
    switch (t.dataType) {
      case DataType.FLOAT:
        for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
        break;
      case DataType.DOUBLE:
        for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
        break;
      case DataType.UINT8:
        for (let i = 0; i < count; i++) out[i] = dv.getUint8(i);
        break;
      case DataType.INT8:
        for (let i = 0; i < count; i++) out[i] = dv.getInt8(i);
        break;
      case DataType.INT32:
        for (let i = 0; i < count; i++) out[i] = dv.getInt32(i * 4, true);
        break;
      case DataType.INT64:
        for (let i = 0; i < count; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
        break;
      default:
        throw new Error(`tensor ${t.name}: unsupported data type ${t.dataType}`);
    }
    if (raw.length !== count * bytesPer(t.dataType ?? 0)) {
      throw new Error(`tensor ${t.name}: raw_data has ${raw.length} bytes for ${count} elements`);
    }
    return out;
  }
  let src: ArrayLike<number>;
  switch (t.dataType) {
    case DataType.FLOAT:
      src = t.floatData ?? [];
      break;
    case DataType.DOUBLE:
      src = t.doubleData ?? [];
      break;
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.INT32:
      src = t.int32Data ?? [];
      break;
    case DataType.INT64:
      src = (t.int64Data ?? []).map((v) => toNum(v));
      break;
    default:
      throw new Error(`tensor ${t.name}: unsupported data type ${t.dataType}`);
  }
  if (src.length !== count) {
    throw new Error(`tensor ${t.name}: ${src.length} values for ${count} elements`);
  }
  return Float64Array.from(src);
}

function bytesPer(dataType: number): number {
  switch (dataType) {
    case DataType.UINT8:
    case DataType.INT8:
      return 1;
    case DataType.FLOAT:
    case DataType.INT32:
      return 4;
    case DataType.DOUBLE:
    case DataType.INT64:
      return 8;
    default:
      return 0;
  }
}

/** A float32 initializer stored little-endian in raw_data. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`${name}: ${values.length} values for dims [${dims}]`);
  const raw = new Uint8Array(count * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) dv.setFloat32(i * 4, values[i], true);
  return { name, dims, dataType: DataType.FLOAT, rawData: raw };
}

/** A float32 tensor value-info with symbolic or fixed dims. */
export function floatValueInfo(name: string, dims: (number | string)[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
