import { meanVector, round } from "../math/linalg.ts";
import { factorise } from "../space/factorise.ts";
import { pivotRecords, priorScores, standardiseColumns, withoutTasks, type TidyRecord } from "../space/matrix.ts";
import { meanCentredUnit } from "../task/descriptor.ts";
import { buildMetaModel } from "../task/meta.ts";
import { summariseImageStats, type ImageStats } from "../task/imageStats.ts";
import { fitPlacement, type PlacementInput, type PlacementSettings } from "../task/placement.ts";
import { fitLevel } from "../task/predicted.ts";
import { priorTaskVector } from "../task/mapper.ts";
import { TASK_CLASSES, taskSize, type ZooDefinition } from "../zoos.ts";
import { withHash } from "./hash.ts";
import { BUNDLE_SCHEMA, type ImageTask, type Manifest, type Zoo, type ZooModel } from "./schema.ts";

/** Everything about a model that is not learned from the records. */
export type ModelInfo = Omit<ZooModel, "id" | "prior" | "vector" | "results" | "measured" | "meta">;

const VECTOR_DIGITS = 5;

export interface BuildZooInput {
  def: ZooDefinition;
  records: readonly TidyRecord[];
  info: (modelId: string) => ModelInfo;
  /** Task ids removed everywhere (leave-one-task-out). */
  excludeTasks?: readonly string[];
  provenance: string;
  /** The manifest's image tasks: which historical tasks have images in this build (a held-out
   * task's sample is not among them). */
  imageTasks?: readonly ImageTask[];
  /** What the placement model is fitted on: the pipeline's inputs for samples of each image
   * task's stored folder, by image-sample key (cli/node/samples.ts). */
  placementSamples?: ReadonlyMap<string, readonly PlacementInput[]>;
}

/**
 * Builds one zoo's transfer space from its records: standardise, factorise, prior; and, when the
 * definition gives a meta-score weight (`mapper.meta`, even 0), the meta-score model fitted on the
 * same standardised records (src/core/task/meta.ts).
 */
export function buildZoo({ def, records, info, excludeTasks = [], provenance, imageTasks = [], placementSamples = new Map() }: BuildZooInput): Zoo {
  const full = pivotRecords(records);
  const matrix = withoutTasks(full, excludeTasks);
  if (matrix.tasks.length < 2) throw new Error(`zoo ${def.id}: fewer than two tasks left after exclusion`);
  const { z, stats } = standardiseColumns(matrix);
  const { U, V } = factorise(z, { rank: def.rank });
  const prior = priorScores(z);
  const rv = (v: number[]) => v.map((x) => round(x, VECTOR_DIGITS));
  const infos = matrix.models.map((id) => info(id));
  const taskInputs = matrix.tasks.map((id) => ({ nClasses: TASK_CLASSES[id] ?? null, size: taskSize(def, id) }));
  const meta = def.mapper.meta === undefined ? null : buildMetaModel(infos, z, taskInputs);
  const taskRows = matrix.tasks.map((id, t) => ({
    id,
    imageTask: def.imageTasks[id] ?? null,
    nModels: z.filter((row) => !Number.isNaN(row[t])).length,
    nClasses: TASK_CLASSES[id] ?? null,
    ...(meta && { size: taskInputs[t].size }),
    mean: round(stats[t].mean, 6),
    std: round(stats[t].std, 6),
    vector: rv(V[t]),
  }));
  const modelRows = matrix.models.map((id, m) => ({
    id,
    ...infos[m],
    // Every model carries a backbone id; one the metadata does not group is its own.
    backbone: infos[m].backbone ?? id,
    measured: true,
    prior: round(prior[m], VECTOR_DIGITS),
    vector: rv(U[m]),
    ...(meta && { meta: meta.rows[m] }),
    results: Object.fromEntries(matrix.tasks.map((t, i) => [t, matrix.values[m][i]]).filter(([, v]) => !Number.isNaN(v))),
  }));
  const placement = fitZooPlacement(def.mapper.placement ?? null, { tasks: taskRows, models: modelRows, mapper: def.mapper }, imageTasks, placementSamples);
  const level = fitZooLevel(taskRows);
  return withHash<Zoo>({
    schema: BUNDLE_SCHEMA,
    zoo: def.id,
    name: def.name,
    description: def.description,
    metric: def.metric,
    provenance,
    rank: def.rank,
    mapper: def.mapper,
    ...(meta && { meta: meta.meta }),
    ...(placement && { placement }),
    ...(level && { level }),
    ...(level && def.interval && { interval: def.interval }),
    tasks: taskRows,
    models: modelRows,
  });
}

