/**
 * How much a user's own measured results improve the ranking of the models they did not measure:
 * leave-one-task-out, pure (the caller builds the folds; no file I/O here).
 *
 * For each held-out task, r = 1..5 true results are revealed, chosen (a) by tryFirst, recomputed
 * after each reveal, or (b) as the top r of the ranking before any reveal; the fold-in's ranking is
 * compared with the ranking without them (and the task-agnostic prior) by weighted τ over the
 * models NOT revealed. The fold-in strength for a task is chosen on the other held-out tasks of its
 * zoo only (nested), never on the task being scored.
 */
import type { Zoo } from "../bundle/schema.ts";
import { weightedTau } from "../metrics.ts";
import { rankByPrior, type RankedModel } from "../ranking.ts";
import { rankTask } from "../pipeline.ts";
import type { TaskDescriptor } from "../task/descriptor.ts";
import { foldIn, foldInSpace, POOLS, STRENGTHS, type FoldInSettings, type Observation } from "../task/observed.ts";
import { tryFirst } from "../task/tryFirst.ts";

/** One held-out task: the zoo built without it, its description, its measured results. */
export interface FoldInFold {
  zoo: string;
  task: string;
  built: Zoo;
  desc: TaskDescriptor;
  truth: ReadonlyMap<string, number>;
}

export type Strategy = "tryFirst" | "top";
export const STRATEGIES: readonly Strategy[] = ["tryFirst", "top"];
export const MAX_REVEAL = 5;
/** The r at which the targets are stated. */
export const TARGET_REVEAL = 3;

export interface RevealPoint {
  r: number;
  revealed: string[];
  /** Weighted τ over the unrevealed measured models. */
  tauPrior: number;
  tauBefore: number;
  tauAfter: number;
  /** 1 if the truly best model is among the revealed or the top 3 of the unrevealed (after / before). */
  bestFoundAfter: number;
  bestFoundBefore: number;
}

function tauOn(ranking: readonly RankedModel[], truth: ReadonlyMap<string, number>, skip: ReadonlySet<string>): number {
  const rows = ranking.filter((r) => truth.has(r.model) && !skip.has(r.model));
  if (rows.length < 2) return Number.NaN;
  return weightedTau(
    rows.map((r) => r.score),
    rows.map((r) => truth.get(r.model)!),
  );
}

function bestFound(ranking: readonly RankedModel[], truth: ReadonlyMap<string, number>, revealed: ReadonlySet<string>): number {
  const best = Math.max(...truth.values());
  const winners = new Set([...truth].filter(([, v]) => v === best).map(([m]) => m));
  if ([...revealed].some((m) => winners.has(m))) return 1;
  const top = ranking.filter((r) => truth.has(r.model) && !revealed.has(r.model)).slice(0, 3);
  return top.some((r) => winners.has(r.model)) ? 1 : 0;
}

/** The reveal curve of one fold, one strategy, one strength. */
export function revealCurve(fold: FoldInFold, strategy: Strategy, settings: FoldInSettings, maxReveal = MAX_REVEAL): RevealPoint[] {
  const base = rankTask(fold.built, fold.desc).base;
  const prior = rankByPrior(fold.built);
  const sp = foldInSpace(fold.built, base, settings.strength);
  const observed: Observation[] = [];
  const out: RevealPoint[] = [];
  let current = base.ranking;
  const staticTop = base.ranking.filter((r) => fold.truth.has(r.model)).map((r) => r.model);
  for (let r = 1; r <= maxReveal; r++) {
    const seen = new Set(observed.map((o) => o.model));
    let next: string | undefined;
    if (strategy === "top") next = staticTop.find((m) => !seen.has(m));
    else {
      // The tool's own proposal, as a user would follow it: the first of the list that has a
      // measured result (every model of these folds has one; the guard keeps it total).
      const list = tryFirst(fold.built, sp, current, observed, { count: 3, pool: settings.pool });
      next = list.find((t) => fold.truth.has(t.model))?.model ?? current.find((c) => fold.truth.has(c.model) && !seen.has(c.model))?.model;
    }
    if (next === undefined) break;
    observed.push({ model: next, value: fold.truth.get(next)! });
    const after = foldIn(sp, base, observed);
    current = after.result.ranking;
    const revealed = new Set(observed.map((o) => o.model));
    out.push({
      r,
      revealed: observed.map((o) => o.model),
      tauPrior: tauOn(prior, fold.truth, revealed),
      tauBefore: tauOn(base.ranking, fold.truth, revealed),
      tauAfter: tauOn(current, fold.truth, revealed),
      bestFoundAfter: bestFound(current, fold.truth, revealed),
      bestFoundBefore: bestFound(base.ranking, fold.truth, revealed),
    });
  }
  return out;
}

const avg = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
};

/** What the nested selection maximises: mean gain of the tryFirst curve over r = 2..5 (r = 1
 * cannot re-rank, so it says nothing about the strength). */
