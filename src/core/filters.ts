import type { ZooModel } from "./bundle/schema.ts";

/** Table filters; they travel in share links, so keys are short and values plain. */
export interface ModelFilters {
  /** Families to keep (empty or absent: all). */
  fam?: string[];
  /** Pre-training data to keep. */
  pre?: string[];
  /** Parameter range in millions. */
  pmin?: number;
  pmax?: number;
  /** "m": measured only, "p": predicted only. */
  kind?: "m" | "p";
}

export function searchText(m: ZooModel): string {
  return `${m.name} ${m.id} ${m.family} ${m.pretraining} ${m.arch ?? ""}`.toLowerCase();
}

export function matchesFilters(m: ZooModel, f: ModelFilters, q = ""): boolean {
  if (f.fam?.length && !f.fam.includes(m.family)) return false;
  if (f.pre?.length && !f.pre.includes(m.pretraining)) return false;
  const pm = m.params === null ? null : m.params / 1e6;
  if (f.pmin !== undefined && (pm === null || pm < f.pmin)) return false;
  if (f.pmax !== undefined && (pm === null || pm > f.pmax)) return false;
  if (f.kind === "m" && !m.measured) return false;
  if (f.kind === "p" && m.measured) return false;
  const needle = q.trim().toLowerCase();
  return !needle || searchText(m).includes(needle);
}

/** Keeps only well-formed filter values (from a link or the UI). */
export function cleanFilters(raw: Record<string, unknown> | undefined): ModelFilters {
  if (!raw) return {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, 100) : undefined);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined);
  const out: ModelFilters = {};
  const fam = strings(raw.fam);
  const pre = strings(raw.pre);
  if (fam?.length) out.fam = fam;
  if (pre?.length) out.pre = pre;
  if (num(raw.pmin) !== undefined) out.pmin = num(raw.pmin);
  if (num(raw.pmax) !== undefined) out.pmax = num(raw.pmax);
  if (raw.kind === "m" || raw.kind === "p") out.kind = raw.kind;
  return out;
}
