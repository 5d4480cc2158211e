import type { ColumnDef } from "@tanstack/react-table";
import type { ZooModel } from "../../core/bundle/schema.ts";
import { formatCount } from "../format.ts";

export interface Row {
  rank: number;
  score: number;
  model: ZooModel;
  /** The person's own measured result on this task, when entered. */
  observed?: number;
}

/** The table's main result column: on a phone, each row shows rank, name and this column only,
 * and it can never be hidden. One constant, so a new result column can take its place. */
export const MAIN_COLUMN = "score";
/** Always shown, on every screen. */
export const PHONE_COLUMNS: readonly string[] = ["rank", "model", MAIN_COLUMN];

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
  { id: "score", header: "Predicted score", accessorKey: "score", cell: ({ getValue }) => (getValue() as number).toFixed(3), size: 110, sortDescFirst: true },
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

export const DEFAULT_HIDDEN = ["flops", "input"];

/** Columns with no value for any model of the zoo (ImageNet top-1 in the hub and classic zoos):
 * left out of the table and of the column chooser rather than shown as a column of dashes. */
export function emptyColumns(models: readonly ZooModel[]): string[] {
  const has = (f: (m: ZooModel) => unknown) => models.some((m) => f(m) !== null && f(m) !== undefined);
  const checks: Record<string, (m: ZooModel) => unknown> = {
    params: (m) => m.params,
    flops: (m) => m.flops,
    input: (m) => m.inputSize,
    top1: (m) => m.imagenetTop1,
  };
  return Object.entries(checks)
    .filter(([, f]) => !has(f))
    .map(([id]) => id);
}
