import type { ColumnDef } from "@tanstack/react-table";
import type { ZooModel } from "../../core/bundle/schema.ts";
import type { PredictedValue } from "../../core/task/predicted.ts";
import { formatCount, formatPredicted } from "../format.ts";

export interface Row {
  rank: number;
  score: number;
  model: ZooModel;
  /** The person's own measured result on this task, when entered. */
  observed?: number;
  /** Predicted result in the zoo's units with its 80% interval, and how to print it. */
  predicted?: PredictedValue;
  metric: string;
  /** The row's backbone (src/core/backbone.ts) and, on the row that stands for it when the table
   * shows one row per backbone, its other members and one fine-tuned on data like the task's. */
  backbone: string;
  group?: { variants: string[]; similar: { model: string; data: string; cosine: number } | null };
}

/** The table's main result column: on a phone, each row shows rank, name and this column only,
 * and it can never be hidden. The predicted result where the zoo is calibrated, else the score. */
export const mainColumn = (calibrated: boolean) => (calibrated ? "predicted" : "score");
/** Always shown, on every screen. */
export const phoneColumns = (main: string): readonly string[] => ["rank", "model", main];

/** Missing numbers sort last whichever way the column is sorted. */
const num = (v: number | null) => (v === null ? undefined : v);

export const COLUMNS: ColumnDef<Row>[] = [
  // Rank 1 is the best: the first click sorts best-first (TanStack starts numbers descending).
  { id: "rank", header: "Rank", accessorKey: "rank", size: 64, enableHiding: false, sortDescFirst: false },
  {
    id: "model",
    header: "Model",
    accessorFn: (r) => r.model.name,
    // The name opens the model's panel (the click reaches the row); the hub page is a separate,
    // marked link. Neither is a tab stop: the row is (roving focus), and the panel has both.
    cell: ({ row }) => (
      <span className="model-cell">
        <button type="button" className="model-name" tabIndex={-1} title={`Details of ${row.original.model.name}`}>
          {row.original.model.name}
        </button>
        {row.original.group && row.original.group.variants.length > 0 && (
          <button type="button" className="badge variants" tabIndex={-1} data-testid="variants" data-expand={row.original.backbone} title={`Show the other ${row.original.group.variants.length} checkpoint(s) of this backbone`}>
            +{row.original.group.variants.length} variant{row.original.group.variants.length > 1 ? "s" : ""}
          </button>
        )}
        {row.original.group?.similar && row.original.group.similar.model !== row.original.model.id && (
          <span className="badge similar" title="A checkpoint of this backbone fine-tuned on data your images resemble">
            {row.original.group.similar.model} was fine-tuned on {row.original.group.similar.data}, like your images
          </span>
        )}
        {row.original.observed !== undefined && (
          <span className="badge observed" data-testid="observed-badge" title="You entered this result; the model is ranked by it">
            measured by you: {row.original.observed}
          </span>
        )}
        {row.original.model.library !== "user" && (
          <a
            className="model-page"
            href={row.original.model.url}
            target="_blank"
            rel="noopener noreferrer"
            tabIndex={-1}
            title={`${row.original.model.sourceId} on its hub (opens a new tab)`}
            aria-label={`model page of ${row.original.model.name} (opens a new tab)`}
            onClick={(e) => e.stopPropagation()}
          >
            model page ↗
          </a>
        )}
      </span>
    ),
    size: 300,
    enableHiding: false,
  },
  // Right after the name: what a person reads first, and still in view beside an open panel.
  {
    id: "predicted",
    header: "Predicted result (80%)",
    accessorFn: (r) => r.predicted?.value,
    cell: ({ row }) =>
      row.original.predicted ? (
        <span data-testid="predicted" title={`Predicted ${row.original.metric}, with the range that held 80% of results on held-out tasks`}>
          {formatPredicted({ metric: row.original.metric }, row.original.predicted)}
        </span>
      ) : (
        "—"
      ),
    size: 130,
    sortDescFirst: true,
    sortUndefined: "last",
  },
  { id: "family", header: "Family", accessorFn: (r) => r.model.family, size: 110 },
  { id: "params", header: "Params", accessorFn: (r) => num(r.model.params), cell: ({ row }) => formatCount(row.original.model.params), size: 84, sortDescFirst: true, sortUndefined: "last" },
  { id: "flops", header: "FLOPs", accessorFn: (r) => num(r.model.flops), cell: ({ row }) => formatCount(row.original.model.flops), size: 84, sortDescFirst: true, sortUndefined: "last" },
  { id: "input", header: "Input", accessorFn: (r) => num(r.model.inputSize), cell: ({ row }) => row.original.model.inputSize ?? "—", size: 66, sortUndefined: "last" },
  { id: "pretraining", header: "Pre-training data", accessorFn: (r) => r.model.pretraining, size: 210 },
  {
    id: "top1",
    header: "ImageNet top-1",
    accessorFn: (r) => num(r.model.imagenetTop1),
    cell: ({ row }) => (row.original.model.imagenetTop1 === null ? "—" : `${row.original.model.imagenetTop1.toFixed(1)}%`),
    size: 100,
    sortDescFirst: true,
    sortUndefined: "last",
  },
  { id: "score", header: "Score (z)", accessorKey: "score", cell: ({ getValue }) => (getValue() as number).toFixed(3), size: 90, sortDescFirst: true },
  {
    id: "kind",
    header: "Basis",
    accessorFn: (r) => (r.model.measured ? "measured" : "predicted"),
    cell: ({ row }) =>
      row.original.model.library === "user" ? (
        <span className="badge yours" title="Your ONNX model: its vector is predicted from its graph alone">yours, predicted</span>
      ) : row.original.model.measured ? (
        <span className="badge measured" title="Its transfer vector is learned from measured fine-tuning results">measured</span>
      ) : (
        <span className="badge predicted" title="Its transfer vector is predicted from its architecture and ImageNet results, not measured">predicted</span>
      ),
    size: 96,
  },
];

export const DEFAULT_HIDDEN = ["flops", "input", "score"];

/** Columns with no value for any model of the zoo (ImageNet top-1 in the hub and classic zoos):
 * left out of the table and of the column chooser rather than shown as a column of dashes. */
export function emptyColumns(models: readonly ZooModel[], calibrated = true): string[] {
  const has = (f: (m: ZooModel) => unknown) => models.some((m) => f(m) !== null && f(m) !== undefined);
  const checks: Record<string, (m: ZooModel) => unknown> = {
    params: (m) => m.params,
    flops: (m) => m.flops,
    input: (m) => m.inputSize,
    top1: (m) => m.imagenetTop1,
  };
  return [
    ...Object.entries(checks)
      .filter(([, f]) => !has(f))
      .map(([id]) => id),
    ...(calibrated ? [] : ["predicted"]),
  ];
}
