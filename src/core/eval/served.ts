/**
 * The served evaluation: what a person gets for a folder, measured on folders as people drop them,
 * through the pipeline's own function (src/core/pipeline.ts `rankTask`). Pure: the Node shell
 * (cli/eval.ts) hands in the data and builds the held-out spaces on request.
 *
 * For each zoo and each image-backed task T:
 *  - the space is rebuilt without T (its records, its place among the historical tasks; its
 *    images stay only as data some models were fine-tuned on), exactly as `npm run rank
 *    --exclude-task T` rebuilds it;
 *  - T's stored folder and small folders made from it (src/core/eval/samples.ts) are described by
 *    the pipeline, ranked, and scored against T's measured results, beside the task-agnostic
 *    prior;
 *  - the settings (placement model, meta-score weight, fine-tuning-data term) are chosen by nested
 *    leave-one-task-out: inside T's fold, each other task T' is held out too (a space without T and
 *    T') and every candidate is scored on T''s folders; the best mean gain over the prior picks the
 *    setting scored on T, which takes no part in choosing it. No gain: the prior.
 * The setting a zoo ships is chosen the same way over all its tasks (each scored in its own
 * leave-one-task-out space), and only where the nested estimate beats the prior.
 */
import type { Zoo } from "../bundle/schema.ts";
import { mean, std } from "../math/linalg.ts";
import { kendallTau } from "../metrics.ts";
import { rankingWeightedTau, scoreRanking } from "./score.ts";
import { rankTask, serveTask } from "../pipeline.ts";
import { rankByPrior, type RankedModel } from "../ranking.ts";
import { describeTask, type CentroidSpace, type StatedFacts, type TaskDescriptor } from "../task/descriptor.ts";
import type { ImageStats } from "../task/imageStats.ts";
import { fitZooPlacement } from "../bundle/build.ts";
import { IMAGE_FEATURES, type PlacementInput, type PlacementSettings } from "../task/placement.ts";
import type { FinetuneSettings } from "../zoos.ts";
import type { SampleSpec } from "./samples.ts";

/** One choice of everything a quality figure depends on, per zoo. */
export interface ServedSetting {
  placement: PlacementSettings | null;
  meta: number;
  finetune: FinetuneSettings | null;
}

export const PRIOR_SETTING: ServedSetting = { placement: null, meta: 0, finetune: null };

/** The candidates the nested selection chooses from. Placement reads the images' features only
 * (counts reach the ranking through the meta-score, src/core/task/counts.ts). */
export function servedCandidates(hasFinetuned: boolean): ServedSetting[] {
  // A small grid on purpose: with 7 inner tasks, every extra candidate is another chance to pick
  // noise (a 144-point grid measured a worse nested estimate on the hub zoo than this one).
  const placements: (PlacementSettings | null)[] = [
    null,
    ...[10, 30].map((l) => ({ kind: "ridge" as const, features: IMAGE_FEATURES, strength: l, bandwidth: 1 })),
    { kind: "kernel" as const, features: IMAGE_FEATURES, strength: 0.5, bandwidth: 2 },
  ];
  const metas = [0, 0.1];
  const finetunes: (FinetuneSettings | null)[] = hasFinetuned ? [null, { weight: 1, threshold: 0.5 }, { weight: 2, threshold: 0.8 }] : [null];
  return placements.flatMap((placement) => metas.flatMap((meta) => finetunes.map((finetune) => ({ placement, meta, finetune }))));
}

export function settingLabel(s: ServedSetting): string {
  const parts: string[] = [];
  if (s.placement) parts.push(s.placement.kind === "ridge" ? `placement ridge λ=${s.placement.strength}` : `placement kernel α=${s.placement.strength}, h=${s.placement.bandwidth}`);
  if (s.meta > 0) parts.push(`meta w=${s.meta}`);
  if (s.finetune) parts.push(`fine-tuning data ${s.finetune.weight} above cos ${s.finetune.threshold}`);
  return parts.length ? parts.join("; ") : "prior (no correction)";
}

const sameSetting = (a: ServedSetting, b: ServedSetting) => settingLabel(a) === settingLabel(b);

/** A historical task's stored folder: its images, and the samples the pipeline takes of it. */
export interface StoredFolder {
  key: string;
  embeddings: readonly ArrayLike<number>[];
  stats: readonly ImageStats[];
  samples: readonly { spec: SampleSpec; rows: readonly number[]; labels: readonly string[]; usable: number; probe: number | null }[];
}

/** A space with some tasks held out, as `buildBundle({ excludeTask })` builds it. */
export interface HeldOutSpace {
  zoo: Zoo;
  space: CentroidSpace;
}

