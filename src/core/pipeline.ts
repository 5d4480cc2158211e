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

export interface ServeTaskOptions {
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

/** The smallest folders the served evaluation measured (docs/EVALUATION.md, small folders): 20
 * images of up to 10 classes, 2 a class, where the ranking still beats the prior on both zoos.
 * Below either, nothing was measured, and the page says so. */
export const THIN = { images: 20, perClass: 2 } as const;

/** Warnings about thin input, in words a person can act on. */
export function inputWarnings(desc: Pick<TaskDescriptor, "nImages" | "nClasses">): string[] {
  const out: string[] = [];
  if (desc.nClasses === 0)
    out.push("The folder has no class sub-folders, so class separability is unknown: the ranking rests on how the images look and on the models' records on other tasks. Put the images in one sub-folder per class.");
  if (desc.nImages < THIN.images)
    out.push(`Only ${desc.nImages} images could be used. Rankings were measured down to ${THIN.images} images; with fewer, this one rests on very little of your data and mostly on the models' records on other tasks. Add more images.`);
  else if (desc.nClasses > 0 && desc.nImages / desc.nClasses < THIN.perClass)
    out.push(`Fewer than ${THIN.perClass} images per class: class separability is a guess and the ranking rests mostly on the models' records on other tasks. Add images to each class.`);
  return out;
}

export function rankTask(zoo: Zoo, desc: TaskDescriptor): TaskRanking {
  const base = rankZoo(zoo, desc);
  return { base, warnings: inputWarnings(desc), story: placementStory(zoo, base) };
}

/** The whole pipeline as the page and the CLI serve it. */
export function serveTask(zoo: Zoo, desc: TaskDescriptor, opts: ServeTaskOptions = {}): TaskResult {
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
