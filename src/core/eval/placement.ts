/**
 * Nested leave-one-task-out evaluation of task placement (pure: the folds come in as data; the
 * Node shell builds them from the repo, cli/node/evaluate.ts).
 *
 * Outer loop: each image-backed task is held out, its records removed from the factorisation and
 * its sample from the centroids (the fold's zoo). Inner loop, inside the fold: every remaining
 * image-backed task is held out in turn from the placement model's training set, and each
 * candidate setting is scored by its mean weighted-τ gain over the prior on those inner tasks.
 * The setting with the best inner gain (or the prior, when none gains) is the one scored on the
 * outer task, which never takes part in choosing it.
 */
import type { Zoo } from "../bundle/schema.ts";
import { priorTaskVector } from "../task/mapper.ts";
import { fitPlacement, PLACEMENT_FEATURES, type PlacementInput, type PlacementSettings, type TrainingTask } from "../task/placement.ts";
import type { TaskDescriptor } from "../task/descriptor.ts";
import { rankZoo, type RankedModel } from "../ranking.ts";
import { centredUnit } from "../task/descriptor.ts";
import { fitForest, predictForest, REFERENCE_FOREST } from "./randomForest.ts";
import { scoreRanking, type Summary, strip } from "./score.ts";

export interface PlacementFold {
  zoo: string;
  task: string;
  /** The zoo built without the held-out task. */
  built: Zoo;
  /** The held-out task described from its own images. */
  desc: TaskDescriptor;
  truth: ReadonlyMap<string, number>;
  /** What the placement model reads of each image-backed task left in the fold, by task id. */
  inputs: ReadonlyMap<string, PlacementInput>;
  /** The fold's centring vector, the held-out task's images and the training tasks' images
   * (Fennec's reference mapper regresses from single images). */
  center: readonly number[];
  images: readonly ArrayLike<number>[];
  trainImages: ReadonlyMap<string, readonly ArrayLike<number>[]>;
}

/** The candidates the nested selection chooses from: both kinds on every descriptor feature
 * (choosing features too, 8 tasks cannot support: it picked noise, docs/EVALUATION.md). */
export const PLACEMENT_CANDIDATES: PlacementSettings[] = [
  ...[1, 3, 10, 30, 100].map((l) => ({ kind: "ridge" as const, features: [...PLACEMENT_FEATURES], strength: l, bandwidth: 1 })),
  ...[0.25, 0.5, 1].flatMap((a) => [0.5, 2, 8].map((h) => ({ kind: "kernel" as const, features: [...PLACEMENT_FEATURES], strength: a, bandwidth: h }))),
];

export function settingName(s: PlacementSettings | null): string {
  if (!s) return "prior (no correction)";
  return s.kind === "ridge" ? `ridge λ=${s.strength}` : `kernel α=${s.strength}, h=${s.bandwidth}`;
}

function trainingTasks(zoo: Zoo, inputs: ReadonlyMap<string, PlacementInput>, leaveOut?: string): TrainingTask[] {
  return zoo.tasks.filter((t) => t.imageTask !== null && inputs.has(t.id) && t.id !== leaveOut).map((t) => ({ task: t.id, input: inputs.get(t.id)!, vector: t.vector }));
}

/** A descriptor for a historical task from its placement input (no similarities needed). */
function descriptorOf(input: PlacementInput): TaskDescriptor {
  return { nImages: 1, nClasses: input.nClasses, size: input.size, sims: {}, domain: input.domain, probe: input.probe };
}

/** The zoo as it would ship with `settings` fitted on its training tasks (null: the prior). */
export function zooWithPlacement(zoo: Zoo, inputs: ReadonlyMap<string, PlacementInput>, settings: PlacementSettings | null, leaveOut?: string): Zoo {
  const base: Zoo = { ...zoo, placement: undefined, mapper: { ...zoo.mapper, alpha: 0, placement: settings } };
  if (!settings) return base;
  const train = trainingTasks(zoo, inputs, leaveOut);
  if (train.length < 2) return base;
  return { ...base, placement: fitPlacement(train, priorTaskVector(zoo), settings) };
}

function truthOf(zoo: Zoo, task: string): Map<string, number> {
  return new Map(zoo.models.filter((m) => m.results[task] !== undefined).map((m) => [m.id, m.results[task]]));
}

const wtau = (ranking: readonly RankedModel[], truth: ReadonlyMap<string, number>) => scoreRanking(ranking, truth).weightedTau;

/** Weighted τ of the prior on each inner task of a fold: the baseline every candidate's inner
 * gain is measured against, computed once per fold. */
function priorInnerTaus(fold: PlacementFold): Map<string, number> {
  const prior = zooWithPlacement(fold.built, fold.inputs, null);
  return new Map(trainingTasks(fold.built, fold.inputs).map((t) => [t.task, wtau(rankZoo(prior, descriptorOf(t.input)).ranking, truthOf(fold.built, t.task))]));
}

