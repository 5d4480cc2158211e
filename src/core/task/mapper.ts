import type { Zoo } from "../bundle/schema.ts";
import { ridge } from "../math/linalg.ts";
import { taskSizeOf, type TaskDescriptor } from "./descriptor.ts";
import { predictPlacement, type PlacementExplanation, type PlacementInput } from "./placement.ts";

export interface TaskPlacement {
  /** The new task's vector in the zoo's transfer space. */
  vector: number[];
  /** The prior's vector: the task vector whose scores best reproduce the task-agnostic prior
   * (each model's mean standardised result), see `priorTaskVector`. */
  priorVector: number[];
  /** Weight of each image-backed historical task in the inferred mix (sums to 1). */
  weights: { task: string; imageTask: string; sim: number; weight: number }[];
  alpha: number;
  /** Set when the zoo's placement model placed the task (src/core/task/placement.ts): which
   * historical tasks it was placed near, which descriptor values moved it, how far. */
  explanation: PlacementExplanation | null;
}

/** What placing a task needs from a zoo; `models` (with their prior) makes α = 0 the prior. */
export type PlacementZoo = { tasks: readonly Pick<Zoo["tasks"][number], "id" | "imageTask" | "vector">[]; mapper: Zoo["mapper"] } & Partial<Pick<Zoo, "placement">> & { models?: readonly Pick<Zoo["models"][number], "vector" | "prior">[] };

export function meanTaskVector(zoo: { tasks: readonly { vector: readonly number[] }[] }): number[] {
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
  if (zoo.placement) {
    const { vector, explanation } = predictPlacement(zoo.placement, placementInput(desc), priorVector);
    return { vector, priorVector, weights: similarityWeights(zoo, desc), alpha: 0, explanation };
  }
  const weights = similarityWeights(zoo, desc);
  if (weights.length === 0) return { vector: priorVector, priorVector, weights, alpha: 0, explanation: null };
  const alpha = zoo.mapper.alpha;
  const vectors = new Map(zoo.tasks.map((t) => [t.id, t.vector]));
  const vector = priorVector.map((p, i) => (1 - alpha) * p + alpha * weights.reduce((s, w) => s + w.weight * vectors.get(w.task)![i], 0));
  return { vector, priorVector, weights, alpha, explanation: null };
}

/** What the placement model reads of a descriptor. */
export function placementInput(desc: TaskDescriptor): PlacementInput {
  return { domain: desc.domain, probe: desc.probe, nClasses: desc.nClasses, size: taskSizeOf(desc) };
}

/** The similarity mixture's weights over the image-backed tasks (softmax over cosine,
 * temperature τ); shown as context when the placement model ranks. */
function similarityWeights(zoo: PlacementZoo, desc: TaskDescriptor): TaskPlacement["weights"] {
  const backed = zoo.tasks.filter((t) => t.imageTask !== null && desc.sims[t.imageTask] !== undefined);
  if (backed.length === 0) return [];
  const sims = backed.map((t) => desc.sims[t.imageTask!]);
  const top = Math.max(...sims);
  const exps = sims.map((s) => Math.exp((s - top) / zoo.mapper.tau));
  const total = exps.reduce((a, b) => a + b, 0);
  return backed.map((t, i) => ({ task: t.id, imageTask: t.imageTask!, sim: sims[i], weight: exps[i] / total }));
}
