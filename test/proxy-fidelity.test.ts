// Fidelity of the committed fp32 proxy (public/models/mobilenetv2-fp32.onnx, made by
// tools/convert-proxy.ts) against the int8 original it was converted from, on real photographs.
import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import * as ort from "onnxruntime-node";
import { convertProxy, sha256 } from "../tools/convert-proxy.ts";
import { decodeModel, encodeModel, onnx } from "../tools/onnx-proto.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");
// `shared/` sits beside the repository root.
const sharedData = path.resolve(repoRoot, "../shared/data");
const INT8_MODEL = path.join(sharedData, "proxy/mobilenetv2-12-int8.onnx");
const IMAGES = path.join(sharedData, "images/caltech101");
const FP32_MODEL = path.join(repoRoot, "public/models/mobilenetv2-fp32.onnx");

const N_IMAGES = 16;
const MIN_TOP1_AGREE = 15;
// Measured on these 16 images (onnxruntime-node 1.30, CPU): cosine min 0.9649, mean 0.9767;
// top-1 agreement 15/16. The threshold sits just below the worst observed value. The gap is the
// int8 model's own activation rounding amplified through 52 convs (ORT's QLinearConv output matches
// an exact integer reference bit for bit), not a conversion error: the last blocks (the 320-ch
// bottleneck and the 1280-ch conv) carry most of it.
const MIN_COSINE = 0.96;

const missing = !existsSync(INT8_MODEL)
  ? `int8 proxy model not found at ${INT8_MODEL}`
  : !existsSync(IMAGES)
    ? `Caltech-101 sample images not found at ${IMAGES}`
    : "";
if (missing) console.warn(`proxy-fidelity: skipped, ${missing} (the shared/ folder beside the repo root is needed)`);

/** First image (sorted) of each of the first `n` classes (sorted) of the Caltech-101 sample. */
function pickImages(n: number): string[] {
  const classes = readdirSync(IMAGES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const files: string[] = [];
  for (const cls of classes) {
    const imgs = readdirSync(path.join(IMAGES, cls))
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort();
    if (imgs.length > 0) files.push(path.join(IMAGES, cls, imgs[0]));
    if (files.length === n) break;
  }
  return files;
}

const SIZE = 224;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * Minimal local ImageNet preprocessing: EXIF rotate, shorter side to 256 (bilinear), centre crop
 * 224, /255, mean/std normalise, CHW. Writes into `out` at `offset`.
 */
async function preprocessInto(file: string, out: Float32Array, offset: number): Promise<void> {
  const { data, info } = await sharp(file)
    .rotate()
    .removeAlpha()
    .toColourspace("srgb")
    .resize({ width: 256, height: 256, fit: "outside", kernel: "linear" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h, channels } = info;
  if (channels !== 3 || Math.min(w, h) !== 256) throw new Error(`${file}: unexpected decode ${w}x${h}x${channels}`);
  const left = Math.round((w - SIZE) / 2);
  const top = Math.round((h - SIZE) / 2);
  const plane = SIZE * SIZE;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const src = ((top + y) * w + (left + x)) * 3;
      const dst = offset + y * SIZE + x;
      for (let c = 0; c < 3; c++) out[dst + c * plane] = (data[src + c] / 255 - MEAN[c]) / STD[c];
    }
  }
}

/** The int8 model with the dequantised QLinearGlobalAveragePool output added as a graph output. */
function int8WithPooledOutput(bytes: Uint8Array): { bytes: Uint8Array; pooledName: string } {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const pools = (graph.node ?? []).filter((n) => n.opType === "QLinearGlobalAveragePool");
  if (pools.length !== 1) throw new Error(`expected one QLinearGlobalAveragePool, found ${pools.length}`);
  const pool = pools[0];
  const [, , , yScale, yZeroPoint] = pool.input!;
  const pooledName = "pooled_int8_dequantized";
  graph.node!.push(
    onnx.NodeProto.create({
      name: "pooled_int8_DequantizeLinear",
      opType: "DequantizeLinear",
      input: [pool.output![0], yScale, yZeroPoint],
      output: [pooledName],
    }),
  );
  graph.output!.push(
    onnx.ValueInfoProto.create({
      name: pooledName,
      type: { tensorType: { elemType: 1 } },
    }),
  );
  return { bytes: encodeModel(model), pooledName };
}

function argmax(v: Float32Array, from: number, len: number): number {
  let best = 0;
  for (let i = 1; i < len; i++) if (v[from + i] > v[from + best]) best = i;
  return best;
}

function topK(v: Float32Array, from: number, len: number, k: number): number[] {
  return Array.from({ length: len }, (_, i) => i)
    .sort((a, b) => v[from + b] - v[from + a])
    .slice(0, k);
}