/** Mean inner leave-one-task-out gain of a setting over the prior, inside one fold. */
export function innerGain(fold: PlacementFold, settings: PlacementSettings | null, priorTaus = priorInnerTaus(fold)): number {
  const tasks = trainingTasks(fold.built, fold.inputs);
  let gain = 0;
  for (const t of tasks) {
    const zoo = zooWithPlacement(fold.built, fold.inputs, settings, t.task);
    gain += (wtau(rankZoo(zoo, descriptorOf(t.input)).ranking, truthOf(fold.built, t.task)) - priorTaus.get(t.task)!) / tasks.length;
  }
  return gain;
}

export function selectPlacement(fold: PlacementFold, candidates: readonly PlacementSettings[] = PLACEMENT_CANDIDATES): { settings: PlacementSettings | null; gain: number } {
  const priorTaus = priorInnerTaus(fold);
  let best: { settings: PlacementSettings | null; gain: number } = { settings: null, gain: 0 };
  for (const c of candidates) {
    const g = innerGain(fold, c, priorTaus);
    if (g > best.gain + 1e-9) best = { settings: c, gain: g };
  }
  return best;
}

/** Fennec's own mapper: a 25-tree random forest from each training image's proxy embedding
 * (centred, unit length) to its task's vector, averaged over the held-out task's images. */
export function referenceMapperRanking(fold: PlacementFold): RankedModel[] {
  const X: number[][] = [];
  const Y: number[][] = [];
  const vectors = new Map(fold.built.tasks.map((t) => [t.id, t.vector]));
  for (const [task, embs] of fold.trainImages) {
    const v = vectors.get(task);
    if (!v) continue;
    for (const e of embs) {
      X.push(centredUnit(e, fold.center));
      Y.push(v);
    }
  }
  const forest = fitForest(X, Y, REFERENCE_FOREST);
  const preds = fold.images.map((e) => predictForest(forest, centredUnit(e, fold.center)));
  const vector = preds[0].map((_, k) => preds.reduce((s, p) => s + p[k], 0) / preds.length);
  const zoo = zooWithPlacement(fold.built, fold.inputs, null);
  return rankZoo(zoo, fold.desc, { vector, priorVector: priorTaskVector(zoo), weights: [], alpha: 1, explanation: null }).ranking;
}

export interface PlacementTaskResult {
  zoo: string;
  task: string;
  prior: Summary;
  /** The setting chosen inside this fold, and its ranking's metrics on the held-out task. */
  nested: Summary & { setting: string; innerGain: number };
  /** Every candidate's metrics on the held-out task (not a selection: the sweep behind it). */
  candidates: { setting: string; weightedTau: number }[];
  reference: Summary;
  /** The similarity mixture (softmax over centroid cosine), at the given α and τ. */
  similarity: Summary;
}

export function evaluatePlacementFold(
  fold: PlacementFold,
  opts: { reference?: boolean; similarity?: { tau: number; alpha: number } } = {},
): PlacementTaskResult {
  const prior = zooWithPlacement(fold.built, fold.inputs, null);
  const chosen = selectPlacement(fold);
  const nestedRanking = rankZoo(zooWithPlacement(fold.built, fold.inputs, chosen.settings), fold.desc).ranking;
  const sim = opts.similarity ?? { tau: 0.1, alpha: 0.5 };
  const simZoo: Zoo = { ...prior, mapper: { ...prior.mapper, tau: sim.tau, alpha: sim.alpha } };
  const priorM = strip(scoreRanking(rankZoo(prior, fold.desc).ranking, fold.truth));
  return {
    zoo: fold.zoo,
    task: fold.task,
    prior: priorM,
    nested: { ...strip(scoreRanking(nestedRanking, fold.truth)), setting: settingName(chosen.settings), innerGain: chosen.gain },
    candidates: PLACEMENT_CANDIDATES.map((c) => ({
      setting: settingName(c),
      weightedTau: wtau(rankZoo(zooWithPlacement(fold.built, fold.inputs, c), fold.desc).ranking, fold.truth),
    })),
    reference: opts.reference === false ? priorM : strip(scoreRanking(referenceMapperRanking(fold), fold.truth)),
    similarity: strip(scoreRanking(rankZoo(simZoo, fold.desc).ranking, fold.truth)),
  };
}

/** The setting to ship: the candidate with the best mean gain over all outer folds (each fold
 * scored on its own held-out task, so this is leave-one-task-out selection; its figure is
 * optimistic, which is why the nested figure is the one reported). */
export function shippedSetting(results: readonly PlacementTaskResult[]): { setting: string; gain: number } {
  const names = results[0].candidates.map((c) => c.setting);
  let best = { setting: settingName(null), gain: 0 };
  for (const n of names) {
    const gain = results.reduce((s, r) => s + r.candidates.find((c) => c.setting === n)!.weightedTau - r.prior.weightedTau, 0) / results.length;
    if (gain > best.gain + 1e-9) best = { setting: n, gain };
  }
  return best;
}
