import { describe, expect, it } from "vitest";
import { mulberry32 } from "../src/core/math/random.ts";
import { factorise } from "../src/core/space/factorise.ts";
import { pivotRecords, priorScores, standardiseColumns, withoutTasks } from "../src/core/space/matrix.ts";

/** A known rank-2 matrix plus a per-row bias, the model the factorisation assumes. */
function lowRank(nm: number, nt: number, seed: number) {
  const r = mulberry32(seed);
  const A = Array.from({ length: nm }, () => [r() - 0.5, r() - 0.5, r() - 0.5]);
  const B = Array.from({ length: nt }, () => [r() - 0.5, r() - 0.5]);
  return A.map((a) => B.map((b) => a[0] * b[0] + a[1] * b[1] + a[2]));
}

describe("factorise", () => {
  it("reconstructs a known low-rank matrix with missing cells", () => {
    const Z = lowRank(40, 12, 3);
    const rand = mulberry32(9);
    const hidden: [number, number][] = [];
    const observed = Z.map((row, m) =>
      row.map((v, t) => {
        if (rand() < 0.15) {
          hidden.push([m, t]);
          return Number.NaN;
        }
        return v;
      }),
    );
    const { U, V, rmse } = factorise(observed, { rank: 2, lambda: 1e-4, iterations: 300 });
    expect(rmse).toBeLessThan(1e-3);
    // Held-out cells are predicted too: the structure, not just the observed cells, was learned.
    const err = hidden.map(([m, t]) => Math.abs(U[m].reduce((s, u, i) => s + u * V[t][i], 0) - Z[m][t]));
    expect(Math.max(...err)).toBeLessThan(0.02);
  });

  it("is deterministic", () => {
    const Z = lowRank(10, 5, 1);
    expect(factorise(Z, { rank: 2 })).toEqual(factorise(Z, { rank: 2 }));
  });
});

describe("transfer matrix", () => {
  const records = [
    { model: "a", dataset: "t1", value: 90 },
    { model: "b", dataset: "t1", value: 80 },
    { model: "a", dataset: "t2", value: 0.5 },
    { model: "b", dataset: "t2", value: 0.7 },
    { model: "c", dataset: "t2", value: 0.9 },
  ];
  it("pivots tidy records, leaving missing cells NaN", () => {
    const m = pivotRecords(records);
    expect(m.models).toEqual(["a", "b", "c"]);
    expect(m.tasks).toEqual(["t1", "t2"]);
    expect(m.values[2][0]).toBeNaN();
  });
  it("standardises each task and averages into the prior", () => {
    const { z } = standardiseColumns(pivotRecords(records));
    expect(z[0][0]).toBeCloseTo(1);
    expect(z[1][0]).toBeCloseTo(-1);
    const prior = priorScores(z);
    expect(prior[2]).toBeCloseTo(z[2][1]);
    expect(prior[0]).toBeCloseTo((1 + z[0][1]) / 2);
  });
  it("removes a task everywhere", () => {
    const m = withoutTasks(pivotRecords(records), ["t1"]);
    expect(m.tasks).toEqual(["t2"]);
    expect(m.values.every((row) => row.length === 1)).toBe(true);
  });
});