const PLACEMENT_DIGITS = 6;

/** The placement model of a zoo, fitted on its image-backed tasks (those whose sample is in the
 * manifest), each described by the samples of its stored folder; rounded for the bundle. The
 * bundle build and the evaluation's candidate settings both fit it here. */
export function fitZooPlacement(
  settings: PlacementSettings | null,
  zoo: Pick<Zoo, "tasks" | "models" | "mapper">,
  imageTasks: readonly Pick<ImageTask, "key">[],
  samples: ReadonlyMap<string, readonly PlacementInput[]>,
): Zoo["placement"] | null {
  if (!settings) return null;
  const present = new Set(imageTasks.map((t) => t.key));
  const train = zoo.tasks
    .filter((t) => t.imageTask !== null && present.has(t.imageTask) && samples.has(t.imageTask))
    .map((t) => ({ task: t.id, vector: t.vector, inputs: samples.get(t.imageTask!)! }));
  if (train.length < 2) return null;
  const fit = fitPlacement(train, priorTaskVector(zoo), settings);
  const r = (v: number[]) => v.map((x) => round(x, PLACEMENT_DIGITS));
  return { ...fit, mean: r(fit.mean), std: r(fit.std), weights: fit.weights.map(r), train: fit.train.map((t) => ({ task: t.task, x: r(t.x), delta: r(t.delta) })), reach: round(fit.reach, PLACEMENT_DIGITS) };
}

/** The predicted-result level of a zoo (src/core/task/predicted.ts), rounded for the bundle. */
export function fitZooLevel(tasks: readonly Pick<Zoo["tasks"][number], "mean" | "std">[]): Zoo["level"] | null {
  if (tasks.length < 2) return null;
  const fit = fitLevel(tasks);
  return { intercept: round(fit.intercept, 6), spread: round(fit.spread, 6) };
}

export interface ImageTaskEmbeddings {
  key: string;
  name: string;
  nClasses: number;
  embeddings: readonly ArrayLike<number>[];
  /** Per-image statistics, one per embedding, and the sample's class separability. */
  stats: readonly ImageStats[];
  probe: number | null;
}

export const CENTROID_DIGITS = 5;

/** The centring vector and per-task centroids that new tasks are compared with. */
export function buildCentroids(tasks: readonly ImageTaskEmbeddings[]): { center: number[]; imageTasks: ImageTask[] } {
  const center = meanVector(tasks.flatMap((t) => t.embeddings)).map((x) => round(x, CENTROID_DIGITS));
  // The same centred-unit mean a new task is described by (descriptor.ts), so they compare alike.
  const imageTasks = tasks.map((t) => ({
    key: t.key,
    name: t.name,
    nImages: t.embeddings.length,
    nClasses: t.nClasses,
    centroid: meanCentredUnit(t.embeddings, center).map((x) => round(x, CENTROID_DIGITS)),
    domain: summariseImageStats(t.stats),
    probe: t.probe,
  }));
  return { center, imageTasks };
}

export function buildManifest(input: {
  provenance: string;
  proxy: Manifest["proxy"];
  centroids: { center: number[]; imageTasks: ImageTask[]; finetuneData?: { key: string; centroid: number[] }[] };
  zoos: { zoo: Zoo; file: string; predicted: boolean }[];
}): Manifest {
  return withHash<Manifest>({
    schema: BUNDLE_SCHEMA,
    provenance: input.provenance,
    proxy: input.proxy,
    center: input.centroids.center,
    imageTasks: input.centroids.imageTasks,
    ...(input.centroids.finetuneData?.length && { finetuneData: input.centroids.finetuneData }),
    zoos: input.zoos.map(({ zoo, file, predicted }) => ({ id: zoo.zoo, name: zoo.name, file, hash: zoo.hash, nModels: zoo.models.length, predicted })),
  });
}
