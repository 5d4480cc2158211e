import type { Zoo } from "./bundle/schema.ts";
import { placeTask, type TaskPlacement } from "./task/mapper.ts";
import { taskSizeOf, type TaskDescriptor } from "./task/descriptor.ts";
import { metaScores, metaTaskVector } from "./task/meta.ts";

export interface RankedModel {
  model: string;
  score: number;
}

/** One dot product per model: the O(1) scoring that makes ranking a whole zoo instant. */
export function scoreModels(models: readonly { vector: readonly number[] }[], taskVector: readonly number[]): Float64Array {
  const out = new Float64Array(models.length);
  const d = taskVector.length;
  for (let m = 0; m < models.length; m++) {
    const u = models[m].vector;
    let s = 0;
    for (let i = 0; i < d; i++) s += u[i] * taskVector[i];
    out[m] = s;
  }
  return out;
}

/** Best first; ties broken by id so every shell orders identically. */
export function orderByScore(ids: readonly string[], scores: ArrayLike<number>): RankedModel[] {
  return ids
    .map((model, i) => ({ model, score: scores[i] }))
    .sort((a, b) => b.score - a.score || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

/** The meta-score part of a ranking: its weight and the task features it was computed from. */
export interface MetaPlacement {
  /** w in score = (1 − w)·u·v + w·meta. */
  weight: number;
  /** Class count and size the task features came from (size: the folder's usable images). */
  nClasses: number;
  size: number;
  /** The task's standardised features (names: zoo.meta.taskFeatures). */
  task: number[];
  /** Each model's meta-score, in the zoo's model order. */
  scores: Float64Array;
}

export interface Ranking {
  placement: TaskPlacement;
  /** null when the zoo ranks by u·v alone (w = 0 or no meta model). */
  meta: MetaPlacement | null;
  ranking: RankedModel[];
}

/**
 * The whole ranking step, shared by the page, the CLI and the evaluation:
 * score = (1 − w)·u·v + w·meta, w = zoo.mapper.meta (0 when absent; then exactly u·v).
 * `placement` replaces the zoo's own placement of the task (the evaluation's other mappers).
 */
export function rankZoo(zoo: Zoo, desc: TaskDescriptor, placement: TaskPlacement = placeTask(zoo, desc)): Ranking {
  const transfer = scoreModels(zoo.models, placement.vector);
  const ids = zoo.models.map((m) => m.id);
  const w = zoo.mapper.meta ?? 0;
  if (w === 0 || !zoo.meta) return { placement, meta: null, ranking: orderByScore(ids, transfer) };
  const size = taskSizeOf(desc);
  const task = metaTaskVector(zoo.meta, { nClasses: desc.nClasses, size });
  const meta = metaScores(zoo.models, zoo.meta, task);
  const scores = transfer.map((s, m) => (1 - w) * s + w * meta[m]);
  return { placement, meta: { weight: w, nClasses: desc.nClasses, size, task, scores: meta }, ranking: orderByScore(ids, scores) };
}

/** The task-agnostic baseline: models by their mean standardised historical result. */
export function rankByPrior(zoo: Zoo): RankedModel[] {
  return orderByScore(
    zoo.models.map((m) => m.id),
    zoo.models.map((m) => m.prior),
  );
}

/**
 * Adds models that are not part of the zoo (a user's own) to a ranking, scored in the same task
 * placement, without changing how the zoo's own models are placed or scored. Their meta-score is
 * the zoo average (0): nothing is known of their pre-training.
 */
export function withExtraModels(result: Ranking, extra: readonly { id: string; vector: readonly number[] }[]): Ranking {
  if (extra.length === 0) return result;
  const w = result.meta?.weight ?? 0;
  const scores = scoreModels(extra, result.placement.vector);
  const added = extra.map((m, i) => ({ model: m.id, score: (1 - w) * scores[i] }));
  const all = [...result.ranking, ...added];
  return { ...result, ranking: orderByScore(all.map((r) => r.model), all.map((r) => r.score)) };
}
