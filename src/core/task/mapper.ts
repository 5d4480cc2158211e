import type { Zoo } from "../bundle/schema.ts";
import type { TaskDescriptor } from "./descriptor.ts";

export interface TaskPlacement {
  /** The new task's vector in the zoo's transfer space. */
  vector: number[];
  /** The prior's vector: the mean of all historical task vectors of the zoo. */
  priorVector: number[];
  /** Weight of each image-backed historical task in the inferred mix (sums to 1). */
  weights: { task: string; imageTask: string; sim: number; weight: number }[];
  alpha: number;
}

export function meanTaskVector(zoo: Pick<Zoo, "tasks">): number[] {
  const d = zoo.tasks[0].vector.length;
  const v = new Array<number>(d).fill(0);
  for (const t of zoo.tasks) for (let i = 0; i < d; i++) v[i] += t.vector[i] / zoo.tasks.length;
  return v;
}

/**
 * Places a new task in a zoo's transfer space. Fennec regresses task vectors from proxy
 * embeddings; with a handful of image-backed tasks that regression can only output mixtures of
 * their vectors, so we form that mixture directly (softmax over cosine similarity) and shrink it
 * towards the prior, which is strong on these benchmarks.
 */
export function placeTask(zoo: Pick<Zoo, "tasks" | "mapper">, desc: TaskDescriptor): TaskPlacement {
  const priorVector = meanTaskVector(zoo);
  const backed = zoo.tasks.filter((t) => t.imageTask !== null && desc.sims[t.imageTask] !== undefined);
  if (backed.length === 0) return { vector: priorVector, priorVector, weights: [], alpha: 0 };
  const { tau, alpha } = zoo.mapper;
  const sims = backed.map((t) => desc.sims[t.imageTask!]);
  const top = Math.max(...sims);
  const exps = sims.map((s) => Math.exp((s - top) / tau));
  const total = exps.reduce((a, b) => a + b, 0);
  const weights = backed.map((t, i) => ({ task: t.id, imageTask: t.imageTask!, sim: sims[i], weight: exps[i] / total }));
  const vector = priorVector.map((p, i) => (1 - alpha) * p + alpha * weights.reduce((s, w, j) => s + w.weight * backed[j].vector[i], 0));
  return { vector, priorVector, weights, alpha };
}
