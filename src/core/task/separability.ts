import { round } from "../math/linalg.ts";
import { meanVector } from "../math/linalg.ts";
import { centredUnit } from "./descriptor.ts";

/**
 * How separable a labelled folder's classes are in proxy space: leave-one-out accuracy of the
 * nearest-class-mean classifier (cosine to each class's mean of unit embeddings centred on the
 * folder's own mean, so the figure depends on the folder alone, not on the bundle; the
 * image itself left out of its own class's mean), rescaled so that chance is 0 and perfect is 1.
 * A nearest-class-mean probe is a linear classifier with a closed form: no training loop, no
 * seed, and one image per class more than enough (a trained probe overfits 5 images per class).
 *
 * The n × C similarity matrix is one matrix product done with @tensorflow/tfjs (core + CPU
 * backend, imported lazily so it costs the page's first paint nothing). The CPU backend is
 * plain float32 JavaScript, so Node and every browser get the same numbers.
 *
 * Returns null when no class has two images or there are fewer than two classes.
 */
export const PROBE_DIGITS = 2;

export async function classSeparability(embeddings: readonly ArrayLike<number>[], labels: readonly string[]): Promise<number | null> {
  const classes = [...new Set(labels.filter((l) => l !== ""))].sort();
  if (classes.length < 2) return null;
  const index = new Map(classes.map((c, i) => [c, i]));
  const rows = embeddings.map((_, i) => i).filter((i) => labels[i] !== "");
  const counts = new Array<number>(classes.length).fill(0);
  for (const i of rows) counts[index.get(labels[i])!]++;
  if (!counts.some((n) => n >= 2)) return null;

  const center = meanVector(rows.map((i) => embeddings[i]));
  const d = center.length;
  const X = new Float32Array(rows.length * d);
  rows.forEach((i, r) => X.set(centredUnit(embeddings[i], center), r * d));
  const S = new Float64Array(classes.length * d);
  rows.forEach((i, r) => {
    const c = index.get(labels[i])!;
    for (let k = 0; k < d; k++) S[c * d + k] += X[r * d + k];
  });
  const norm2 = classes.map((_, c) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += S[c * d + k] ** 2;
    return s;
  });

  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  // PROD: no console banner suggesting tfjs-node (the CLI's stdout is JSON) and no debug checks.
  tf.env().set("PROD", true);
  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
  const G = tf.tidy(() => tf.matMul(tf.tensor2d(X, [rows.length, d]), tf.tensor2d(Float32Array.from(S), [classes.length, d]), false, true));
  const g = (await G.data()) as Float32Array;
  G.dispose();

  let correct = 0;
  let scored = 0;
  rows.forEach((i, r) => {
    const y = index.get(labels[i])!;
    if (counts[y] < 2) return;
    let best = -1;
    let bestSim = -Infinity;
    for (let c = 0; c < classes.length; c++) {
      const dot = g[r * classes.length + c];
      // |x| = 1: leaving x out of its own class's sum subtracts 1 from the dot product.
      const sim = c === y ? (dot - 1) / Math.sqrt(Math.max(norm2[c] - 2 * dot + 1, 1e-12)) : dot / Math.sqrt(Math.max(norm2[c], 1e-12));
      if (sim > bestSim) [best, bestSim] = [c, sim];
    }
    scored++;
    if (best === y) correct++;
  });
  const chance = 1 / classes.length;
  return round((correct / scored - chance) / (1 - chance), PROBE_DIGITS);
}
