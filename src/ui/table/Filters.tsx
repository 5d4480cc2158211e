import { useMemo } from "react";
import type { ZooModel } from "../../core/bundle/schema.ts";
import type { ModelFilters } from "../../core/filters.ts";
import { useApp } from "../../store/appStore.ts";

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}

function CheckList({ label, options, chosen, onChange, testid }: { label: string; options: string[]; chosen: string[]; onChange: (v: string[]) => void; testid: string }) {
  return (
    <details className="filter" data-testid={testid}>
      <summary>
        {label}
        {chosen.length ? ` (${chosen.length})` : ": all"}
      </summary>
      <fieldset>
        <legend className="sr-only">{label}</legend>
        {options.map((o) => (
          <label key={o}>
            <input
              type="checkbox"
              checked={chosen.includes(o)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
            />
            {o}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

/** Family, pre-training data, size range, measured/predicted; all in the share link. */
export function Filters({ models }: { models: readonly ZooModel[] }) {
  const filters = useApp((s) => s.view.filters);
  const setView = useApp((s) => s.setView);
  const families = useMemo(() => uniqueSorted(models.map((m) => m.family)), [models]);
  const pretraining = useMemo(() => uniqueSorted(models.map((m) => m.pretraining)), [models]);
  const hasPredicted = models.some((m) => !m.measured);
  const set = (patch: Partial<ModelFilters>) => {
    const next: ModelFilters = { ...filters, ...patch };
    for (const k of Object.keys(next) as (keyof ModelFilters)[]) {
      const v = next[k];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) delete next[k];
    }
    setView({ filters: next });
  };
  const millions = (v: string) => (v.trim() === "" || !Number.isFinite(Number(v)) ? undefined : Math.max(0, Number(v)));
  return (
    <div className="filters" role="group" aria-label="Filters">
      <CheckList label="Family" options={families} chosen={filters.fam ?? []} onChange={(fam) => set({ fam })} testid="filter-family" />
      <CheckList label="Pre-training" options={pretraining} chosen={filters.pre ?? []} onChange={(pre) => set({ pre })} testid="filter-pretraining" />
      <label>
        Params from{" "}
        <input type="number" min={0} step="any" inputMode="decimal" className="num" data-testid="filter-pmin" value={filters.pmin ?? ""} onChange={(e) => set({ pmin: millions(e.currentTarget.value) })} />
      </label>
      <label>
        to <input type="number" min={0} step="any" inputMode="decimal" className="num" data-testid="filter-pmax" value={filters.pmax ?? ""} onChange={(e) => set({ pmax: millions(e.currentTarget.value) })} /> M
      </label>
      {hasPredicted && (
        <label>
          Basis{" "}
          <select data-testid="filter-kind" value={filters.kind ?? ""} onChange={(e) => set({ kind: (e.currentTarget.value || undefined) as ModelFilters["kind"] })}>
            <option value="">measured and predicted</option>
            <option value="m">measured only</option>
            <option value="p">predicted only</option>
          </select>
        </label>
      )}
      {Object.keys(filters).length > 0 && (
        <button type="button" className="link" onClick={() => setView({ filters: {} })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
