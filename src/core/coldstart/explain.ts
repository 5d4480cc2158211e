import type { Zoo, ZooModel } from "../bundle/schema.ts";

/** Why a predicted (cold-start) model sits where it does, for the model panel. */
export interface PredictedModelExplanation {
  /** 1-based position in the given ranking (or by the zoo's task-agnostic prior), and of how many. */
  rank: number;
  of: number;
  /** What the zoo's order comes from (zoo.rankedBy; absent means the predictor). */
  rankedBy: NonNullable<Zoo["rankedBy"]>;
  /** ImageNet-1k top-1 and its 1-based position among the zoo's models that have one. */
  top1: { value: number; rank: number; of: number } | null;
  pretraining: string;
  /** Measured models nearest in architecture: their fitted vectors pull the prediction. */
  relatives: { id: string; cosine: number }[];
  /** Other models of the same backbone (resolution variants, re-uploads). */
  variants: string[];
  /** The same facts as sentences, most telling first. */
  lines: string[];
}

/** The cosine from which a measured model counts as a near relative (the cold-start neighbour
 * correction's weight, exp((cos − 1)/0.05), is 2 % there and negligible below). */
export const NEAR_RELATIVE = 0.8;

const fmt = (n: number) => n.toLocaleString("en-US");

/** 1-based position of `id` when `models` are ordered by `key`, best (largest) first, ties by id
 * (the order rankings use). */
function positionBy(models: readonly ZooModel[], id: string, key: (m: ZooModel) => number | null): { rank: number; of: number } | null {
  const have = models.filter((m) => key(m) !== null);
  const me = have.find((m) => m.id === id);
  if (!me) return null;
  const v = key(me)!;
  const ahead = have.filter((m) => key(m)! > v || (key(m)! === v && m.id < id)).length;
  return { rank: ahead + 1, of: have.length };
}

/**
 * Explains a predicted model's place: where the ranking puts it and what the prediction rests on
 * (its ImageNet top-1 and where that stands in the zoo, its pre-training, the measured models
 * nearest in architecture). `ranking` is the current order (best first); without it the zoo's
 * task-agnostic prior orders the models. Throws for an unknown id.
 */
export function explainPredictedModel(zoo: Pick<Zoo, "models" | "rankedBy">, modelId: string, ranking?: readonly { model: string }[]): PredictedModelExplanation {
  const m = zoo.models.find((x) => x.id === modelId);
  if (!m) throw new Error(`no model ${modelId} in this zoo`);
  const rankedBy = zoo.rankedBy ?? "predictor";
  const fromRanking = ranking ? ranking.findIndex((r) => r.model === modelId) : -1;
  const pos = fromRanking >= 0 ? { rank: fromRanking + 1, of: ranking!.length } : positionBy(zoo.models, modelId, (x) => x.prior)!;
  const t = positionBy(zoo.models, modelId, (x) => x.imagenetTop1);
  const top1 = t && m.imagenetTop1 !== null ? { value: m.imagenetTop1, ...t } : null;
  const relatives = m.relatives ?? [];
  const variants = m.backbone ? zoo.models.filter((x) => x.backbone === m.backbone && x.id !== m.id).map((x) => x.id).sort() : [];

  const lines: string[] = [];
  const basis =
    rankedBy === "predictor"
      ? "its predicted transfer (no fine-tuning result of it is measured)"
      : rankedBy === "imagenetTop1"
        ? "ImageNet-1k top-1 alone, the same for every folder (the predictor did not beat it)"
        : "parameter count alone, the same for every folder (the predictor did not beat it)";
  lines.push(`#${fmt(pos.rank)} of ${fmt(pos.of)}, ranked by ${basis}.`);
  if (top1) lines.push(`ImageNet-1k top-1 ${top1.value.toFixed(1)} %, #${fmt(top1.rank)} of ${fmt(top1.of)} in this zoo.`);
  if (m.pretraining) lines.push(`Pre-training: ${m.pretraining}.`);
  const near = relatives.filter((r) => r.cosine >= NEAR_RELATIVE);
  if (rankedBy === "predictor" && near.length)
    lines.push(
      `Nearest measured relatives by architecture: ${near.map((r) => `${r.id} (cosine ${r.cosine.toFixed(2)})`).join(", ")}; ` +
        "what they did beyond their size and ImageNet accuracy shifts this prediction.",
    );
  else if (rankedBy === "predictor" && relatives.length)
    lines.push(
      `No measured model is close in architecture (nearest: ${relatives[0].id}, cosine ${relatives[0].cosine.toFixed(2)}), ` +
        "so the prediction rests on its size, ImageNet top-1 and pre-training alone.",
    );
  if (variants.length) lines.push(`Same backbone: ${variants.join(", ")}.`);
  return { rank: pos.rank, of: pos.of, rankedBy, top1, pretraining: m.pretraining, relatives, variants, lines };
}
