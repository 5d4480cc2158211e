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

/** Missing numbers sort last whichever way the column is sorted. */
const num = (v: number | null) => (v === null ? undefined : v);

export const COLUMNS: ColumnDef<Row>[] = [
  { id: "rank", header: "Rank", accessorKey: "rank", size: 64, enableHiding: false },
  {
    id: "model",
    header: "Model",
    accessorFn: (r) => r.model.name,
    cell: ({ row }) =>
      row.original.model.library === "user" ? (
        <span>{row.original.model.name}</span>
      ) : (
      <>
      <a href={row.original.model.url} target="_blank" rel="noopener noreferrer" title={`${row.original.model.sourceId} on its hub (opens a new tab)`} onClick={(e) => e.stopPropagation()}>
        {row.original.model.name}
      </a>
      {row.original.observed !== undefined && (
        <span className="badge observed" data-testid="observed-badge" title="You entered this result; the model is ranked by it">
          measured by you: {row.original.observed}
        </span>
      )}
      </>
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
