import { IMAGENET_MEAN, IMAGENET_STD, PROXY_INPUT } from "../preprocess.ts";
import { round } from "../math/linalg.ts";

/**
 * What one proxy pass tells about an image besides its embedding: how ImageNet-like it looks to
 * the proxy (its softmax's top-1 probability and normalised entropy), how large it was stored, and
 * whether it is grey. Both shells compute these from the same numbers (logits, preprocessed plane,
 * header size), so a folder's domain statistics agree between the page and the CLI.
 */
export interface ImageStats {
  /** Top-1 softmax probability of the proxy's ImageNet-1k head. */
  top1: number;
  /** Softmax entropy divided by ln(number of classes): 0 = certain, 1 = uniform. */
  entropy: number;
  /** Shorter side of the stored image in pixels (before any resize). */
  shorter: number;
  grey: boolean;
}

/** Mean absolute difference between colour channels (0..1) below which an image counts as grey:
 * JPEG chroma noise of a grey photo stays well under it, any real colour is far above. */
const GREY_CHROMA = 0.02;

export function softmaxStats(logits: ArrayLike<number>, offset = 0, n = logits.length - offset): { top1: number; entropy: number } {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]);
  let z = 0;
  for (let i = 0; i < n; i++) z += Math.exp(logits[offset + i] - max);
  let h = 0;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp(logits[offset + i] - max) / z;
    if (p > 0) h -= p * Math.log(p);
    top = Math.max(top, p);
  }
  return { top1: top, entropy: h / Math.log(n) };
}

/** Whether the preprocessed (ImageNet-normalised, CHW) plane at `offset` is grey. */
export function planeIsGrey(plane: ArrayLike<number>, offset = 0): boolean {
  const hw = PROXY_INPUT * PROXY_INPUT;
  let diff = 0;
  for (let i = 0; i < hw; i++) {
    const r = plane[offset + i] * IMAGENET_STD[0] + IMAGENET_MEAN[0];
    const g = plane[offset + hw + i] * IMAGENET_STD[1] + IMAGENET_MEAN[1];
    const b = plane[offset + 2 * hw + i] * IMAGENET_STD[2] + IMAGENET_MEAN[2];
    diff += Math.abs(r - g) + Math.abs(g - b);
  }
  return diff / (2 * hw) < GREY_CHROMA;
}

export function imageStats(logits: ArrayLike<number>, logitsOffset: number, nLogits: number, plane: ArrayLike<number>, planeOffset: number, shorter: number): ImageStats {
  return { ...softmaxStats(logits, logitsOffset, nLogits), shorter, grey: planeIsGrey(plane, planeOffset) };
}

/** A folder's domain statistics: the summary of its images' `ImageStats`, quantised so that page,
 * CLI and share link carry exactly the same numbers. */
export interface DomainStats {
  /** Mean top-1 probability (3 decimals). */
  top1: number;
  /** Mean normalised entropy (3 decimals). */
  entropy: number;
  /** Median shorter side in pixels (integer). */
  shorter: number;
  /** Share of grey images (2 decimals). */
  grey: number;
}

export function summariseImageStats(stats: readonly ImageStats[]): DomainStats {
  if (stats.length === 0) throw new Error("summariseImageStats: no images");
  const mean = (f: (s: ImageStats) => number) => stats.reduce((a, s) => a + f(s), 0) / stats.length;
  const sides = stats.map((s) => s.shorter).sort((a, b) => a - b);
  const mid = sides.length >> 1;
  const median = sides.length % 2 ? sides[mid] : (sides[mid - 1] + sides[mid]) / 2;
  return {
    top1: round(mean((s) => s.top1), 3),
    entropy: round(mean((s) => s.entropy), 3),
    shorter: Math.round(median),
    grey: round(mean((s) => (s.grey ? 1 : 0)), 2),
  };
}
