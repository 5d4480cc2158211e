import type { MetaModel } from "./meta.ts";
import { metaTaskVector } from "./meta.ts";
import { taskSizeOf, type TaskDescriptor } from "./descriptor.ts";

/**
 * The class count and size the meta-score reads for a new task. The meta-score was fitted on
 * whole datasets (CIFAR-10: 50,000 images), but a dropped folder is usually a sample of one: its
 * image count says only that the dataset has at least that many. So:
 *
 *  - what the person states (`desc.stated`) is used as it is;
 *  - otherwise the folder's class count (it usually holds every class), and its image count only
 *    where it is above a typical historical dataset's size; below that, the typical size (the
 *    meta-score then reads "a task of ordinary size", not "a 120-image task");
 *  - every standardised value is clipped to ±COUNT_Z_LIMIT, so a value far outside the
 *    historical range (a 2-class or a 10-million-image task) cannot swing the ranking.
 *
 * The evaluation reports both cases (stated and folder counts), src/core/eval/served.ts.
 */
export const COUNT_Z_LIMIT = 2;

export type CountSource = "stated" | "folder" | "typical";

export interface TaskCounts {
  nClasses: number;
  size: number;
  from: { classes: CountSource; size: CountSource };
  /** The meta-score's standardised task features (zoo.meta.taskFeatures order), clipped. */
  z: number[];
  /** Features that were clipped, by name. */
  clipped: string[];
}

type MetaTask = Pick<MetaModel, "taskFeatures" | "taskMean" | "taskStd">;

/** A typical historical task's value of a log10 feature (the geometric mean), or NaN. */
function typical(meta: MetaTask, name: "logClasses" | "logSize"): number {
  const j = meta.taskFeatures.indexOf(name);
  return j < 0 ? Number.NaN : Math.round(10 ** meta.taskMean[j]);
}

export function taskCounts(desc: Pick<TaskDescriptor, "nImages" | "nClasses" | "size" | "stated">, meta: MetaTask): TaskCounts {
  const stated = desc.stated ?? {};
  const typicalSize = typical(meta, "logSize");
  const typicalClasses = typical(meta, "logClasses");
  const folderSize = taskSizeOf(desc);
  const classes: [number, CountSource] =
    stated.classes !== undefined ? [stated.classes, "stated"] : desc.nClasses >= 2 ? [desc.nClasses, "folder"] : [typicalClasses, "typical"];
  const size: [number, CountSource] =
    stated.size !== undefined ? [stated.size, "stated"] : !(folderSize < typicalSize) ? [folderSize, "folder"] : [typicalSize, "typical"];
  // A typical value sits exactly at the historical mean (0), not at its rounded count.
  const raw = metaTaskVector(meta, { nClasses: classes[0], size: size[0] }).map((x, j) =>
    (meta.taskFeatures[j] === "logClasses" ? classes[1] : size[1]) === "typical" ? 0 : x,
  );
  const clipped = meta.taskFeatures.filter((_, j) => Math.abs(raw[j]) > COUNT_Z_LIMIT);
  return {
    nClasses: classes[0],
    size: size[0],
    from: { classes: classes[1], size: size[1] },
    z: raw.map((x) => Math.max(-COUNT_Z_LIMIT, Math.min(COUNT_Z_LIMIT, x))),
    clipped,
  };
}
