import * as ort from "onnxruntime-node";
import { resolve } from "node:path";
import { PROXY_INPUT, preprocessInto, storedShorter } from "../../src/core/preprocess.ts";
import { imageStats, type ImageStats } from "../../src/core/task/imageStats.ts";
import { decodeFile } from "./decode.ts";
import { ImageFileError } from "../../src/core/image/header.ts";

export const PROXY_MODEL_PATH = resolve(import.meta.dirname, "../../public/models/mobilenetv2-fp32.onnx");
export const EMBEDDING_DIM = 1280;
export const LOGITS_DIM = 1000;
const PLANE = 3 * PROXY_INPUT * PROXY_INPUT;

export interface EmbedResult {
  embeddings: (Float32Array | null)[];
  /** Per-image domain statistics (src/core/task/imageStats.ts), null where decoding failed. */
  stats: (ImageStats | null)[];
  errors: { index: number; reason: string }[];
}

export async function createProxySession(path = PROXY_MODEL_PATH): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
}

/** Decodes, preprocesses and embeds files in batches; a file that fails to decode is reported
 * and skipped, and the rest go on. */
export async function embedFiles(
  session: ort.InferenceSession,
  paths: readonly string[],
  batchSize = 16,
  onProgress?: (done: number, total: number) => void,
): Promise<EmbedResult> {
  const embeddings: (Float32Array | null)[] = new Array(paths.length).fill(null);
  const stats: (ImageStats | null)[] = new Array(paths.length).fill(null);
  const errors: { index: number; reason: string }[] = [];
  for (let start = 0; start < paths.length; start += batchSize) {
    const idx = [...Array(Math.min(batchSize, paths.length - start)).keys()].map((i) => start + i);
    const decoded = await Promise.all(
      idx.map((i) =>
        decodeFile(paths[i]).catch((e: Error) => {
          // decodeFile's errors already say what is wrong, in the words the page uses.
          errors.push({ index: i, reason: e instanceof ImageFileError ? e.message : `could not decode image (${e.message.split("\n")[0]})` });
          return null;
        }),
      ),
    );
    const ok = idx.filter((_, j) => decoded[j] !== null);
    if (ok.length) {
      const input = new Float32Array(ok.length * PLANE);
      const shorter: number[] = [];
      idx.forEach((_, j) => {
        const img = decoded[j];
        if (!img) return;
        preprocessInto(img, input, PLANE * shorter.length);
        shorter.push(storedShorter(img));
      });
      const out = await session.run({ input: new ort.Tensor("float32", input, [ok.length, 3, PROXY_INPUT, PROXY_INPUT]) });
      const emb = out.embedding.data as Float32Array;
      const logits = out.logits.data as Float32Array;
      ok.forEach((i, j) => {
        embeddings[i] = emb.slice(j * EMBEDDING_DIM, (j + 1) * EMBEDDING_DIM);
        stats[i] = imageStats(logits, j * LOGITS_DIM, LOGITS_DIM, input, j * PLANE, shorter[j]);
      });
    }
    onProgress?.(Math.min(start + batchSize, paths.length), paths.length);
  }
  errors.sort((a, b) => a.index - b.index);
  return { embeddings, stats, errors };
}
