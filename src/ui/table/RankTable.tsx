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
import { groupRankingByBackbone } from "../../core/backbone.ts";
import type { PredictedValue } from "../../core/task/predicted.ts";
import { COLUMNS, DEFAULT_HIDDEN, emptyColumns, mainColumn, phoneColumns, type Row } from "./columns.tsx";
import { Filters } from "./Filters.tsx";

// v2: the predicted result became the main column and the raw score a hidden one.
const COLUMNS_KEY = "fennec.columns.v2";

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

/** Backbones whose fine-tuning data resembles the task at least this much are named on the row. */
const SIMILAR_DATA = 0.5;

export function RankTable({
  ranking,
  models,
  onRows,
  observed,
  predicted,
  metric,
  sims,
}: {
  ranking: RankedModel[];
  models: readonly ZooModel[];
  onRows?: (rows: VisibleRows) => void;
  observed?: ReadonlyMap<string, number>;
  /** The pipeline's predicted results (null: the zoo is not calibrated; the score is shown). */
  predicted?: ReadonlyMap<string, PredictedValue> | null;
  metric: string;
  /** The task's similarity to each image sample (names a variant fine-tuned on data like it). */
  sims: Readonly<Record<string, number>>;
}) {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const byId = useMemo(() => new Map(models.map((m) => [m.id, m])), [models]);
  const groups = useMemo(() => new Map(groupRankingByBackbone(ranking, models, { sims, threshold: SIMILAR_DATA }).map((g) => [g.model, g])), [ranking, models, sims]);
  const data = useMemo<Row[]>(
    () =>
      ranking.map((r, i) => {
        const model = byId.get(r.model)!;
        const g = groups.get(r.model);
        return {
          rank: i + 1,
          score: r.score,
          model,
          metric,
          backbone: model.backbone ?? model.id,
          ...(g && { group: { variants: g.variants, similar: g.similarData } }),
          ...(predicted?.has(r.model) && { predicted: predicted.get(r.model) }),
          ...(observed?.has(r.model) && { observed: observed.get(r.model) }),
        };
      }),
    [ranking, byId, observed, predicted, metric, groups],
  );
  const calibrated = !!predicted;
  const MAIN_COLUMN = mainColumn(calibrated);
  const PHONE_COLUMNS = phoneColumns(MAIN_COLUMN);
  // One row per backbone by default (its best member); "+N variants" opens a group. Searching or
  // filtering shows every match: a person looking for a checkpoint by name should find it.
  const [perBackbone, setPerBackbone] = useState(true);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // Stable identities matter: TanStack recomputes row models when state objects change.
  const sorting: SortingState = useMemo(() => (view.sort ? [view.sort] : []), [view.sort]);
  const [visibility, setVisibility] = useState<VisibilityState>(loadVisibility);
  useEffect(() => localStorage.setItem(COLUMNS_KEY, JSON.stringify(visibility)), [visibility]);
  // What is shown: the person's choice, less the columns this zoo has no value in, and always the
  // main result column. The stored choice keeps only what the person chose.
  const empty = useMemo(() => emptyColumns(models, calibrated), [models, calibrated]);
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
  const allRows = table.getRowModel().rows;
  // Exports stay per model: they get every row in the table's order, grouped or not.
  useEffect(() => onRows?.(allRows.map((r) => r.original)), [allRows, onRows]);
  const grouping = perBackbone && !view.q && Object.keys(view.filters).length === 0;
  const rows = useMemo(
    () => (grouping ? allRows.filter((r) => r.original.group || expanded.has(r.original.backbone) || r.original.observed !== undefined || r.original.model.id === view.open) : allRows),
    [allRows, grouping, expanded, view.open],
  );

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
        data-backbone={row.original.backbone}
        aria-rowindex={vi.index + 2}
        aria-current={view.open === id ? "true" : undefined}
        className={view.open === id ? "open" : undefined}
        tabIndex={id === active ? 0 : -1}
        onFocus={() => setActiveId(id)}
        onClick={(e) => {
          const expand = (e.target as HTMLElement).closest<HTMLElement>("[data-expand]")?.dataset.expand;
          setActiveId(id);
          if (expand) {
            setExpanded((x) => {
              const next = new Set(x);
              if (next.has(expand)) next.delete(expand);
              else next.add(expand);
              return next;
            });
            return;
          }
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
        <label className="per-backbone">
          <input type="checkbox" checked={perBackbone} onChange={(e) => setPerBackbone(e.currentTarget.checked)} data-testid="per-backbone" /> One row per backbone
        </label>
        <span aria-live="polite" className="row-count" data-testid="row-count">
          {allRows.length === data.length ? `${data.length} models` : `${allRows.length} of ${data.length} models`}
          {grouping && rows.length < allRows.length ? `, ${rows.length} rows (one per backbone)` : ""}
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
