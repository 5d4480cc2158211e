import { cosine, normalised, round } from "../math/linalg.ts";
import { summariseImageStats, type DomainStats, type ImageStats } from "./imageStats.ts";

/**
 * What the app keeps of a new task once its images are embedded: enough to place it in every
 * zoo's transfer space, small enough for a share link, and quantised so that the page, the CLI
 * and a shared link all rank from exactly the same numbers.
 */
export interface TaskDescriptor {
  nImages: number;
  /** 0 for an unlabelled (flat) folder. */
  nClasses: number;
  /** Usable images in the whole folder (the task's size; `nImages` is the embedded sample).
   * Optional: descriptors and links made without it fall back to nImages. */
  size?: number;
  /** Cosine between the task's mean centred embedding and each historical image task's centroid. */
  sims: Record<string, number>;
  /** How the images look to the proxy (ImageNet-likeness, resolution, grey share); absent in
   * descriptors made without per-image statistics. */
  domain?: DomainStats;
  /** Class separability in proxy space (src/core/task/separability.ts); null for an unlabelled
   * folder or one with too few images per class; absent when not computed. */
  probe?: number | null;
  /** What the person says of the whole dataset (the folder may be a sample of it): its number
   * of training images and of classes. Absent: the folder's own counts (src/core/task/counts.ts). */
  stated?: StatedFacts;
}

export interface StatedFacts {
  size?: number;
  classes?: number;
}

export const SIM_DIGITS = 3;

export interface CentroidSpace {
  center: readonly number[];
  imageTasks: readonly { key: string; centroid: readonly number[] }[];
  /** Samples of data some model was fine-tuned on that are not historical tasks here (a task
   * held out with --exclude-task): still compared with, for the fine-tuning-data term. */
  finetuneData?: readonly { key: string; centroid: readonly number[] }[];
}

/** Checks stated facts; returns a problem in words, or null. */
export function checkStated(stated: StatedFacts): string | null {
  if (stated.size !== undefined && !(Number.isInteger(stated.size) && stated.size >= 1 && stated.size <= 1e9))
    return `the dataset size must be a whole number of images from 1 to 1,000,000,000, got ${stated.size}`;
  if (stated.classes !== undefined && !(Number.isInteger(stated.classes) && stated.classes >= 2 && stated.classes <= 1e6))
    return `the number of classes must be a whole number from 2 to 1,000,000, got ${stated.classes}`;
  return null;
}

/** Centre on the historical mean, then L2-normalise: the per-image unit that centroids average. */
export function centredUnit(embedding: ArrayLike<number>, center: readonly number[]): number[] {
  return normalised(Array.from(embedding, (x, i) => x - center[i]));
}

export function meanCentredUnit(embeddings: readonly ArrayLike<number>[], center: readonly number[]): number[] {
  const sum = new Array<number>(center.length).fill(0);
  for (const e of embeddings) {
    const u = centredUnit(e, center);
    for (let i = 0; i < sum.length; i++) sum[i] += u[i];
  }
  return sum.map((x) => x / Math.max(embeddings.length, 1));
}

/** `size`: the number of usable images in the folder (e.g. `plan.usable`), when known; never
 * taken below the number of images described. `extra`: per-image statistics (one per embedding)
 * and the class separability, when the shell computed them. */
export function describeTask(
  embeddings: readonly ArrayLike<number>[],
  labels: readonly string[],
  space: CentroidSpace,
  size?: number,
  extra: { stats?: readonly ImageStats[]; probe?: number | null; stated?: StatedFacts } = {},
): TaskDescriptor {
  if (embeddings.length === 0) throw new Error("describeTask: no embeddings");
  if (size !== undefined && !(Number.isFinite(size) && size >= 0)) throw new Error(`describeTask: size must be a count of images, got ${size}`);
  const m = meanCentredUnit(embeddings, space.center);
  const sims: Record<string, number> = {};
  for (const t of [...space.imageTasks, ...(space.finetuneData ?? [])]) sims[t.key] = round(cosine(m, t.centroid), SIM_DIGITS);
  const classes = new Set(labels.filter((l) => l !== ""));
  if (extra.stats && extra.stats.length !== embeddings.length) throw new Error("describeTask: one ImageStats per embedding expected");
  return {
    nImages: embeddings.length,
    nClasses: classes.size,
    ...(size !== undefined && { size: Math.max(Math.round(size), embeddings.length) }),
    sims,
    ...(extra.stats && { domain: summariseImageStats(extra.stats) }),
    ...(extra.probe !== undefined && { probe: extra.probe }),
    ...(extra.stated && (extra.stated.size !== undefined || extra.stated.classes !== undefined) && { stated: { ...extra.stated } }),
  };
}

/** The task's size for the meta-score: the folder's usable images, else the images described. */
export function taskSizeOf(desc: Pick<TaskDescriptor, "nImages" | "size">): number {
  return desc.size ?? desc.nImages;
}