export interface ServedZooData {
  zoo: string;
  /** The image-backed tasks with records (the held-out candidates), and each one's sample key. */
  tasks: readonly { task: string; key: string; truth: ReadonlyMap<string, number>; stated: StatedFacts }[];
  folder(key: string): StoredFolder;
  /** The zoo's space without these tasks (cached by the shell). */
  space(exclude: readonly string[]): HeldOutSpace;
  /** What the placement model reads of each sample of each stored folder, by sample key. */
  placementSamples: ReadonlyMap<string, readonly PlacementInput[]>;
  /** The setting the zoo is configured with (src/core/zoos.ts). */
  configured: ServedSetting;
}

/** The zoo with a setting in place of its own: the placement model refitted on the image tasks
 * this space has, by the bundle build's own function. */
export function withSetting(h: HeldOutSpace, s: ServedSetting, samples: ReadonlyMap<string, readonly PlacementInput[]>): Zoo {
  const mapper = { ...h.zoo.mapper, alpha: 0, meta: s.meta, placement: s.placement, finetune: s.finetune };
  const placement = fitZooPlacement(s.placement, h.zoo, h.space.imageTasks, samples);
  return { ...h.zoo, mapper, placement: placement ?? undefined };
}

/** The descriptor the pipeline makes of one sample of a folder in a space. */
export function describeSample(folder: StoredFolder, sample: StoredFolder["samples"][number], space: CentroidSpace, stated?: StatedFacts): TaskDescriptor {
  return describeTask(
    sample.rows.map((r) => folder.embeddings[r]),
    sample.labels,
    space,
    sample.usable,
    { stats: sample.rows.map((r) => folder.stats[r]), probe: sample.probe, ...(stated && { stated }) },
  );
}

/** Weighted τ of a setting on every sample of a task's folder, in one held-out space. */
interface Scored {
  /** By sample id. */
  wtau: Map<string, number>;
  prior: number;
}

/** Mean gain over the prior of a scored task: the stored folder and the mean of the small
 * folders count half each (people drop both). */
function gainOf(s: Scored): number {
  const stored = s.wtau.get("stored")! - s.prior;
  const small = [...s.wtau].filter(([id]) => id !== "stored").map(([, x]) => x - s.prior);
  return small.length ? (stored + mean(small)) / 2 : stored;
}

export interface SmallFolders {
  n: number;
  /** Over seeds: mean and spread of the served weighted τ; the prior's (one per space). */
  weightedTau: number;
  sd: number;
  prior: number;
  seeds: number;
}

export interface ServedTask {
  task: string;
  key: string;
  nModels: number;
  /** The whole stored folder (what `npm run rank -- <folder> --exclude-task T` serves). */
  stored: {
    images: number;
    classes: number;
    weightedTau: number;
    prior: number;
    /** With the dataset's size and class count stated. */
    stated: number;
    /** The setting chosen without this task (nested), scored on it. */
    nested: number;
    relativeRegret: number;
    priorRelativeRegret: number;
    top1: { served: string; prior: string; best: string };
  };
  /** Small folders, by size: "n20", "n40", "n100". */
  small: Record<string, SmallFolders & { nested: number; stated: number }>;
  /** The setting the nested selection chose for this task, and its inner gain. */
  chosen: { setting: string; innerGain: number };
}

export interface ServedZoo {
  zoo: string;
  /** What ships (zoos.ts) and what the selection over all tasks picks; they should agree. */
  configured: string;
  selected: string;
  selectedGain: number;
  tasks: ServedTask[];
  mean: {
    stored: { weightedTau: number; prior: number; stated: number; nested: number };
    small: Record<string, { weightedTau: number; prior: number; nested: number; stated: number }>;
  };
  /** Tasks more than 0.05 below their prior on the whole folder. */
  below: string[];
  /** The nested estimate (stored and small folders, half each) against the prior: the rule that
   * decides whether the zoo ships a correction. */
  nestedGain: number;
  /** Every candidate's gain over the prior in the leave-one-task-out spaces (what the selection
   * over all tasks compares), per task and on the mean. */
  candidates: { setting: string; gain: number; tasks: Record<string, number> }[];
}

/** Scores a setting on one task's folders in one space (cached descriptors per space). */
class Scorer {
  private descs = new Map<string, TaskDescriptor[]>();
  private zoos = new Map<string, Zoo>();
  private priors = new Map<string, number>();
  constructor(private data: ServedZooData) {}

  private spaceKey(exclude: readonly string[]) {
    return [...exclude].sort().join(",");
  }