function criterion(curve: readonly RevealPoint[]): number {
  return avg(curve.filter((p) => p.r >= 2).map((p) => p.tauAfter - p.tauBefore));
}

export interface TaskReport {
  task: string;
  nModels: number;
  /** Settings (λ, try-first pool) chosen on the zoo's other held-out tasks. */
  settings: FoldInSettings;
  curves: Record<Strategy, RevealPoint[]>;
}

export interface CurvePoint {
  r: number;
  tauPrior: number;
  tauBefore: number;
  tauAfter: number;
  gain: number;
  bestFoundAfter: number;
  bestFoundBefore: number;
}

export interface ZooReport {
  zoo: string;
  /** The settings the whole zoo's evaluation picks (what the page and CLI ship). */
  settings: FoldInSettings;
  /** Mean selection criterion per candidate setting, over all the zoo's tasks. */
  grid: { strength: number; pool: number; criterion: number }[];
  tasks: TaskReport[];
  mean: Record<Strategy, CurvePoint[]>;
}

export interface FoldInReport {
  grid: FoldInSettings[];
  reveals: number[];
  targetReveal: number;
  zoos: ZooReport[];
}

function meanCurve(curves: readonly RevealPoint[][]): CurvePoint[] {
  return Array.from({ length: MAX_REVEAL }, (_, i) => {
    const pts = curves.map((c) => c[i]).filter((p): p is RevealPoint => p !== undefined);
    const tauBefore = avg(pts.map((p) => p.tauBefore));
    const tauAfter = avg(pts.map((p) => p.tauAfter));
    return {
      r: i + 1,
      tauPrior: avg(pts.map((p) => p.tauPrior)),
      tauBefore,
      tauAfter,
      gain: avg(pts.map((p) => p.tauAfter - p.tauBefore)),
      bestFoundAfter: avg(pts.map((p) => p.bestFoundAfter)),
      bestFoundBefore: avg(pts.map((p) => p.bestFoundBefore)),
    };
  });
}

/** The whole evaluation over folds of any zoos, as plain JSON. */
export function foldInReport(folds: readonly FoldInFold[], grid: readonly FoldInSettings[] = STRENGTHS.flatMap((strength) => POOLS.map((pool) => ({ strength, pool })))): FoldInReport {
  const zooIds = [...new Set(folds.map((f) => f.zoo))];
  const zoos = zooIds.map((zoo): ZooReport => {
    const fs = folds.filter((f) => f.zoo === zoo);
    // Every curve for every strength, once: selection and report read the same numbers.
    const curves = fs.map((f) => grid.map((s) => ({ tryFirst: revealCurve(f, "tryFirst", s), top: revealCurve(f, "top", s) })));
    const crit = fs.map((_, i) => grid.map((_, j) => criterion(curves[i][j].tryFirst)));
    const pick = (tasks: readonly number[]) => {
      let best = 0;
      let bestVal = Number.NEGATIVE_INFINITY;
      grid.forEach((_, j) => {
        const v = avg(tasks.map((i) => crit[i][j]));
        if (v > bestVal + 1e-12) [best, bestVal] = [j, v];
      });
      return best;
    };
    const all = fs.map((_, i) => i);
    const tasks = fs.map((f, i): TaskReport => {
      const j = fs.length > 1 ? pick(all.filter((k) => k !== i)) : pick(all);
      return { task: f.task, nModels: f.truth.size, settings: grid[j], curves: curves[i][j] };
    });
    return {
      zoo,
      settings: grid[pick(all)],
      grid: grid.map((s, j) => ({ ...s, criterion: avg(all.map((i) => crit[i][j])) })),
      tasks,
      mean: { tryFirst: meanCurve(tasks.map((t) => t.curves.tryFirst)), top: meanCurve(tasks.map((t) => t.curves.top)) },
    };
  });
  return { grid: [...grid], reveals: Array.from({ length: MAX_REVEAL }, (_, i) => i + 1), targetReveal: TARGET_REVEAL, zoos };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "—");
