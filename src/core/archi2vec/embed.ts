/**
 * Graph embedding: Weisfeiler–Lehman subtree features (the "words" of Graph2Vec), weighted by
 * sublinear tf × idf and folded into a fixed number of buckets by signed feature hashing, then
 * L2-normalised.
 *
 * Graph2Vec trains doc2vec on these same features; that needs the whole corpus, is not
 * deterministic across runs and cannot embed a new graph without the trained network. Hashing
 * keeps the information (inner products of tf-idf vectors are preserved in expectation) with a
 * deterministic, stateless map, so the browser embeds a dropped model with only the idf table.
 */
import type { CanonicalGraph } from "./vocab.ts";
import { cosine, round } from "../math/linalg.ts";
import { hashString } from "../math/random.ts";

export interface EmbedMethod {
  /** WL iterations: subtrees of depth 0..iterations. */
  iterations: number;
  /** Output dimension (hash buckets). */
  buckets: number;
  /** Slots of the hashed idf table. */
  idfSlots: number;
  /** Features found in at least this fraction of the (distinct) corpus graphs get their own idf. */
  idfMinDf: number;
  /** idf of every rarer or unseen feature: the idf at the `idfMinDf` threshold. */
  idfCap: number;
}

export const DEFAULT_METHOD: EmbedMethod = { iterations: 3, buckets: 256, idfSlots: 8192, idfMinDf: 0.05, idfCap: 1 };

// FNV-1a (hashString) with two offset bases gives 64 bits, so that distinct WL subtrees
// practically never share a label.
/** Murmur3 finaliser: FNV's low bits are weak, and buckets are taken from them. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex = (n: number) => n.toString(16).padStart(8, "0");

export function hashLabel(s: string): string {
  return hex(hashString(s, 0x811c9dc5)) + hex(hashString(s, 0x050c5d1f));
}

/**
 * WL relabelling over the directed graph: a node's next label is its label with the sorted labels
 * of its producers and of its consumers, so subtrees record both what feeds an op and what it feeds.
 * Returns feature → count, features named `<iteration>:<label>`.
 */
export function wlFeatures(g: CanonicalGraph, iterations: number): Map<string, number> {
  const n = g.nodes.length;
  const succ: number[][] = g.nodes.map(() => []);
  g.nodes.forEach((node, i) => node.inputs.forEach((j) => succ[j].push(i)));
  let labels = g.nodes.map((node) => node.label);
  const counts = new Map<string, number>();
  const add = (h: number) => {
    for (const l of labels) {
      const key = `${h}:${l}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  add(0);
  for (let h = 1; h <= iterations; h++) {
    const next = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const pred = g.nodes[i].inputs.map((j) => labels[j]).sort();
      const post = succ[i].map((j) => labels[j]).sort();
      next[i] = hashLabel(`${labels[i]}(${pred.join(",")}|${post.join(",")})`);
    }
    labels = next;
    add(h);
  }
  return counts;
}

export function featureSlot(feature: string, slots: number): number {
  return mix(hashString(feature, 0x2f9be6cd)) % slots;
}

function bucketAndSign(feature: string, buckets: number): [number, number] {
  const h = mix(hashString(feature, 0x811c9dc5));
  return [h % buckets, h & 0x80000000 ? -1 : 1];
}

/** idf of a feature: its slot's entry, or the cap where the slot is empty (0). */
export function idfWeight(feature: string, method: EmbedMethod, idf: ArrayLike<number>): number {
  return idf[featureSlot(feature, method.idfSlots)] || method.idfCap;
}

/** Signed-hash tf-idf vector, L2-normalised; without `idf` every feature weighs the same. */
export function embedFeatures(features: Map<string, number>, method: EmbedMethod, idf?: ArrayLike<number>): number[] {
  const v = new Array<number>(method.buckets).fill(0);
  // Sorted so that floating-point sums do not depend on insertion order.
  for (const f of [...features.keys()].sort()) {
    const w = Math.log1p(features.get(f) as number) * (idf ? idfWeight(f, method, idf) : 1);
    const [b, s] = bucketAndSign(f, method.buckets);
    v[b] += s * w;
  }
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export function embedGraph(g: CanonicalGraph, method: EmbedMethod, idf?: ArrayLike<number>): number[] {
  return embedFeatures(wlFeatures(g, method.iterations), method, idf);
}

/**
 * Fit the idf table on a corpus of feature counts. Identical graphs (timm registers many names
 * for one architecture) are counted once, so a family with many aliases is not mistaken for a
 * common pattern. Only features in at least `idfMinDf` of the graphs are stored — these are the
 * "stop words" that idf exists to damp; everything rarer, and anything a new model brings, gets
 * the cap. The table keeps the stored features in hashed slots (0 = empty), a few kB of JSON.
 */
export function fitIdf(corpus: Map<string, number>[], method: EmbedMethod): { idf: number[]; method: EmbedMethod } {
  const distinct = new Map<string, Map<string, number>>();
  for (const fs of corpus) distinct.set([...fs].map(([f, c]) => `${f}=${c}`).sort().join(";"), fs);
  const df = new Map<string, number>();
  for (const fs of distinct.values()) for (const f of fs.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const n = distinct.size;
  const idfOf = (d: number) => Math.log((1 + n) / (1 + d)) + 1;
  const minDf = Math.max(2, Math.round(method.idfMinDf * n));
  const idfCap = round(idfOf(minDf), 3);
  const idf = new Array<number>(method.idfSlots).fill(0);
  for (const f of [...df.keys()].sort()) {
    const d = df.get(f) as number;
    if (d < minDf) continue;
    const s = featureSlot(f, method.idfSlots);
    // Two stored features in one slot: keep the smaller weight (damping errs on the safe side).
    idf[s] = round(idf[s] ? Math.min(idf[s], idfOf(d)) : idfOf(d), 3);
  }
  return { idf, method: { ...method, idfCap } };
}

export { cosine, round };
