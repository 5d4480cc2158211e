import { mulberry32 } from "../math/random.ts";
import { solveSPD } from "../math/linalg.ts";

export interface Factorisation {
  /** Model vectors, one row per model: k latent factors then a per-model bias. */
  U: number[][];
  /** Task vectors, one row per task: k latent factors then a constant 1 that meets the bias. */
  V: number[][];
  rmse: number;
}

export interface FactoriseOptions {
  rank: number;
  lambda?: number;
  iterations?: number;
  seed?: number;
}

/**
 * Low-rank factorisation Z ≈ U Vᵀ over the observed cells only (NaN = missing), by alternating
 * ridge regressions. ALS rather than the reference's non-negative MF because the matrix is
 * standardised (signed) and ALS is deterministic and converges in a few dozen sweeps at this size.
 * Each task vector carries a fixed trailing 1 so each model gets a bias (its overall strength).
 */
export function factorise(Z: readonly number[][], opts: FactoriseOptions): Factorisation {
  const { rank: k, lambda = 0.1, iterations = 60, seed = 7 } = opts;
  const nm = Z.length;
  const nt = Z[0]?.length ?? 0;
  const d = k + 1;
  const rand = mulberry32(seed);
  const U = Array.from({ length: nm }, () => Array.from({ length: d }, () => (rand() - 0.5) * 0.1));
  const V = Array.from({ length: nt }, () => [...Array.from({ length: k }, () => (rand() - 0.5) * 0.1), 1]);

  // One ridge solve per row: argmin_x Σ (y − vec·x)² + λ‖x‖².
  const solveRow = (cells: { vec: number[]; y: number }[], dims: number) => {
    const A = new Array<number>(dims * dims).fill(0);
    const b = new Array<number>(dims).fill(0);
    for (const { vec, y } of cells) {
      for (let i = 0; i < dims; i++) {
        b[i] += vec[i] * y;
        for (let j = 0; j < dims; j++) A[i * dims + j] += vec[i] * vec[j];
      }
    }
    for (let i = 0; i < dims; i++) A[i * dims + i] += lambda;
    return solveSPD(A, b, dims);
  };

  for (let it = 0; it < iterations; it++) {
    // Model rows solve all d columns (factors + bias); task rows solve only their k factors,
    // against the residual after each model's bias.
    for (let m = 0; m < nm; m++) {
      const cells = [];
      for (let t = 0; t < nt; t++) if (!Number.isNaN(Z[m][t])) cells.push({ vec: V[t], y: Z[m][t] });
      if (cells.length) U[m] = solveRow(cells, d);
    }
    for (let t = 0; t < nt; t++) {
      const cells = [];
      for (let m = 0; m < nm; m++) if (!Number.isNaN(Z[m][t])) cells.push({ vec: U[m].slice(0, k), y: Z[m][t] - U[m][k] });
      if (cells.length) V[t] = [...solveRow(cells, k), 1];
    }
  }
  let se = 0;
  let n = 0;
  for (let m = 0; m < nm; m++)
    for (let t = 0; t < nt; t++)
      if (!Number.isNaN(Z[m][t])) {
        let p = 0;
        for (let i = 0; i < d; i++) p += U[m][i] * V[t][i];
        se += (Z[m][t] - p) ** 2;
        n++;
      }
  return { U, V, rmse: Math.sqrt(se / Math.max(n, 1)) };
}