  descriptors(exclude: readonly string[], task: ServedZooData["tasks"][number], stated: boolean): TaskDescriptor[] {
    const k = `${this.spaceKey(exclude)}|${task.task}|${stated}`;
    if (!this.descs.has(k)) {
      const h = this.data.space(exclude);
      const f = this.data.folder(task.key);
      this.descs.set(k, f.samples.map((s) => describeSample(f, s, h.space, stated ? task.stated : undefined)));
    }
    return this.descs.get(k)!;
  }

  zoo(exclude: readonly string[], s: ServedSetting): Zoo {
    // The configured setting is the space as built (its placement model rounded for the bundle):
    // exactly what `npm run rank --exclude-task` ranks with.
    if (sameSetting(s, this.data.configured)) return this.data.space(exclude).zoo;
    const k = `${this.spaceKey(exclude)}|${settingLabel(s)}`;
    if (!this.zoos.has(k)) this.zoos.set(k, withSetting(this.data.space(exclude), s, this.data.placementSamples));
    return this.zoos.get(k)!;
  }

  prior(exclude: readonly string[], task: ServedZooData["tasks"][number]): number {
    const k = `${this.spaceKey(exclude)}|${task.task}`;
    if (!this.priors.has(k)) this.priors.set(k, rankingWeightedTau(rankByPrior(this.data.space(exclude).zoo), task.truth));
    return this.priors.get(k)!;
  }

  rankings(exclude: readonly string[], task: ServedZooData["tasks"][number], s: ServedSetting, stated = false): RankedModel[][] {
    const zoo = this.zoo(exclude, s);
    return this.descriptors(exclude, task, stated).map((d) => rankTask(zoo, d).base.ranking);
  }

  score(exclude: readonly string[], task: ServedZooData["tasks"][number], s: ServedSetting, stated = false): Scored {
    const f = this.data.folder(task.key);
    const rs = this.rankings(exclude, task, s, stated);
    return { wtau: new Map(f.samples.map((x, i) => [x.spec.id, rankingWeightedTau(rs[i], task.truth)])), prior: this.prior(exclude, task) };
  }

  /** Releases what a finished outer fold cached (the inner spaces are not shared across folds
   * except pairwise, and descriptors are cheap to remake). */
  clear() {
    this.zoos.clear();
  }
}

/** The candidate with the best mean gain (ties: the earlier, simpler candidate); the prior where
 * none gains. */
function choose(candidates: readonly ServedSetting[], gains: readonly number[]): { setting: ServedSetting; gain: number } {
  let best = { setting: PRIOR_SETTING, gain: 0 };
  candidates.forEach((c, i) => {
    if (gains[i] > best.gain + 1e-9) best = { setting: c, gain: gains[i] };
  });
  return best;
}

function smallSizes(scored: Scored): Map<string, { n: number; values: number[] }> {
  const out = new Map<string, { n: number; values: number[] }>();
  for (const [id, x] of scored.wtau) {
    if (id === "stored") continue;
    const n = Number(id.slice(1, id.indexOf("-")));
    const key = `n${n}`;
    if (!out.has(key)) out.set(key, { n, values: [] });
    out.get(key)!.values.push(x);
  }
  return out;
}

export interface ServedOptions {
  candidates?: ServedSetting[];
  /** Called after each outer fold (progress for the shell). */
  onFold?: (zoo: string, task: string) => void;
}

/** The rankings behind a zoo's figures, per task (for the published methods' subsets). */
export type ServedRankings = Map<string, { served: RankedModel[]; nested: RankedModel[]; prior: RankedModel[] }>;

