import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { defaultRangeExtractor, useVirtualizer, type Range } from "@tanstack/react-virtual";
import type { ZooModel } from "../../core/bundle/schema.ts";
import { matchesFilters } from "../../core/filters.ts";
import type { RankedModel } from "../../core/ranking.ts";
import { useApp } from "../../store/appStore.ts";
import { useNarrow } from "../useNarrow.ts";
import { COLUMNS, DEFAULT_HIDDEN, emptyColumns, MAIN_COLUMN, PHONE_COLUMNS, type Row } from "./columns.tsx";
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

/** Moves keyboard focus to a model's row (scrolled into view first: the table is virtualised).
 * The detail panel calls it when it closes, so focus goes back where the person was. */
let focusRowImpl: ((id: string) => void) | null = null;
export function focusRow(id: string): void {
  focusRowImpl?.(id);
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
  // What is shown: the person's choice, less the columns this zoo has no value in, and always the
  // main result column. The stored choice keeps only what the person chose.
  const empty = useMemo(() => emptyColumns(models), [models]);
  const shown = useMemo<VisibilityState>(() => ({ ...visibility, ...Object.fromEntries(empty.map((id) => [id, false])), [MAIN_COLUMN]: true }), [visibility, empty]);

  const table = useReactTable({
    data,
    columns: COLUMNS,
    state: { sorting, globalFilter: view, columnVisibility: shown },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      setView({ sort: next[0] ?? null });
    },
    globalFilterFn: (row) => matchesFilters(row.original.model, view.filters, view.q),
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: (r) => r.model.id,
  });
  const rows = table.getRowModel().rows;
  useEffect(() => onRows?.(rows.map((r) => r.original)), [rows, onRows]);

  // Roving focus: the table is one tab stop, the active row; arrows, Home/End and Page keys move it.
  const [activeId, setActiveId] = useState<string | null>(null);
  const activeIndex = Math.max(0, activeId === null ? 0 : rows.findIndex((r) => r.id === activeId));
  const active = rows[activeIndex]?.id ?? null;
  const scroller = useRef<HTMLDivElement>(null);
  // The active row stays rendered wherever the table is scrolled, so focus is never lost to it.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const r = defaultRangeExtractor(range);
      if (rows.length && !r.includes(activeIndex)) {
        r.push(activeIndex);
        r.sort((a, b) => a - b);
      }
      return r;
    },
    [activeIndex, rows.length],
  );
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 12, rangeExtractor, getItemKey: (i) => rows[i]?.id ?? i });
  const items = virtual.getVirtualItems();
  const pendingFocus = useRef<string | null>(null);
  const moveTo = useCallback(
    (index: number) => {
      if (!rows.length) return;
      const i = Math.min(rows.length - 1, Math.max(0, index));
      setActiveId(rows[i].id);
      pendingFocus.current = rows[i].id;
      virtual.scrollToIndex(i, { align: "auto" });
    },
    [rows, virtual],
  );
  // Focus follows the active row once it is rendered (a scroll may have to render it first).
  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    let tries = 0;
    let frame = 0;
    const attempt = () => {
      const el = scroller.current?.querySelector<HTMLElement>(`tr[data-model-id="${CSS.escape(id)}"]`);
      if (el) {
        pendingFocus.current = null;
        el.focus({ preventScroll: false });
      } else if (tries++ < 10) frame = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  });
  useEffect(() => {
    focusRowImpl = (id) => {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) moveTo(i);
    };
    return () => {
      focusRowImpl = null;
    };
  }, [rows, moveTo]);
  const perPage = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 360) / 36) - 1);
  const onRowKey = (e: KeyboardEvent, index: number, id: string) => {
    const to: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1, PageDown: index + perPage, PageUp: index - perPage };
    if (e.key in to) {
      e.preventDefault();
      moveTo(to[e.key]);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open(id);
    } else if (e.key === "Escape" && view.open) {
      e.preventDefault();
      setView({ open: null });
    }
  };

  const narrow = useNarrow();
  const visibleCols = table.getVisibleLeafColumns();
  // The spacer rows span the columns on screen: a wider span would add empty columns that share
  // the width with the name on a phone (where the other columns are not displayed).
  const colCount = narrow ? visibleCols.filter((c) => PHONE_COLUMNS.includes(c.id)).length : visibleCols.length;
  const open = (id: string) => setView({ open: view.open === id ? null : id });
  const phoneClass = (id: string) => (PHONE_COLUMNS.includes(id) ? `col-keep${id === MAIN_COLUMN ? " col-main" : ""}` : "col-extra");

  const spacer = (key: string, height: number) =>
    height > 0 && (
      <tr key={key} aria-hidden="true" className="spacer">
        <td colSpan={colCount} style={{ height, padding: 0, border: 0 }} />
      </tr>
    );
  const body: ReactNode[] = [];
  let cursor = 0;
  for (const vi of items) {
    const row = rows[vi.index];
    if (!row) continue;
    body.push(spacer(`gap-${vi.index}`, vi.start - cursor));
    cursor = vi.end;
    const id = row.original.model.id;
    body.push(
      <tr
        key={row.id}
        ref={virtual.measureElement}
        data-index={vi.index}
        data-testid="rank-row"
        data-model-id={id}
        aria-rowindex={vi.index + 2}
        aria-current={view.open === id ? "true" : undefined}
        className={view.open === id ? "open" : undefined}
        tabIndex={id === active ? 0 : -1}
        onFocus={() => setActiveId(id)}
        onClick={() => {
          setActiveId(id);
          open(id);
        }}
        onKeyDown={(e) => onRowKey(e, vi.index, id)}
      >
        {row.getVisibleCells().map((cell) => (
          <td key={cell.id} data-column={cell.column.id} className={phoneClass(cell.column.id)}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        ))}
      </tr>,
    );
  }
  body.push(spacer("gap-end", virtual.getTotalSize() - cursor));

  const chooser = (
    <details className="filter">
      <summary>Columns</summary>
      <fieldset>
        <legend className="sr-only">Visible columns</legend>
        {table
          .getAllLeafColumns()
          .filter((c) => c.getCanHide() && c.id !== MAIN_COLUMN && !empty.includes(c.id))
          .map((c) => (
            <label key={c.id}>
              <input type="checkbox" checked={c.getIsVisible()} onChange={(e) => setVisibility((v) => ({ ...v, [c.id]: e.currentTarget.checked }))} data-testid={`column-${c.id}`} />
              {String(c.columnDef.header)}
            </label>
          ))}
      </fieldset>
    </details>
  );
  const tools = (
    <>
      <Filters models={models} />
      {chooser}
    </>
  );

  return (
    <>
      <div className="table-tools">
        <label>
          Search{" "}
          <input type="search" data-testid="filter-search" value={view.q} placeholder="name, family, pre-training…" onChange={(e) => setView({ q: e.currentTarget.value })} />
        </label>
        {narrow ? (
          // On a phone the filters fold away behind one line, so the table stays in view.
          <details className="tools-fold" data-testid="filters-fold">
            <summary>Filters and columns{Object.keys(view.filters).length ? ` (${Object.keys(view.filters).length} on)` : ""}</summary>
            {tools}
          </details>
        ) : (
          tools
        )}
        <span aria-live="polite" className="row-count" data-testid="row-count">
          {rows.length === data.length ? `${data.length} models` : `${rows.length} of ${data.length} models`}
        </span>
      </div>
      <p id="rank-table-keys" className="sr-only">
        One tab stop: arrow keys, Home and End move between models; Enter opens the model's details.
      </p>
      <div className="table-scroll" ref={scroller}>
        <table data-testid="rank-table" aria-rowcount={rows.length + 1} aria-label="Models ranked for your task" aria-describedby="rank-table-keys">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th key={h.id} style={{ width: h.getSize() }} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"} data-column={h.id} className={phoneClass(h.id)}>
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
          <tbody>{body}</tbody>
        </table>
        {rows.length === 0 && <p className="empty-table">No model matches these filters.</p>}
      </div>
    </>
  );
}
