import Papa from "papaparse";
import type { Zoo, ZooModel } from "./bundle/schema.ts";
import type { RankedModel } from "./ranking.ts";
import type { TaskDescriptor } from "./task/descriptor.ts";

export interface ExportRow {
  rank: number;
  model: string;
  name: string;
  family: string;
  params: number | null;
  flops: number | null;
  input_size: number | null;
  pretraining: string;
  imagenet_top1: number | null;
  predicted_score: number;
  measured: boolean;
  /** The result the person measured on this task (the zoo's metric), else null. */
  measured_by_you: number | null;
  url: string;
}

export function exportRows(ranking: readonly RankedModel[], models: readonly ZooModel[], observed: ReadonlyMap<string, number> = new Map()): ExportRow[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  return ranking.map((r, i) => {
    const m = byId.get(r.model)!;
    return {
      rank: i + 1,
      model: m.id,
      name: m.name,
      family: m.family,
      params: m.params,
      flops: m.flops,
      input_size: m.inputSize,
      pretraining: m.pretraining,
      imagenet_top1: m.imagenetTop1,
      predicted_score: Number(r.score.toFixed(6)),
      measured: m.measured,
      measured_by_you: observed.get(m.id) ?? null,
      url: m.url,
    };
  });
}

/** CSV through papaparse, so names with commas, quotes or newlines stay one cell. Cells that a
 * spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote. */
export function rankingCsv(rows: readonly ExportRow[]): string {
  return Papa.unparse(rows as ExportRow[], { escapeFormulae: true, newline: "\n" });
}

export function rankingJson(input: {
  rows: readonly ExportRow[];
  zoo: Zoo;
  bundleHash: string;
  descriptor: TaskDescriptor;
  settings: Record<string, unknown>;
  /** The measured results folded into this ranking. */
  observed?: readonly { model: string; value: number }[];
  /** Models proposed to fine-tune first, best first, with why. */
  tryFirst?: readonly { model: string; reason: string }[];
}): string {
  return JSON.stringify(
    {
      tool: "Fennec Web",
      bundle: input.bundleHash,
      zoo: input.zoo.zoo,
      zoo_hash: input.zoo.hash,
      task: input.descriptor,
      settings: input.settings,
      observed: input.observed ?? [],
      tryFirst: input.tryFirst ?? [],
      ranking: input.rows,
    },
    null,
    2,
  );
}
