/** A transfer matrix: models × tasks, each cell a measured result or missing (NaN). */
export interface TransferMatrix {
  models: string[];
  tasks: string[];
  /** values[m][t]; NaN where no record exists. */
  values: number[][];
}

export interface TidyRecord {
  model: string;
  dataset: string;
  value: number;
}

/** Pivots tidy records into a matrix; the first record of a (model, task) pair wins. */
export function pivotRecords(records: readonly TidyRecord[]): TransferMatrix {
  const models = [...new Set(records.map((r) => r.model))].sort();
  const tasks = [...new Set(records.map((r) => r.dataset))].sort();
  const mi = new Map(models.map((m, i) => [m, i]));
  const ti = new Map(tasks.map((t, i) => [t, i]));
  const values = models.map(() => tasks.map(() => Number.NaN));
  for (const r of records) {
    const row = values[mi.get(r.model)!];
    const t = ti.get(r.dataset)!;
    if (Number.isNaN(row[t])) row[t] = r.value;
  }
  return { models, tasks, values };
}

/** The same matrix without some tasks (leave-one-task-out removes a task everywhere). */
export function withoutTasks(m: TransferMatrix, exclude: readonly string[]): TransferMatrix {
  const keep = m.tasks.map((t, i) => (exclude.includes(t) ? -1 : i)).filter((i) => i >= 0);
  return {
    models: m.models,
    tasks: keep.map((i) => m.tasks[i]),
    values: m.values.map((row) => keep.map((i) => row[i])),
  };
}

export interface ColumnStats {
  mean: number;
  std: number;
}

/** Z-scores each task's column over the models measured on it, so that tasks with different
 * accuracy ranges weigh the same in the factorisation and in the prior. */
export function standardiseColumns(m: TransferMatrix): { z: number[][]; stats: ColumnStats[] } {
  const stats = m.tasks.map((_, t) => {
    const col = m.values.map((row) => row[t]).filter((v) => !Number.isNaN(v));
    const mean = col.reduce((s, v) => s + v, 0) / col.length;
    const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length) || 1;
    return { mean, std: sd };
  });
  const z = m.values.map((row) => row.map((v, t) => (Number.isNaN(v) ? v : (v - stats[t].mean) / stats[t].std)));
  return { z, stats };
}

/** The task-agnostic prior: a model's mean standardised result over the tasks it was measured on. */
export function priorScores(z: readonly number[][]): number[] {
  return z.map((row) => {
    const seen = row.filter((v) => !Number.isNaN(v));
    return seen.length ? seen.reduce((s, v) => s + v, 0) / seen.length : 0;
  });
}
