/**
 * The ranking pipeline: from a task's descriptor (what one proxy pass over a folder's sample says,
 * plus what the person states) and the results they measured, to the ranking, its placement and
 * explanation, what to fine-tune first, and warnings. The page (its store) and the CLI call
 * `serveTask`, the evaluation its first step `rankTask`; nothing else composes a ranking.
 *
 *   folder ─► sample (sampling.ts) ─► embeddings (proxy) ─► descriptor (task/descriptor.ts)
 *          ─► rankTask: placement + meta-score + fine-tuning-data term (ranking.ts)
 *                       ─► fold-in of measured results (task/observed.ts) ─► try-first
 */
import type { Zoo, ZooModel } from "./bundle/schema.ts";
import { rankZoo, withExtraModels, type Ranking } from "./ranking.ts";
import type { TaskDescriptor } from "./task/descriptor.ts";
import { foldIn, foldInSpace, settingsFor, type FoldInResult, type Observation } from "./task/observed.ts";
import { tryFirst, type TryFirstItem } from "./task/tryFirst.ts";
import { placementStory, type PlacementStory } from "./task/story.ts";
import { predictValues, type PredictedValue } from "./task/predicted.ts";

export interface RankTaskOptions {
  /** Results the person measured on this task (validated: validateObservations). */
  observed?: readonly Observation[];
  /** Models placed in this zoo's space that are not part of it (a person's own ONNX models). */
  extraModels?: readonly Pick<ZooModel, "id" | "vector">[];
}

/** What the descriptor alone gives: the ranking before any measured result (what the evaluation
 * scores), and warnings about thin input. */
export interface TaskRanking {
  base: Ranking;
  /** What the ranking rests on when the folder says little (empty when nothing to say). */
  warnings: string[];
  /** Where the task was placed and why: the one account every panel shows. */
  story: PlacementStory;
}

export interface TaskResult extends TaskRanking {
  /** A predicted result per model in the zoo's units with its 80% interval (null: the zoo
   * carries no calibration). */
  predicted: Map<string, PredictedValue> | null;
  /** The ranking served: measured results folded in, extra models added. */
  result: Ranking;
  fit: FoldInResult;
  tryFirst: TryFirstItem[];
}

/** Below these a folder says too little to move the ranking away from the prior with confidence
 * (docs/EVALUATION.md, "Small folders"). */
export const THIN = { images: 20, perClass: 4 } as const;

/** Warnings about thin input, in words a person can act on. */
export function inputWarnings(desc: Pick<TaskDescriptor, "nImages" | "nClasses" | "stated">): string[] {
  const out: string[] = [];
  if (desc.nClasses === 0) out.push("The folder has no class sub-folders, so class separability is unknown; the ranking rests on how the images look and on the models' records on other tasks.");
  if (desc.nImages < THIN.images)
    out.push(`Only ${desc.nImages} images could be used; below ${THIN.images} the ranking rests mostly on the models' records on other tasks (the task-agnostic prior). Add more images for a ranking fitted to your data.`);
  else if (desc.nClasses > 0 && desc.nImages / desc.nClasses < THIN.perClass)
    out.push(`About ${Math.floor(desc.nImages / desc.nClasses)} images per class; below ${THIN.perClass} per class the class separability is a rough guess and the ranking rests mostly on the task-agnostic prior. Add more images per class.`);
  return out;
}

export function rankTask(zoo: Zoo, desc: TaskDescriptor): TaskRanking {
  const base = rankZoo(zoo, desc);
  return { base, warnings: inputWarnings(desc), story: placementStory(zoo, base) };
}

/** The whole pipeline as the page and the CLI serve it. */
export function serveTask(zoo: Zoo, desc: TaskDescriptor, opts: RankTaskOptions = {}): TaskResult {
  const { base, warnings, story } = rankTask(zoo, desc);
  const settings = settingsFor(zoo.zoo);
  const space = foldInSpace(zoo, base, settings.strength);
  const fit = foldIn(space, base, opts.observed ?? []);
  const proposals = tryFirst(zoo, space, fit.result.ranking, fit.observed, { pool: settings.pool });
  return {
    predicted: predictValues(zoo, fit.result.ranking, fit),
    base,
    result: withExtraModels(fit.result, opts.extraModels ?? []),
    fit,
    tryFirst: proposals,
    warnings,
    story,
  };
}
