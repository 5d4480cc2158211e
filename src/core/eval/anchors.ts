/**
 * The published methods beside the served ranking, on the same models and the same weighted τ:
 *  - TransferGraph's own leave-one-target-out predictions and its LogME / Reg-H-Score baselines on
 *    the hub targets they cover (data/records/transfergraph_image_predictions.csv);
 *  - the weighted τ that SFDA's README reports for SFDA, LogME and others on classic group 1 (11
 *    supervised CNNs), against our ranking restricted to those 11 models
 *    (data/records/reported_selection_wtau.csv).
 */
import { mean } from "../math/linalg.ts";
import { weightedTau } from "../metrics.ts";
import type { RankedModel } from "../ranking.ts";
import type { ServedRankings } from "./served.ts";

function wtauOn(scores: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>, only: ReadonlySet<string>): number {
  const ids = [...only].filter((m) => scores.has(m) && truth.has(m));
  return weightedTau(
    ids.map((m) => scores.get(m)!),
    ids.map((m) => truth.get(m)!),
  );
}

/** A ranking as scores (best first gets the highest), so subsets keep its order. */
const asScores = (r: readonly RankedModel[]) => new Map(r.map((x, i) => [x.model, r.length - i]));

export interface AnchorRow {
  method: string;
  /** Per task, and the mean over the tasks. */
  tasks: Record<string, number>;
  mean: number;
}

export interface PredictionAnchors {
  tasks: string[];
  /** Models scored per task (those every method and the records have). */
  models: Record<string, number>;
  served: AnchorRow;
  nested: AnchorRow;
  prior: AnchorRow;
  methods: AnchorRow[];
  /** The best TransferGraph variant by mean. */
  bestTransferGraph: AnchorRow;
}

/** `predictions`: method → task → model → score (higher = predicted better). */
export function predictionAnchors(
  predictions: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>,
  rankings: ServedRankings,
  truth: (task: string) => ReadonlyMap<string, number>,
  tasks: readonly string[],
): PredictionAnchors {
  const covered = tasks.filter((t) => rankings.has(t) && [...predictions.values()].every((p) => p.has(t)));
  const only = new Map(
    covered.map((t) => {
      let ids = new Set(rankings.get(t)!.prior.map((r) => r.model).filter((m) => truth(t).has(m)));
      for (const p of predictions.values()) ids = new Set([...ids].filter((m) => p.get(t)!.has(m)));
      return [t, ids];
    }),
  );
  const row = (method: string, score: (t: string) => ReadonlyMap<string, number>): AnchorRow => {
    const per = Object.fromEntries(covered.map((t) => [t, wtauOn(score(t), truth(t), only.get(t)!)]));
    return { method, tasks: per, mean: mean(Object.values(per)) };
  };
  const methods = [...predictions.entries()].map(([m, p]) => row(m, (t) => p.get(t)!));
  const tg = methods.filter((m) => m.method.startsWith("TG:"));
  return {
    tasks: covered,
    models: Object.fromEntries(covered.map((t) => [t, only.get(t)!.size])),
    served: row("served (stored folder)", (t) => asScores(rankings.get(t)!.served)),
    nested: row("served, nested selection", (t) => asScores(rankings.get(t)!.nested)),
    prior: row("task-agnostic prior", (t) => asScores(rankings.get(t)!.prior)),
    methods,
    bestTransferGraph: tg.reduce((a, b) => (b.mean > a.mean ? b : a)),
  };
}

export interface ReportedAnchors {
  models: string[];
  tasks: string[];
  served: AnchorRow;
  nested: AnchorRow;
  prior: AnchorRow;
  /** As reported (not recomputed): method → task → weighted τ. */
  reported: AnchorRow[];
}

/** Our rankings on a model subset beside reported figures (`reported`: method → task → τ). */
export function reportedAnchors(
  reported: ReadonlyMap<string, ReadonlyMap<string, number>>,
  models: ReadonlySet<string>,
  rankings: ServedRankings,
  truth: (task: string) => ReadonlyMap<string, number>,
  tasks: readonly string[],
): ReportedAnchors {
  const covered = tasks.filter((t) => rankings.has(t) && [...reported.values()].every((r) => r.has(t)));
  const row = (method: string, pick: "served" | "nested" | "prior"): AnchorRow => {
    const per = Object.fromEntries(covered.map((t) => [t, wtauOn(asScores(rankings.get(t)![pick]), truth(t), models)]));
    return { method, tasks: per, mean: mean(Object.values(per)) };
  };
  return {
    models: [...models].sort(),
    tasks: covered,
    served: row("served (stored folder)", "served"),
    nested: row("served, nested selection", "nested"),
    prior: row("task-agnostic prior", "prior"),
    reported: [...reported.entries()].map(([method, r]) => {
      const per = Object.fromEntries(covered.map((t) => [t, r.get(t)!]));
      return { method, tasks: per, mean: mean(Object.values(per)) };
    }),
  };
}
