/**
 * The served ranking, derived from the store: the page's one call of the pipeline
 * (src/core/pipeline.ts `serveTask`), recomputed only when what it reads changes.
 */
import type { Zoo, ZooModel } from "../core/bundle/schema.ts";
import { serveTask, type TaskResult } from "../core/pipeline.ts";
import { checkStated, type StatedFacts, type TaskDescriptor } from "../core/task/descriptor.ts";
import type { Observation } from "../core/task/observed.ts";
import { useApp, type AppState } from "./appStore.ts";

export interface Served extends TaskResult {
  zoo: Zoo;
  descriptor: TaskDescriptor;
  /** The person's own models placed in this zoo's space (empty when they live in another). */
  extra: ZooModel[];
}

let last: { zoo: Zoo; descriptor: TaskDescriptor; observed: Observation[]; userModels: ZooModel[]; inSpace: boolean; value: Served } | null = null;

export function selectServed(s: AppState): Served | null {
  const zoo = s.zoos[s.zooId];
  const descriptor = s.descriptor;
  if (!zoo || !descriptor) return null;
  const inSpace = !!s.byo && (s.byo.space === zoo.zoo || s.byo.sameSpace.includes(zoo.zoo));
  if (last && last.zoo === zoo && last.descriptor === descriptor && last.observed === s.observed && last.userModels === s.userModels && last.inSpace === inSpace) return last.value;
  const extra = inSpace ? s.userModels : [];
  const value = { ...serveTask(zoo, descriptor, { observed: s.observed, extraModels: extra }), zoo, descriptor, extra };
  last = { zoo, descriptor, observed: s.observed, userModels: s.userModels, inSpace, value };
  return value;
}

export const useServed = (): Served | null => useApp(selectServed);

/** Sets what the person states of the whole dataset; the ranking follows at once (no re-embedding).
 * Returns a problem in words, or null when it was kept. */
export function setStated(stated: StatedFacts): string | null {
  const problem = checkStated(stated);
  if (problem) return problem;
  useApp.setState((s) => {
    if (!s.descriptor) return {};
    const { stated: _old, ...rest } = s.descriptor;
    void _old;
    const empty = stated.size === undefined && stated.classes === undefined;
    return { descriptor: empty ? rest : { ...rest, stated: { ...stated } } };
  });
  return null;
}
