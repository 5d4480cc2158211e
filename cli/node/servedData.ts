/** The served evaluation's data, from the repo (src/core/eval/served.ts is the pure part). */
import { pivotRecords } from "../../src/core/space/matrix.ts";
import { describeSample, type HeldOutSpace, type ServedSetting, type ServedZooData, type StoredFolder } from "../../src/core/eval/served.ts";
import type { Zoo } from "../../src/core/bundle/schema.ts";
import type { CentroidSpace, TaskDescriptor } from "../../src/core/task/descriptor.ts";
import { TASK_CLASSES, taskSize, ZOO_DEFINITIONS, type ZooDefinition } from "../../src/core/zoos.ts";
import { buildBundle, readImageEmbeddings, readZooRecords } from "./repoData.ts";
import { placementSamples, readSamples } from "./samples.ts";

export function configuredSetting(def: ZooDefinition): ServedSetting {
  return { placement: def.mapper.placement ?? null, meta: def.mapper.meta ?? 0, finetune: def.mapper.finetune ?? null };
}

/** The measured results of a task, by model (raw, the zoo's metric), from the zoo's pivoted records. */
function truthOf(full: ReturnType<typeof pivotRecords>, task: string): Map<string, number> {
  const ti = full.tasks.indexOf(task);
  const truth = new Map<string, number>();
  if (ti < 0) return truth;
  full.models.forEach((m, i) => {
    const v = full.values[i][ti];
    if (!Number.isNaN(v)) truth.set(m, v);
  });
  return truth;
}

const folders = new Map<string, StoredFolder>();
export function storedFolder(key: string): StoredFolder {
  if (!folders.has(key)) {
    const t = readImageEmbeddings().find((x) => x.key === key);
    const samples = readSamples()[key];
    if (!t || !samples) throw new Error(`no stored folder ${key} (data/embeddings, data/derived/samples.json)`);
    folders.set(key, { key, embeddings: t.embeddings, stats: t.stats, samples });
  }
  return folders.get(key)!;
}

export function servedZooData(zooId: string, def = ZOO_DEFINITIONS.find((d) => d.id === zooId)): ServedZooData {
  if (!def) throw new Error(`unknown zoo ${zooId}`);
  const full = pivotRecords(readZooRecords(def));
  const spaces = new Map<string, HeldOutSpace>();
  return {
    zoo: def.id,
    tasks: Object.entries(def.imageTasks)
      .filter(([task]) => full.tasks.includes(task))
      .map(([task, key]) => ({ task, key, truth: truthOf(full, task), stated: { size: taskSize(def, task) ?? undefined, classes: TASK_CLASSES[task] } })),
    folder: storedFolder,
    space(exclude) {
      const k = [...exclude].sort().join(",");
      if (!spaces.has(k)) {
        const built = buildBundle({ excludeTask: exclude, zoos: [def.id] });
        spaces.set(k, { zoo: built.zoos[0], space: built.manifest });
      }
      return spaces.get(k)!;
    },
    placementSamples: placementSamples(),
    configured: configuredSetting(def),
  };
}

/** One held-out task as `npm run rank -- <its stored folder> --exclude-task T` sees it: the space
 * without T, its stored folder's descriptor in that space, and T's measured results. */
export interface HeldOutFold {
  zoo: string;
  task: string;
  imageKey: string;
  built: Zoo;
  /** The held-out space's centring vector and historical centroids (its manifest's). */
  space: CentroidSpace;
  desc: TaskDescriptor;
  truth: Map<string, number>;
}

export function heldOutFold(zooId: string, task: string, data = servedZooData(zooId)): HeldOutFold {
  const t = data.tasks.find((x) => x.task === task);
  if (!t) throw new Error(`${zooId}/${task} is not an image-backed task with records`);
  const { zoo, space } = data.space([task]);
  const folder = storedFolder(t.key);
  return { zoo: zooId, task, imageKey: t.key, built: zoo, space, desc: describeSample(folder, folder.samples[0], space), truth: new Map(t.truth) };
}

/** The image-backed tasks of a zoo that have records (the held-out candidates). */
export function heldOutTasks(zooId: string): string[] {
  return servedZooData(zooId).tasks.map((t) => t.task);
}
