/** Small dense linear algebra on plain arrays. The matrices here are tiny (k <= 16), so a
 * hand-written Cholesky beats pulling a tensor library into the core. */

export type Vec = number[];

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity in one pass; 0 when either vector is all zeros. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

export function normalised(a: ArrayLike<number>): Vec {
  const n = norm(a);
  return Array.from(a, (x) => (n === 0 ? 0 : x / n));
}

/** Element-wise mean of equal-length vectors. */
export function meanVector(vectors: readonly ArrayLike<number>[]): Vec {
  if (vectors.length === 0) throw new Error("meanVector: no vectors");
  const out = new Array<number>(vectors[0].length).fill(0);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] += v[i];
  return out.map((x) => x / vectors.length);
}

/** a + s·b */
export function axpy(a: ArrayLike<number>, s: number, b: ArrayLike<number>): Vec {
  return Array.from(a, (x, i) => x + s * b[i]);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

/** Solves (A) x = b for symmetric positive-definite A (row-major n×n) by Cholesky. */
export function solveSPD(A: number[], b: number[], n: number): Vec {
  const L = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (s <= 0) throw new Error("solveSPD: matrix is not positive definite");
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Ridge regression: argmin_w Σ (y − X w)² + λ‖w‖², X given as rows. */
export function ridge(X: readonly ArrayLike<number>[], y: readonly number[], lambda: number): Vec {
  const n = X[0].length;
  const A = new Array<number>(n * n).fill(0);
  const b = new Array<number>(n).fill(0);
  X.forEach((row, r) => {
    for (let i = 0; i < n; i++) {
      b[i] += row[i] * y[r];
      for (let j = 0; j <= i; j++) A[i * n + j] += row[i] * row[j];
    }
  });
  for (let i = 0; i < n; i++) {
    A[i * n + i] += lambda;
    for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
  }
  return solveSPD(A, b, n);
}

/** Rounds for compact, stable JSON (bundles, links): the value that is stored is the value used. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in stored numbers
}
