import { useEffect, useMemo, useRef, useState } from "react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { ZooModel } from "../../core/bundle/schema.ts";
import { matchesFilters } from "../../core/filters.ts";
import type { RankedModel } from "../../core/ranking.ts";
import { useApp } from "../../store/appStore.ts";
import { COLUMNS, DEFAULT_HIDDEN, type Row } from "./columns.tsx";
import { Filters } from "./Filters.tsx";

const COLUMNS_KEY = "fennec.columns.v1";

function loadVisibility(): VisibilityState {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? "null");
    if (saved && typeof saved === "object") return saved as VisibilityState;
  } catch {
    /* unreadable preference: fall back to defaults */
  }
  return Object.fromEntries(DEFAULT_HIDDEN.map((id) => [id, false]));
}

/** Rows in the table's current filter and sort order, for export. */
export type VisibleRows = Row[];

export function RankTable({ ranking, models, onRows, observed }: { ranking: RankedModel[]; models: readonly ZooModel[]; onRows?: (rows: VisibleRows) => void; observed?: ReadonlyMap<string, number> }) {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const byId = useMemo(() => new Map(models.map((m) => [m.id, m])), [models]);
  const data = useMemo<Row[]>(() => ranking.map((r, i) => ({ rank: i + 1, score: r.score, model: byId.get(r.model)!, ...(observed?.has(r.model) && { observed: observed.get(r.model) }) })), [ranking, byId, observed]);
  // Stable identities matter: TanStack recomputes row models when state objects change.
  const sorting: SortingState = useMemo(() => (view.sort ? [view.sort] : []), [view.sort]);
  const [visibility, setVisibility] = useState<VisibilityState>(loadVisibility);
  useEffect(() => localStorage.setItem(COLUMNS_KEY, JSON.stringify(visibility)), [visibility]);

  const table = useReactTable({
    data,
    columns: COLUMNS,
    state: { sorting, globalFilter: view, columnVisibility: visibility },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      setView({ sort: next[0] ?? null });
    },
    onColumnVisibilityChange: setVisibility,
    globalFilterFn: (row) => matchesFilters(row.original.model, view.filters, view.q),
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (r) => r.model.id,
  });
  const rows = table.getRowModel().rows;
  useEffect(() => onRows?.(rows.map((r) => r.original)), [rows, onRows]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 12 });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  const colCount = table.getVisibleLeafColumns().length;
  const open = (id: string) => setView({ open: view.open === id ? null : id });

  return (
    <>
      <div className="table-tools">
        <label>
          Search{" "}
          <input type="search" data-testid="filter-search" value={view.q} placeholder="name, family, pre-training…" onChange={(e) => setView({ q: e.currentTarget.value })} />
        </label>
        <Filters models={models} />
        <details className="filter">
          <summary>Columns</summary>
          <fieldset>
            <legend className="sr-only">Visible columns</legend>
            {table
              .getAllLeafColumns()
              .filter((c) => c.getCanHide())
              .map((c) => (
                <label key={c.id}>
                  <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} data-testid={`column-${c.id}`} />
                  {String(c.columnDef.header)}
                </label>
              ))}
          </fieldset>
        </details>
        <span aria-live="polite" className="row-count" data-testid="row-count">
          {rows.length === data.length ? `${data.length} models` : `${rows.length} of ${data.length} models`}
        </span>
      </div>
      <div className="table-scroll" ref={scroller}>
        <table data-testid="rank-table" aria-rowcount={rows.length + 1} aria-label="Models ranked for your task">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th key={h.id} style={{ width: h.getSize() }} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"} data-column={h.id}>
                      <button type="button" onClick={h.column.getToggleSortingHandler()} title={`Sort by ${String(h.column.columnDef.header)}`}>
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
                <td colSpan={colCount} style={{ height: padTop, padding: 0, border: 0 }} />
              </tr>
            )}
            {items.map((vi) => {
              const row = rows[vi.index];
              const id = row.original.model.id;
              return (
                <tr
                  key={row.id}
                  data-testid="rank-row"
                  data-model-id={id}
                  aria-rowindex={vi.index + 2}
                  aria-selected={view.open === id}
                  className={view.open === id ? "open" : undefined}
                  tabIndex={0}
                  onClick={() => open(id)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      open(id);
                    }
                  }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={colCount} style={{ height: padBottom, padding: 0, border: 0 }} />
              </tr>
            )}
          </tbody>
        </table>
        {rows.length === 0 && <p className="empty-table">No model matches these filters.</p>}
      </div>
    </>
  );
}