const sgn = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}` : "—");
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "—");

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

/** Mean gain in weighted τ (after − before) against r, one line per zoo and strategy. */
export function foldInSvg(report: FoldInReport): string {
  const W = 560;
  const H = 320;
  const m = { l: 56, r: 170, t: 24, b: 44 };
  const series = report.zoos.flatMap((z) => STRATEGIES.map((s) => ({ name: `${z.zoo}, ${s === "tryFirst" ? "try-first picks" : "top of ranking"}`, dash: s === "top", pts: z.mean[s].map((p) => [p.r, p.gain] as const) })));
  const ys = series.flatMap((s) => s.pts.map((p) => p[1])).filter(Number.isFinite);
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0.01, ...ys);
  const pad = (hi - lo) * 0.1;
  const y0 = lo - pad;
  const y1 = hi + pad;
  const X = (r: number) => m.l + ((r - 1) / (MAX_REVEAL - 1)) * (W - m.l - m.r);
  const Y = (v: number) => m.t + (1 - (v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const ticks = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>Gain in weighted τ on the unrevealed models after folding in r measured results</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${m.l}" y1="${Y(0).toFixed(1)}" x2="${W - m.r}" y2="${Y(0).toFixed(1)}" stroke="#999" stroke-dasharray="2 2"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`,
  ];
  for (const t of ticks) parts.push(`<text x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${t.toFixed(3)}</text>`);
  for (let r = 1; r <= MAX_REVEAL; r++) parts.push(`<text x="${X(r).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${r}</text>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">results revealed (r)</text>`);
  parts.push(`<text x="14" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(m.t + H - m.b) / 2})">Δ weighted τ (unrevealed)</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[Math.floor(i / 2) % COLOURS.length];
    const pts = s.pts.filter((p) => Number.isFinite(p[1]));
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${s.dash ? ' stroke-dasharray="6 4"' : ""} points="${pts.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ")}"/>`);
    for (const p of pts) parts.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3" fill="${colour}"/>`);
    const ly = m.t + 10 + i * 18;
    parts.push(`<line x1="${W - m.r + 10}" y1="${ly}" x2="${W - m.r + 34}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dash ? ' stroke-dasharray="6 4"' : ""}/>`);
    parts.push(`<text x="${W - m.r + 38}" y="${ly + 4}">${s.name}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** A markdown section (tables per zoo: the r curve and the per-task figures at TARGET_REVEAL)
 * and the SVG figure it links to. */
export function foldInMarkdown(report: FoldInReport, figurePath = "figures/fold-in.svg"): { markdown: string; svg: string } {
  const L: string[] = [];
  L.push("## Folding in your own results");
  L.push("");
  L.push(
    "Leave-one-task-out: each held-out task's zoo is rebuilt without it; r of its true results are revealed and folded into the ranking (`src/core/task/observed.ts`); " +
      "weighted τ is measured on the models **not** revealed, before (the same ranking without them) and after, beside the task-agnostic prior. " +
      "Revealed models are either the tool's own try-first picks (`src/core/task/tryFirst.ts`, recomputed after each reveal) or the top r of the ranking before any reveal. " +
      "The fold-in strength λ and the try-first pool (the share of the ranking's top it picks from) of each task are chosen on the zoo's other held-out tasks only (nested); the page and CLI ship the choice over all tasks. " +
      "“Best found” is how often the truly best model is among the revealed ones or the new top 3.",
  );
  L.push("");
  L.push(`![Gain in weighted τ against r](${figurePath})`);
  for (const z of report.zoos) {
    L.push("");
    L.push(`### ${z.zoo} (${z.tasks.length} held-out tasks; selected over all tasks: λ = ${z.settings.strength}, pool ${z.settings.pool * 100}%)`);
    L.push("");
    L.push("| r | prior τ | before τ | after τ, try-first | Δ | best found | after τ, top-r | Δ | best found | best found without fold-in (try-first) |");
    L.push("|---|---|---|---|---|---|---|---|---|---|");
    for (let i = 0; i < MAX_REVEAL; i++) {
      const a = z.mean.tryFirst[i];
      const b = z.mean.top[i];
      L.push(`| ${a.r} | ${f3(a.tauPrior)} | ${f3(a.tauBefore)} | ${f3(a.tauAfter)} | ${sgn(a.gain)} | ${pct(a.bestFoundAfter)} | ${f3(b.tauAfter)} | ${sgn(b.gain)} | ${pct(b.bestFoundAfter)} | ${pct(a.bestFoundBefore)} |`);
    }
    L.push("");
    L.push("(“before τ” is shown for the try-first reveal set; the top-r rows compare with their own before, Δ.)");
    L.push("");
    L.push(`Per task at r = ${report.targetReveal} (try-first picks, nested λ):`);
    L.push("");
    L.push("| task | models | λ, pool | revealed | prior τ | before τ | after τ | Δ | best found |");
    L.push("|---|---|---|---|---|---|---|---|---|");
    for (const t of z.tasks) {
      const p = t.curves.tryFirst[report.targetReveal - 1];
      if (!p) continue;
      L.push(`| ${t.task} | ${t.nModels} | ${t.settings.strength}, ${t.settings.pool * 100}% | ${p.revealed.map((m) => `\`${m}\``).join(", ")} | ${f3(p.tauPrior)} | ${f3(p.tauBefore)} | ${f3(p.tauAfter)} | ${sgn(p.tauAfter - p.tauBefore)} | ${p.bestFoundAfter ? "yes" : "no"} |`);
    }
    L.push("");
    L.push(`Selection criterion (mean Δτ of the try-first curve over r = 2..5, all tasks) by λ / pool: ${z.grid.map((b) => `${b.strength}/${b.pool * 100}%: ${sgn(b.criterion)}`).join("; ")}.`);
  }
  return { markdown: L.join("\n") + "\n", svg: foldInSvg(report) + "\n" };
}
