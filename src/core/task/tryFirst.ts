import { groupRankingByBackbone } from "../backbone.ts";
import type { Zoo } from "../bundle/schema.ts";
import type { RankedModel } from "../ranking.ts";
import type { FoldInSpace, Observation } from "./observed.ts";

/**
 * Which models to fine-tune first: likely good (drawn from the top of the current ranking) and
 * informative (each adds the most to what the fold-in learns about the task vector).
 *
 * Information is the D-optimal gain of the fold-in's own fit: with the level free, a set S of
 * measured models constrains q = [θ, b] through the centred design rows of S, so the precision is
 * M(S) = λ·penalty + Σ_{m∈S} (x_m − x̄_S)(x_m − x̄_S)ᵀ and a candidate is worth
 * log det M(S ∪ {m}) − log det M(S). A near-copy of a measured model adds almost nothing, so the
 * list spreads across the directions in which tasks differ rather than five ConvNeXts. With
 * nothing measured yet no single result can re-rank (it only sets the level), so the first pick is
 * simply the best-scored model.
 */

export interface TryFirstItem {
  model: string;
  /** Position in the current ranking (1 = best). */
  rank: number;
  /** log-det gain of measuring it (0: it only sets the level). */
  gain: number;
  reason: string;
}

export interface TryFirstOptions {
  /** How many models to propose (default 3). */
  count?: number;
  /** Candidates are the best unmeasured models of the current ranking: this share of the zoo
   * (see poolSize). */
  pool?: number;
}

export const TRY_FIRST_COUNT = 3;
/** Proposals come from this top of the ranking: what a practitioner would call credible. */
export const TRY_FIRST_TOP = 15;

/** The candidate pool: a share of the zoo's top, at least a few more than the list and at most
 * 60, so every proposal is also a plausible winner. */
export function poolSize(nModels: number, count: number, share = 0.25): number {
  return Math.min(nModels, Math.max(count + 3, Math.min(60, Math.ceil(nModels * share))));
}

function logDet(M: readonly number[], n: number): number {
  const L = [...M];
  let s = 0;
  for (let j = 0; j < n; j++) {
    let diag = L[j * n + j];
    for (let k = 0; k < j; k++) diag -= L[j * n + k] ** 2;
    if (!(diag > 0)) return Number.NEGATIVE_INFINITY;
    const ljj = Math.sqrt(diag);
    L[j * n + j] = ljj;
    s += 2 * Math.log(ljj);
    for (let i = j + 1; i < n; i++) {
      let v = L[i * n + j];
      for (let k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / ljj;
    }
  }
  return s;
}

/** Precision of q after measuring `set` (indices into sp.rows), the level marginalised. */
function precision(sp: FoldInSpace, set: readonly number[]): number[] {
  const n = sp.v0.length + 1;
  const M = [...sp.penalty];
  if (set.length < 2) return M;
  const mean = new Array<number>(n).fill(0);
  for (const m of set) for (let i = 0; i < n; i++) mean[i] += sp.rows[m][1 + i] / set.length;
  for (const m of set) {
    const x = sp.rows[m];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] += (x[1 + i] - mean[i]) * (x[1 + j] - mean[j]);
  }
  return M;
}

/**
 * The try-first list for the current ranking (best first, as returned by foldIn) given what has
 * been measured. Each later pick assumes the earlier ones will be measured, so the three are
 * informative together, not three times the same direction.
 */
export function tryFirst(
  zoo: { models: readonly Pick<Zoo["models"][number], "id" | "family" | "backbone">[] },
  sp: FoldInSpace,
  ranking: readonly RankedModel[],
  observed: readonly Observation[],
  opts: TryFirstOptions = {},
): TryFirstItem[] {
  const count = opts.count ?? TRY_FIRST_COUNT;
  const measured = new Set(observed.map((o) => o.model));
  const rankOf = new Map(ranking.map((r, i) => [r.model, i + 1]));
  const byId = new Map(zoo.models.map((m) => [m.id, m]));
  const backboneOf = (id: string) => byId.get(id)?.backbone ?? id;
  const top = new Set(ranking.slice(0, TRY_FIRST_TOP).map((r) => r.model));
  // One proposal per backbone: a re-upload or a small fine-tune of a proposed or measured
  // checkpoint says almost nothing new (and nobody fine-tunes two copies of one model).
  const taken = new Set(observed.map((o) => backboneOf(o.model)));
  // Each backbone is represented by its best-ranked member: the row the table shows for it.
  const heads = new Set(groupRankingByBackbone(ranking, zoo.models).map((g) => g.model));
  const candidates = ranking.filter((r) => heads.has(r.model)).filter((r) => sp.index.has(r.model) && !measured.has(r.model) && top.has(r.model)).slice(0, poolSize(sp.ids.length, count, opts.pool));
  const n = sp.v0.length + 1;
  const chosen: number[] = observed.map((o) => sp.index.get(o.model)).filter((i): i is number => i !== undefined);
  const out: TryFirstItem[] = [];
  while (out.length < count && out.length < candidates.length) {
    const before = logDet(precision(sp, chosen), n);
    let best: { r: RankedModel; gain: number } | null = null;
    for (const r of candidates) {
      if (out.some((o) => o.model === r.model) || taken.has(backboneOf(r.model))) continue;
      const gain = logDet(precision(sp, [...chosen, sp.index.get(r.model)!]), n) - before;
      // Candidates come best-scored first: a later one must add clearly more to be preferred.
      if (!best || gain > best.gain + 1e-9) best = { r, gain };
    }
    if (!best) break;
    const rank = rankOf.get(best.r.model)!;
    const family = byId.get(best.r.model)?.family ?? "model";
    const pickedIdx = chosen.map((i) => sp.ids[i]);
    const reason =
      best.gain < 1e-6
        ? `#${rank} by predicted score, the likeliest winner; its result sets the level for the rest.`
        : `#${rank} by predicted score; a ${family} whose transfer profile differs most from ${pickedIdx.length === 1 ? pickedIdx[0] : `the ${pickedIdx.length} models measured or proposed before it`}, so its result says most about how the rest rank.`;
    out.push({ model: best.r.model, rank, gain: best.gain, reason });
    taken.add(backboneOf(best.r.model));
    chosen.push(sp.index.get(best.r.model)!);
  }
  return out;
}