function cosine(a: Float32Array, b: Float32Array, from: number, len: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = from; i < from + len; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe.skipIf(Boolean(missing))(`proxy fidelity: fp32 conversion vs int8 original${missing ? ` (skipped: ${missing})` : ""}`, () => {
  const files = missing ? [] : pickImages(N_IMAGES);
  let fp32Emb: Float32Array;
  let fp32Logits: Float32Array;
  let int8Emb: Float32Array;
  let int8Logits: Float32Array;
  const EMB = 1280;
  const CLASSES = 1000;

  beforeAll(async () => {
    expect(files.length).toBe(N_IMAGES);
    const batch = new Float32Array(N_IMAGES * 3 * SIZE * SIZE);
    await Promise.all(files.map((f, i) => preprocessInto(f, batch, i * 3 * SIZE * SIZE)));
    const input = new ort.Tensor("float32", batch, [N_IMAGES, 3, SIZE, SIZE]);

    const fp32 = await ort.InferenceSession.create(FP32_MODEL);
    const fpOut = await fp32.run({ input });
    expect(fpOut.embedding.dims).toEqual([N_IMAGES, EMB]);
    expect(fpOut.logits.dims).toEqual([N_IMAGES, CLASSES]);
    fp32Emb = fpOut.embedding.data as Float32Array;
    fp32Logits = fpOut.logits.data as Float32Array;

    const { bytes, pooledName } = int8WithPooledOutput(readFileSync(INT8_MODEL));
    // x64quantprecision: on x64 CPUs without VNNI (AVX2 only), MLAS's u8s8 int8 GEMM saturates
    // its 16-bit intermediate sums (onnxruntime issues #14642, #16105), which alone took this
    // reference to cosine 0.93 and 11/16 top-1 on an AVX2-only AMD EPYC; this option widens them.
    const int8 = await ort.InferenceSession.create(bytes, { extra: { session: { x64quantprecision: "1" } } });
    const qOut = await int8.run({ input });
    expect(qOut[pooledName].dims).toEqual([N_IMAGES, EMB, 1, 1]);
    expect(qOut.output.dims).toEqual([N_IMAGES, CLASSES]);
    int8Emb = qOut[pooledName].data as Float32Array;
    int8Logits = qOut.output.data as Float32Array;
    await fp32.release();
    await int8.release();
  });

  it("the committed fp32 model is what tools/convert-proxy.ts makes, with standard ops only", () => {
    const int8Bytes = readFileSync(INT8_MODEL);
    const committed = readFileSync(FP32_MODEL);
    const { bytes } = convertProxy(int8Bytes);
    expect(sha256(bytes)).toBe(sha256(committed));

    const model = decodeModel(committed);
    expect((model.opsetImport ?? []).map((o) => o.domain)).toEqual([""]);
    const ops = new Set((model.graph?.node ?? []).map((n) => `${n.domain ?? ""}:${n.opType}`));
    const allowed = new Set([":Conv", ":Clip", ":Add", ":GlobalAveragePool", ":Flatten", ":MatMul"]);
    for (const op of ops) expect(allowed.has(op), `unexpected op ${op}`).toBe(true);
    expect((model.graph?.input ?? []).map((i) => i.name)).toEqual(["input"]);
    expect((model.graph?.output ?? []).map((o) => o.name)).toEqual(["embedding", "logits"]);
  });

  it(`top-1 class of fp32 equals int8 on >= ${MIN_TOP1_AGREE}/${N_IMAGES} images`, () => {
    let agree = 0;
    const disagree: string[] = [];
    let inTop5 = 0;
    let maxAbsDiff = 0;
    for (let i = 0; i < N_IMAGES; i++) {
      const a = argmax(fp32Logits, i * CLASSES, CLASSES);
      const b = argmax(int8Logits, i * CLASSES, CLASSES);
      if (a === b) agree++;
      else disagree.push(`${path.relative(IMAGES, files[i])} (fp32 ${a}, int8 ${b})`);
      // The int8 winner is among the fp32 model's top 5 and vice versa.
      if (topK(fp32Logits, i * CLASSES, CLASSES, 5).includes(b) && topK(int8Logits, i * CLASSES, CLASSES, 5).includes(a)) {
        inTop5++;
      }
      for (let j = i * CLASSES; j < (i + 1) * CLASSES; j++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(fp32Logits[j] - int8Logits[j]));
      }
    }
    console.log(
      `proxy-fidelity: top-1 agreement ${agree}/${N_IMAGES}, mutual top-5 ${inTop5}/${N_IMAGES}, ` +
        `max |logit diff| ${maxAbsDiff.toFixed(3)}${disagree.length ? `; differs on ${disagree.join(", ")}` : ""}`,
    );
    expect(agree).toBeGreaterThanOrEqual(MIN_TOP1_AGREE);
    expect(inTop5).toBe(N_IMAGES);
  });

  it(`fp32 embedding has cosine >= ${MIN_COSINE} with the int8 pooled features on every image`, () => {
    const cos = Array.from({ length: N_IMAGES }, (_, i) => cosine(fp32Emb, int8Emb, i * EMB, EMB));
    const min = Math.min(...cos);
    const mean = cos.reduce((a, b) => a + b, 0) / cos.length;
    console.log(`proxy-fidelity: embedding cosine min ${min.toFixed(5)}, mean ${mean.toFixed(5)}`);
    for (let i = 0; i < N_IMAGES; i++) {
      expect(cos[i], `${path.relative(IMAGES, files[i])}`).toBeGreaterThanOrEqual(MIN_COSINE);
    }
  });
});