export function evaluateServedZoo(data: ServedZooData, opts: ServedOptions = {}): ServedZoo & { rankings: ServedRankings } {
  const sc = new Scorer(data);
  const tasks = data.tasks;
  // Models are the same in every held-out space: the first one (built anyway) says it.
  const hasFinetuned = data.space([tasks[0].task]).zoo.models.some((m) => m.finetunedOn);
  const candidates = opts.candidates ?? servedCandidates(hasFinetuned);

  // Outer spaces: every candidate on every task in its own leave-one-task-out space (the
  // non-nested selection of what ships, and each candidate's figure).
  const outerGain = candidates.map((c) => tasks.map((t) => gainOf(sc.score([t.task], t, c))));
  const selected = choose(candidates, outerGain.map((g) => mean(g)));

  const results: ServedTask[] = [];
  const rankings: ServedRankings = new Map();
  const nestedGains: number[] = [];
  for (const t of tasks) {
    const inner = tasks.filter((x) => x.task !== t.task);
    const gains = candidates.map((c) => mean(inner.map((u) => gainOf(sc.score([t.task, u.task], u, c)))));
    const chosen = choose(candidates, gains);
    const ex = [t.task];
    const shipped = sc.score(ex, t, data.configured);
    const stated = sc.score(ex, t, data.configured, true);
    const nested = sc.score(ex, t, chosen.setting);
    nestedGains.push(gainOf(nested));
    const storedRanking = sc.rankings(ex, t, data.configured)[0];
    const priorRanking = rankByPrior(data.space(ex).zoo);
    rankings.set(t.task, { served: storedRanking, nested: sc.rankings(ex, t, chosen.setting)[0], prior: priorRanking });
    const measured = (r: readonly RankedModel[]) => r.filter((x) => t.truth.has(x.model));
    const storedSample = data.folder(t.key).samples[0];
    const small: ServedTask["small"] = {};
    const sizes = smallSizes(shipped);
    const sizesNested = smallSizes(nested);
    const sizesStated = smallSizes(stated);
    for (const [k, v] of sizes)
      small[k] = { n: v.n, weightedTau: mean(v.values), sd: v.values.length > 1 ? std(v.values) : 0, prior: shipped.prior, seeds: v.values.length, nested: mean(sizesNested.get(k)!.values), stated: mean(sizesStated.get(k)!.values) };
    results.push({
      task: t.task,
      key: t.key,
      nModels: measured(priorRanking).length,
      stored: {
        images: storedSample.rows.length,
        classes: new Set(storedSample.labels).size,
        weightedTau: shipped.wtau.get("stored")!,
        prior: shipped.prior,
        stated: stated.wtau.get("stored")!,
        nested: nested.wtau.get("stored")!,
        relativeRegret: scoreRanking(storedRanking, t.truth).relativeRegret,
        priorRelativeRegret: scoreRanking(priorRanking, t.truth).relativeRegret,
        top1: {
          served: measured(storedRanking)[0].model,
          prior: measured(priorRanking)[0].model,
          best: [...t.truth].filter(([m]) => priorRanking.some((r) => r.model === m)).sort((a, b) => b[1] - a[1])[0][0],
        },
      },
      small,
      chosen: { setting: settingLabel(chosen.setting), innerGain: chosen.gain },
    });
    sc.clear();
    opts.onFold?.(data.zoo, t.task);
  }
  const sizeKeys = [...new Set(results.flatMap((r) => Object.keys(r.small)))];
  const over = (f: (r: ServedTask) => number) => mean(results.map(f));
  const overSmall = (k: string, f: (s: ServedTask["small"][string]) => number) => mean(results.filter((r) => r.small[k]).map((r) => f(r.small[k])));
  return {
    zoo: data.zoo,
    configured: settingLabel(data.configured),
    selected: settingLabel(selected.setting),
    selectedGain: selected.gain,
    tasks: results,
    mean: {
      stored: { weightedTau: over((r) => r.stored.weightedTau), prior: over((r) => r.stored.prior), stated: over((r) => r.stored.stated), nested: over((r) => r.stored.nested) },
      small: Object.fromEntries(
        sizeKeys.map((k) => [k, { weightedTau: overSmall(k, (s) => s.weightedTau), prior: overSmall(k, (s) => s.prior), nested: overSmall(k, (s) => s.nested), stated: overSmall(k, (s) => s.stated) }]),
      ),
    },
    below: results.filter((r) => r.stored.weightedTau < r.stored.prior - 0.05).map((r) => r.task),
    nestedGain: mean(nestedGains),
    candidates: candidates.map((c, i) => ({ setting: settingLabel(c), gain: mean(outerGain[i]), tasks: Object.fromEntries(tasks.map((t, j) => [t.task, outerGain[i][j]])) })),
    rankings,
  };
}

// ---------------------------------------------------------------------------------------------
// Predicted results and their intervals (src/core/task/predicted.ts)

