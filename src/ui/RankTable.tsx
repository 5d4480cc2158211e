import { useMemo, useRef } from "react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { ZooModel } from "../core/bundle/schema.ts";
import type { RankedModel } from "../core/ranking.ts";
import { useApp } from "../store/appStore.ts";
import { formatCount } from "./format.ts";

export interface Row {
  rank: number;
  score: number;
  model: ZooModel;
}

const columns: ColumnDef<Row>[] = [
  { id: "rank", header: "Rank", accessorKey: "rank", size: 60 },
  {
    id: "model",
    header: "Model",
    accessorFn: (r) => r.model.name,
    cell: ({ row }) => (
      <a href={row.original.model.url} target="_blank" rel="noopener noreferrer" title={`Open ${row.original.model.sourceId} on its hub`}>
        {row.original.model.name}
      </a>
    ),
    size: 320,
  },
  { id: "family", header: "Family", accessorFn: (r) => r.model.family, size: 110 },
  { id: "params", header: "Params", accessorFn: (r) => r.model.params ?? -1, cell: ({ row }) => formatCount(row.original.model.params), size: 80, sortDescFirst: true },
  { id: "pretraining", header: "Pre-training data", accessorFn: (r) => r.model.pretraining, size: 220 },
  { id: "score", header: "Predicted score", accessorKey: "score", cell: ({ getValue }) => (getValue() as number).toFixed(3), size: 110, sortDescFirst: true },
];

/** Searchable text of a row: name, id, family and pre-training data. */
const searchText = (r: Row) => `${r.model.name} ${r.model.id} ${r.model.family} ${r.model.pretraining}`.toLowerCase();

export function RankTable({ ranking, models }: { ranking: RankedModel[]; models: readonly ZooModel[] }) {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const byId = useMemo(() => new Map(models.map((m) => [m.id, m])), [models]);
  const data = useMemo<Row[]>(() => ranking.map((r, i) => ({ rank: i + 1, score: r.score, model: byId.get(r.model)! })), [ranking, byId]);
  const sorting: SortingState = view.sort ? [view.sort] : [];

  const table = useReactTable({
    data,
    columns,
    state: { sorting, globalFilter: view.q },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      setView({ sort: next[0] ?? null });
    },
    globalFilterFn: (row, _id, q: string) => searchText(row.original).includes(q.trim().toLowerCase()),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (r) => r.model.id,
  });
  const rows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 12 });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;

  return (
    <>
      <div className="table-tools">
        <label>
          Search models{" "}
          <input
            type="search"
            data-testid="filter-search"
            value={view.q}
            placeholder="name, family, pre-training…"
            onChange={(e) => setView({ q: e.currentTarget.value })}
          />
        </label>
        <span aria-live="polite" className="row-count">
          {rows.length} of {data.length} models
        </span>
      </div>
      <div className="table-scroll" ref={scroller}>
        <table data-testid="rank-table" aria-rowcount={rows.length + 1}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th key={h.id} style={{ width: h.getSize() }} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
                      <button type="button" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden="true">{dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : ""}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} style={{ height: padTop, padding: 0, border: 0 }} />
              </tr>
            )}
            {items.map((vi) => {
              const row = rows[vi.index];
              return (
                <tr key={row.id} data-testid="rank-row" data-model-id={row.original.model.id} aria-rowindex={vi.index + 2}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} style={{ height: padBottom, padding: 0, border: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
