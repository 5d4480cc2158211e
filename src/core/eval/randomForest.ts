import { mulberry32 } from "../math/random.ts";

/**
 * A multi-output random-forest regressor (CART trees on bootstrap samples, √p features tried per
 * split, mean of leaves), for Fennec's reference mapper: per-image proxy embedding → task vector.
 * Written here because the one maintained JavaScript forest (ml-random-forest) fits one output
 * at a time and took 100 s for a single 25-tree output on 1,400 × 1,280 inputs; this one splits
 * on the summed squared error of all outputs at once and fits the same forest in a few seconds.
 */
export interface ForestOptions {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  seed: number;
}

type Node = { leaf: number[] } | { feature: number; threshold: number; left: Node; right: Node };

export interface Forest {
  trees: Node[];
}

export const REFERENCE_FOREST: ForestOptions = { trees: 25, maxDepth: 12, minLeaf: 2, seed: 1 };

export function fitForest(X: readonly ArrayLike<number>[], Y: readonly number[][], opts: ForestOptions = REFERENCE_FOREST): Forest {
  const rand = mulberry32(opts.seed);
  const n = X.length;
  const p = X[0].length;
  const tryFeatures = Math.max(1, Math.round(Math.sqrt(p)));
  const trees: Node[] = [];
  for (let t = 0; t < opts.trees; t++) {
    const sample = Array.from({ length: n }, () => Math.floor(rand() * n));
    trees.push(grow(sample, 0));
  }
  return { trees };

  function leafOf(idx: readonly number[]): Node {
    const d = Y[0].length;
    const m = new Array<number>(d).fill(0);
    for (const i of idx) for (let k = 0; k < d; k++) m[k] += Y[i][k] / idx.length;
    return { leaf: m };
  }

  function grow(idx: number[], depth: number): Node {
    if (depth >= opts.maxDepth || idx.length < 2 * opts.minLeaf) return leafOf(idx);
    const d = Y[0].length;
    const total = new Array<number>(d).fill(0);
    for (const i of idx) for (let k = 0; k < d; k++) total[k] += Y[i][k];
    let best = { gain: 1e-12, feature: -1, threshold: 0 };
    for (let f = 0; f < tryFeatures; f++) {
      const feature = Math.floor(rand() * p);
      const order = [...idx].sort((a, b) => X[a][feature] - X[b][feature]);
      const left = new Array<number>(d).fill(0);
      // SSE = Σy² − (Σy)²/n per side; Σy² is the same for every split, so maximise Σ (Σy)²/n.
      const base = total.reduce((s, v) => s + v * v, 0) / order.length;
      for (let j = 0; j < order.length - 1; j++) {
        for (let k = 0; k < d; k++) left[k] += Y[order[j]][k];
        const nl = j + 1;
        const nr = order.length - nl;
        if (nl < opts.minLeaf || nr < opts.minLeaf) continue;
        const a = X[order[j]][feature];
        const b = X[order[j + 1]][feature];
        if (a === b) continue;
        let score = 0;
        for (let k = 0; k < d; k++) score += (left[k] * left[k]) / nl + ((total[k] - left[k]) * (total[k] - left[k])) / nr;
        if (score - base > best.gain) best = { gain: score - base, feature, threshold: (a + b) / 2 };
      }
    }
    if (best.feature < 0) return leafOf(idx);
    const l = idx.filter((i) => X[i][best.feature] <= best.threshold);
    const r = idx.filter((i) => X[i][best.feature] > best.threshold);
    return { feature: best.feature, threshold: best.threshold, left: grow(l, depth + 1), right: grow(r, depth + 1) };
  }
}

export function predictForest(forest: Forest, x: ArrayLike<number>): number[] {
  let out: number[] | null = null;
  for (const tree of forest.trees) {
    let node = tree;
    while (!("leaf" in node)) node = x[node.feature] <= node.threshold ? node.left : node.right;
    out = out ? out.map((v, k) => v + (node as { leaf: number[] }).leaf[k]) : [...node.leaf];
  }
  return out!.map((v) => v / forest.trees.length);
}
