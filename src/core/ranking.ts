import type { Zoo } from "./bundle/schema.ts";
import { placeTask, type TaskPlacement } from "./task/mapper.ts";
import type { TaskDescriptor } from "./task/descriptor.ts";
import { metaScores } from "./task/meta.ts";
import { taskCounts, type TaskCounts } from "./task/counts.ts";

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
  /** Class count and size the task features came from, where each came from, and the task's
   * standardised features (`z`, names: zoo.meta.taskFeatures). */
  counts: TaskCounts;
  /** Each model's meta-score, in the zoo's model order. */
  scores: Float64Array;
}

/** A model lifted because it was fine-tuned on data like the new task's. */
export interface FinetuneLift {
  model: string;
  /** Image-sample key of its fine-tuning data, the task's cosine to it, the score it added. */
  data: string;
  cosine: number;
  lift: number;
}

export interface Ranking {
  placement: TaskPlacement;
  /** null when the zoo ranks by u·v alone (w = 0 or no meta model). */
  meta: MetaPlacement | null;
  /** Models the fine-tuning-data term lifted (empty when the zoo has it off), largest first. */
  finetune: FinetuneLift[];
  ranking: RankedModel[];
}

/** The fine-tuning-data term's lift of each model (zoo order; zeros when off). */
export function finetuneLifts(zoo: Pick<Zoo, "models" | "mapper">, desc: Pick<TaskDescriptor, "sims">): { lifts: Float64Array; lifted: FinetuneLift[] } {
  const lifts = new Float64Array(zoo.models.length);
  const lifted: FinetuneLift[] = [];
  const ft = zoo.mapper.finetune;
  if (!ft || ft.weight <= 0) return { lifts, lifted };
  zoo.models.forEach((m, i) => {
    const cos = m.finetunedOn ? desc.sims[m.finetunedOn] : undefined;
    if (cos === undefined) return;
    const lift = ft.weight * Math.max(0, (cos - ft.threshold) / (1 - ft.threshold));
    if (lift <= 0) return;
    lifts[i] = lift;
    lifted.push({ model: m.id, data: m.finetunedOn!, cosine: cos, lift });
  });
  return { lifts, lifted: lifted.sort((a, b) => b.lift - a.lift || (a.model < b.model ? -1 : 1)) };
}

/**
 * The scoring step of the pipeline (src/core/pipeline.ts), nothing else composes a ranking:
 * score = (1 − w)·u·v + w·meta + lift, w = zoo.mapper.meta (0 when absent; then u·v), lift the
 * fine-tuning-data term (0 when the zoo has it off). `placement` replaces the zoo's own placement
 * of the task (the placement panel's "where the prior alone would rank it").
 */
export function rankZoo(zoo: Zoo, desc: TaskDescriptor, placement: TaskPlacement = placeTask(zoo, desc)): Ranking {
  const transfer = scoreModels(zoo.models, placement.vector);
  const ids = zoo.models.map((m) => m.id);
  const w = zoo.mapper.meta ?? 0;
  const { lifts, lifted } = finetuneLifts(zoo, desc);
  if (w === 0 || !zoo.meta) return { placement, meta: null, finetune: lifted, ranking: orderByScore(ids, transfer.map((s, m) => s + lifts[m])) };
  const counts = taskCounts(desc, zoo.meta);
  const meta = metaScores(zoo.models, zoo.meta, counts.z);
  const scores = transfer.map((s, m) => (1 - w) * s + w * meta[m] + lifts[m]);
  return {
    placement,
    meta: { weight: w, counts, scores: meta },
    finetune: lifted,
    ranking: orderByScore(ids, scores),
  };
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
