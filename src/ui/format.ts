/** Display formatting shared by the table and the detail panel. */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "—";
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "…";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A result in the zoo's units, as a percentage either way: "94.1%". Zoos that record accuracy
 * as 0–1 are shown in percent too, the unit people read results in. */
export function formatValue(zoo: { metric: string }, v: number): string {
  const pct = zoo.metric.includes("%") ? v : v * 100;
  return `${pct.toFixed(1)}%`;
}

/** A predicted result with its 80% interval, compactly: "94.1% (91–96)". */
export function formatPredicted(zoo: { metric: string }, p: { value: number; low: number; high: number }): string {
  const k = zoo.metric.includes("%") ? 1 : 100;
  return `${(p.value * k).toFixed(1)}% (${Math.round(p.low * k)}–${Math.round(p.high * k)})`;
}
