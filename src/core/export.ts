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
  url: string;
}

export function exportRows(ranking: readonly RankedModel[], models: readonly ZooModel[]): ExportRow[] {
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
}): string {
  return JSON.stringify(
    {
      tool: "Fennec Web",
      bundle: input.bundleHash,
      zoo: input.zoo.zoo,
      zoo_hash: input.zoo.hash,
      task: input.descriptor,
      settings: input.settings,
      ranking: input.rows,
    },
    null,
    2,
  );
}
