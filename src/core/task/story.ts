/**
 * One account of where a task was placed and why, read by every panel of the page (the summary,
 * the placement panel, the model panel) and by the CLI, so they cannot disagree.
 */
import type { Zoo } from "../bundle/schema.ts";
import type { Ranking } from "../ranking.ts";
import type { TaskCounts } from "./counts.ts";

export interface PlacementStory {
  /** placement: the zoo's placement model moved the prior; mixture: the similarity mix; prior:
   * the task-agnostic prior unchanged. */
  kind: "placement" | "mixture" | "prior";
  /** The historical tasks the task was placed nearest to, with their share (sums to 1 over all). */
  nearest: { task: string; weight: number }[];
  /** Every historical task's share, by task id (empty for the prior). */
  weights: Record<string, number>;
  /** How far the task vector moved from the prior, as a share of a typical historical task's
   * distance from it (0: the prior itself). */
  moved: number;
  /** The distance gate (1: the full correction; lower: the task is unlike every historical one). */
  gate: number;
  /** The descriptor values that moved it most (standardised; sign = direction). */
  drivers: { name: string; z: number }[];
  /** What the meta-score read of the task's counts, when it is on. */
  counts: TaskCounts | null;
  /** The sentence every panel shows. */
  line: string;
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** A weight as a percentage that never reads as all-or-nothing when it is not exactly that. */
export function percent(w: number): string {
  if (w >= 0.995 && w < 1) return ">99%";
  if (w > 0 && w < 0.005) return "<1%";
  return `${Math.round(w * 100)}%`;
}

export function placementStory(zoo: Pick<Zoo, "tasks">, r: Pick<Ranking, "placement" | "meta">): PlacementStory {
  const { vector, priorVector, explanation, alpha, weights } = r.placement;
  const shifts = zoo.tasks.map((t) => norm(t.vector.map((v, i) => v - priorVector[i]))).sort((a, b) => a - b);
  const typical = shifts[shifts.length >> 1] || 1;
  const moved = norm(vector.map((v, i) => v - priorVector[i])) / typical;
  const counts = r.meta?.counts ?? null;
  const countsLine = counts
    ? ` The meta-score read ${counts.nClasses.toLocaleString("en")} classes (${counts.from.classes}) and ${counts.size.toLocaleString("en")} training images (${counts.from.size === "typical" ? "a typical dataset's size: the folder is a sample" : counts.from.size}).`
    : "";
  if (explanation) {
    const nearest = explanation.neighbours.slice(0, 2).map((n) => ({ task: n.task, weight: n.weight }));
    const drivers = [...explanation.features].sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 2).map((f) => ({ name: f.name, z: f.z }));
    const line =
      `Placed nearest to ${nearest.map((n) => `${n.task} (${percent(n.weight)})`).join(" and ")}; the task moved ${percent(Math.min(moved, 9.99))} of a typical historical task's distance from the task-agnostic prior` +
      (explanation.gate < 0.995 ? `, less than it would have: your images are unlike every historical task (correction at ${percent(explanation.gate)})` : "") +
      `.${countsLine}`;
    const all = Object.fromEntries(explanation.neighbours.map((n) => [n.task, n.weight]));
    return { kind: "placement", nearest, weights: all, moved, gate: explanation.gate, drivers, counts, line };
  }
  if (alpha > 0 && weights.length) {
    const nearest = [...weights].sort((a, b) => b.weight - a.weight).slice(0, 2).map((w) => ({ task: w.task, weight: w.weight }));
    const line = `${percent(1 - alpha)} the task-agnostic prior and ${percent(alpha)} a mix of the historical tasks your images resemble, mostly ${nearest.map((n) => n.task).join(" and ")}.${countsLine}`;
    return { kind: "mixture", nearest, weights: Object.fromEntries(weights.map((w) => [w.task, alpha * w.weight])), moved, gate: 1, drivers: [], counts, line };
  }
  return { kind: "prior", nearest: [], weights: {}, moved: 0, gate: 1, drivers: [], counts, line: `The task-agnostic prior: this zoo ships no correction from the images.${countsLine}` };
}