export interface IntervalZoo {
  zoo: string;
  /** Residual percentiles (10th, 90th) pooled over every held-out task: what ships. */
  shipped: { before: [number, number]; after: [number, number] };
  /** Per task: coverage of the 80% interval made from the other tasks' residuals (nested), and
   * mean absolute errors in the zoo's units. */
  tasks: { task: string; coverageBefore: number; coverageAfter: number; maeBefore: number; maeAfter: number; maeBaseline: number; observed: string }[];
  mean: { coverageBefore: number; coverageAfter: number; maeBefore: number; maeAfter: number; maeBaseline: number };
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

/**
 * For each held-out task (its stored folder, the zoo as shipped): the standardised residuals of
 * the predicted results before any measured result, and after one (the model the ranking puts
 * first among those measured, as try-first proposes it), against each model's mean historical
 * result as the baseline.
 */
export function evaluateIntervals(data: ServedZooData): IntervalZoo {
  const per = data.tasks.map((t) => {
    const h = data.space([t.task]);
    const zoo = h.zoo;
    const f = data.folder(t.key);
    const desc = describeSample(f, f.samples[0], h.space);
    const level = zoo.level;
    if (!level) throw new Error(`${data.zoo}: the zoo has no level model`);
    const served = serveTask(zoo, desc);
    const ids = served.base.ranking.filter((r) => t.truth.has(r.model));
    const lv = level.intercept;
    const before = ids.map((r) => ({ model: r.model, y: t.truth.get(r.model)!, p: lv + level.spread * r.score }));
    const first = ids[0].model;
    const after = serveTask(zoo, desc, { observed: [{ model: first, value: t.truth.get(first)! }] });
    const rest = ids.filter((r) => r.model !== first).map((r) => ({ model: r.model, y: t.truth.get(r.model)!, p: after.fit.predicted.get(r.model)! }));
    const baseline = (m: string) => {
      const res = Object.values(zoo.models.find((x) => x.id === m)?.results ?? {});
      return res.length ? mean(res) : Number.NaN;
    };
    return {
      task: t.task,
      observed: first,
      rBefore: before.map((x) => (x.y - x.p) / level.spread),
      rAfter: rest.map((x) => (x.y - x.p) / after.fit.s0),
      spread: level.spread,
      s0: after.fit.s0,
      before,
      rest,
      maeBaseline: mean(before.filter((x) => Number.isFinite(baseline(x.model))).map((x) => Math.abs(x.y - baseline(x.model)))),
    };
  });
  const q = (xs: number[]): [number, number] => [quantile(xs, 0.1), quantile(xs, 0.9)];
  const cover = (rs: number[], [lo, hi]: [number, number]) => rs.filter((r) => r >= lo && r <= hi).length / rs.length;
  const tasks = per.map((p) => {
    const others = per.filter((o) => o.task !== p.task);
    return {
      task: p.task,
      observed: p.observed,
      coverageBefore: cover(p.rBefore, q(others.flatMap((o) => o.rBefore))),
      coverageAfter: cover(p.rAfter, q(others.flatMap((o) => o.rAfter))),
      maeBefore: mean(p.before.map((x) => Math.abs(x.y - x.p))),
      maeAfter: mean(p.rest.map((x) => Math.abs(x.y - x.p))),
      maeBaseline: p.maeBaseline,
    };
  });
  const avg = (k: keyof (typeof tasks)[number]) => mean(tasks.map((t) => t[k] as number));
  return {
    zoo: data.zoo,
    shipped: { before: q(per.flatMap((p) => p.rBefore)), after: q(per.flatMap((p) => p.rAfter)) },
    tasks,
    mean: { coverageBefore: avg("coverageBefore"), coverageAfter: avg("coverageAfter"), maeBefore: avg("maeBefore"), maeAfter: avg("maeAfter"), maeBaseline: avg("maeBaseline") },
  };
}

// ---------------------------------------------------------------------------------------------
// Counts outside the historical range (src/core/task/counts.ts)

export interface CountSwing {
  zoo: string;
  /** Stated facts far outside the historical range, each against the folder's own counts: Kendall
   * τ between the two rankings of all models (1: unchanged) and the weighted τ against the truth. */
  cases: { stated: StatedFacts; agreement: number; weightedTau: number; folder: number }[];
}

const EXTREMES: StatedFacts[] = [
  { size: 1e9, classes: 1e6 },
  { size: 10, classes: 2 },
];

export function countSwing(data: ServedZooData): CountSwing {
  const rows = data.tasks.map((t) => {
    const h = data.space([t.task]);
    const f = data.folder(t.key);
    const base = rankTask(h.zoo, describeSample(f, f.samples[0], h.space)).base.ranking;
    return EXTREMES.map((stated) => {
      const r = rankTask(h.zoo, describeSample(f, f.samples[0], h.space, stated)).base.ranking;
      const pos = new Map(r.map((x, i) => [x.model, -i]));
      return { agreement: kendallTau(base.map((_, i) => -i), base.map((x) => pos.get(x.model)!)), weightedTau: rankingWeightedTau(r, t.truth), folder: rankingWeightedTau(base, t.truth) };
    });
  });
  return {
    zoo: data.zoo,
    cases: EXTREMES.map((stated, k) => ({
      stated,
      agreement: mean(rows.map((r) => r[k].agreement)),
      weightedTau: mean(rows.map((r) => r[k].weightedTau)),
      folder: mean(rows.map((r) => r[k].folder)),
    })),
  };
}
