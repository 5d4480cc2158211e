import type { Zoo } from "./bundle/schema.ts";
import { placeTask, type TaskPlacement } from "./task/mapper.ts";
import type { TaskDescriptor } from "./task/descriptor.ts";

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

export interface Ranking {
  placement: TaskPlacement;
  ranking: RankedModel[];
}

/** The whole ranking step, shared by the page, the CLI and the evaluation. */
export function rankZoo(zoo: Zoo, desc: TaskDescriptor): Ranking {
  const placement = placeTask(zoo, desc);
  const scores = scoreModels(zoo.models, placement.vector);
  return { placement, ranking: orderByScore(zoo.models.map((m) => m.id), scores) };
}

/** The task-agnostic baseline: models by their mean standardised historical result. */
export function rankByPrior(zoo: Zoo): RankedModel[] {
  return orderByScore(
    zoo.models.map((m) => m.id),
    zoo.models.map((m) => m.prior),
  );
}
