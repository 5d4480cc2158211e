import { dot } from "./linalg.ts";

/**
 * The two leading principal directions of a small set of vectors (power iteration with
 * deflation): enough to draw a transfer space in 2-D without a linear-algebra dependency.
 */
export function principalPlane(vectors: readonly number[][]): { mean: number[]; axes: [number[], number[]] } {
  const d = vectors[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const v of vectors) for (let i = 0; i < d; i++) mean[i] += v[i] / vectors.length;
  const X = vectors.map((v) => v.map((x, i) => x - mean[i]));
  const C = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, r) => s + r[i] * r[j], 0)));
  const axes: number[][] = [];
  for (let a = 0; a < 2; a++) {
    let v = Array.from({ length: d }, (_, i) => (i === a ? 1 : 0.5 / (i + 1)));
    for (let it = 0; it < 200; it++) {
      let w = C.map((row) => dot(row, v));
      for (const prev of axes) {
        const p = dot(w, prev);
        w = w.map((x, i) => x - p * prev[i]);
      }
      const n = Math.hypot(...w) || 1;
      v = w.map((x) => x / n);
    }
    axes.push(v);
  }
  return { mean, axes: [axes[0], axes[1]] };
}

export function projectTo(plane: { mean: number[]; axes: [number[], number[]] }, v: readonly number[]): [number, number] {
  const c = v.map((x, i) => x - plane.mean[i]);
  return [dot(c, plane.axes[0]), dot(c, plane.axes[1])];
}
