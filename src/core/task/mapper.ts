import type { Zoo } from "../bundle/schema.ts";
import { ridge } from "../math/linalg.ts";
import type { TaskDescriptor } from "./descriptor.ts";

export interface TaskPlacement {
  /** The new task's vector in the zoo's transfer space. */
  vector: number[];
  /** The prior's vector: the task vector whose scores best reproduce the task-agnostic prior
   * (each model's mean standardised result), see `priorTaskVector`. */
  priorVector: number[];
  /** Weight of each image-backed historical task in the inferred mix (sums to 1). */
  weights: { task: string; imageTask: string; sim: number; weight: number }[];
  alpha: number;
}

/** What placing a task needs from a zoo; `models` (with their prior) makes α = 0 the prior. */
export type PlacementZoo = Pick<Zoo, "tasks" | "mapper"> & { models?: readonly Pick<Zoo["models"][number], "vector" | "prior">[] };

export function meanTaskVector(zoo: Pick<Zoo, "tasks">): number[] {
  const d = zoo.tasks[0].vector.length;
  const v = new Array<number>(d).fill(0);
  for (const t of zoo.tasks) for (let i = 0; i < d; i++) v[i] += t.vector[i] / zoo.tasks.length;
  return v;
}

/** Ridge for the least-squares fit below: tiny, only there to keep the solve well posed. */
const PRIOR_FIT_LAMBDA = 1e-6;

/**
 * The task vector of "no task information": argmin_v Σ_m (u_m·v − prior_m)², the least-squares
 * projection of the task-agnostic prior onto the zoo's model vectors. Scoring with it ranks models
 * (almost) as the prior does, so shrinking towards it really is shrinking towards the prior. The
 * mean of the historical task vectors is not that: one outlying task column (e.g. a column of
 * failed fine-tuning runs) can pull it far from the prior. Without models, falls back to the mean.
 */
export function priorTaskVector(zoo: PlacementZoo): number[] {
  const models = zoo.models;
  if (!models || models.length < zoo.tasks[0].vector.length) return meanTaskVector(zoo);
  return ridge(
    models.map((m) => m.vector),
    models.map((m) => m.prior),
    PRIOR_FIT_LAMBDA,
  );
}

/**
 * Places a new task in a zoo's transfer space. Fennec regresses task vectors from proxy
 * embeddings; with a handful of image-backed tasks that regression can only output mixtures of
 * their vectors, so we form that mixture directly (softmax over cosine similarity, temperature τ)
 * and shrink it towards the prior by 1 − α: vector = (1 − α)·prior + α·mix. docs/EVALUATION.md
 * measures how much the mixture adds (on these benchmarks, with this proxy: little), which is
 * why the zoos ship with a small α.
 */
export function placeTask(zoo: PlacementZoo, desc: TaskDescriptor): TaskPlacement {
  const priorVector = priorTaskVector(zoo);
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
