/**
 * Pure layout helpers for the SVG plots: axis ticks at round values, and label placement that
 * never lets two labels overlap. Kept free of React so the rules can be unit-tested.
 */

export interface Ticks {
  /** The axis range, widened to whole steps so the end ticks sit on the frame. */
  lo: number;
  hi: number;
  values: number[];
  format: (v: number) => string;
}

/** A 1-2-5 step giving about `count` intervals over [lo, hi]. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(count, 1);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

export function linearTicks(lo: number, hi: number, count = 5): Ticks {
  if (!(hi > lo)) {
    // One value (or none): a unit-wide range around it still gives readable ticks.
    const c = Number.isFinite(lo) ? lo : 0;
    return linearTicks(c - 0.5, c + 0.5, count);
  }
  const step = niceStep(hi - lo, count);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = a; v <= b + step * 1e-6; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { lo: a, hi: b, values, format: (v) => v.toFixed(decimals) };
}

const SI = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
] as const;

export function siFormat(v: number): string {
  for (const [f, s] of SI) if (Math.abs(v) >= f) return `${+(v / f).toPrecision(3)}${s}`;
  return `${+v.toPrecision(3)}`;
}

/** Ticks for a log10 axis over raw values [lo, hi] (both > 0): whole decades, and 2× and 5×
 * between them when the range spans fewer than two decades. `lo`/`hi` come back in log10 units. */
export function logTicks(lo: number, hi: number): Ticks {
  const l0 = Math.log10(Math.max(lo, 1e-12));
  const l1 = Math.log10(Math.max(hi, lo, 1e-12));
  let a = Math.floor(l0 + 1e-9);
  let b = Math.ceil(l1 - 1e-9);
  if (b === a) b = a + 1;
  const values: number[] = [];
  const fine = l1 - l0 < 1.5;
  for (let e = a; e <= b; e++) {
    for (const m of fine ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      if (Math.log10(v) <= b + 1e-9) values.push(v);
    }
  }
  // Drop fine ticks far outside the data: they would only stretch the axis.
  const kept = fine ? values.filter((v) => Math.log10(v) >= l0 - 0.35 && Math.log10(v) <= l1 + 0.35) : values;
  const vs = kept.length >= 2 ? kept : values;
  a = Math.min(Math.log10(vs[0]), l0);
  b = Math.max(Math.log10(vs[vs.length - 1]), l1);
  return { lo: a, hi: b, values: vs, format: siFormat };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  id: string;
  /** The point's centre and radius, in SVG units. */
  x: number;
  y: number;
  r: number;
  text: string;
}

export interface PlacedLabel {
  id: string;
  text: string;
  box: Box;
  /** From the point's edge to the label, when the label had to move away from its point. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

/** Width of a label in SVG units; a generous estimate (no DOM to measure in), so that estimated
 * boxes that do not overlap are rendered labels that do not either. */
export function labelWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) w += /[mwMW@#%]/.test(ch) ? 0.9 : /[A-Z0-9_]/.test(ch) ? 0.68 : /[iljtf.,:;|! ]/.test(ch) ? 0.32 : 0.58;
  return w * fontSize + 2;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function hitsCircle(b: Box, c: { x: number; y: number; r: number }): boolean {
  const nx = Math.max(b.x, Math.min(c.x, b.x + b.w));
  const ny = Math.max(b.y, Math.min(c.y, b.y + b.h));
  return (nx - c.x) ** 2 + (ny - c.y) ** 2 < c.r ** 2;
}

/**
 * Greedy label placement in request order (put the most important first): each label takes the
 * first candidate position around its point, ring by ring outwards, whose box stays inside
 * `bounds` and overlaps no label placed before it and no point. Labels that end up farther than
 * the first ring get a leader line. A label with no free position is left out (the caller keeps
 * its text elsewhere: the point's title and the plot's table).
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  points: readonly { x: number; y: number; r: number }[],
  bounds: Box,
  fontSize = 10,
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const h = fontSize + 2;
  const inside = (b: Box) => b.x >= bounds.x && b.y >= bounds.y && b.x + b.w <= bounds.x + bounds.w && b.y + b.h <= bounds.y + bounds.h;
  const gapTo = (b: Box, c: { x: number; y: number; r: number }) => {
    const nx = Math.max(b.x, Math.min(c.x, b.x + b.w));
    const ny = Math.max(b.y, Math.min(c.y, b.y + b.h));
    return Math.hypot(nx - c.x, ny - c.y) - c.r;
  };
  // First pass: a label must be closer to its own point than to any other, so that it cannot be
  // read as another point's; second pass (only for labels still without a place): any free spot,
  // always with a leader line to say whose it is.
  const attempt = (q: LabelRequest, w: number, strict: boolean): PlacedLabel | null => {
    for (const [ring, gap] of [2, 10, 22, 38, 58].entries()) {
      const d = q.r + gap;
      // Right, left, above, below first (they read as belonging to the point), then diagonals.
      const candidates: Box[] = [
        { x: q.x + d, y: q.y - h / 2, w, h },
        { x: q.x - d - w, y: q.y - h / 2, w, h },
        { x: q.x - w / 2, y: q.y - d - h, w, h },
        { x: q.x - w / 2, y: q.y + d, w, h },
        { x: q.x + d * 0.7, y: q.y - d * 0.7 - h, w, h },
        { x: q.x - d * 0.7 - w, y: q.y - d * 0.7 - h, w, h },
        { x: q.x + d * 0.7, y: q.y + d * 0.7, w, h },
        { x: q.x - d * 0.7 - w, y: q.y + d * 0.7, w, h },
      ];
      for (const box of candidates) {
        if (!inside(box)) continue;
        if (placed.some((p) => overlaps(p.box, box))) continue;
        if (points.some((c) => hitsCircle(box, c))) continue;
        if (strict) {
          const own = gapTo(box, q);
          if (points.some((c) => (c.x !== q.x || c.y !== q.y) && gapTo(box, c) < own)) continue;
        }
        return { id: q.id, text: q.text, box, leader: ring >= 2 || !strict ? leader(q, box) : null };
      }
    }
    return null;
  };
  for (const q of requests) {
    const w = labelWidth(q.text, fontSize);
    const done = attempt(q, w, true) ?? attempt(q, w, false);
    if (done) placed.push(done);
  }
  return placed;
}

function leader(q: LabelRequest, box: Box): PlacedLabel["leader"] {
  const tx = Math.max(box.x, Math.min(q.x, box.x + box.w));
  const ty = Math.max(box.y, Math.min(q.y, box.y + box.h));
  const len = Math.hypot(tx - q.x, ty - q.y) || 1;
  return { x1: q.x + ((tx - q.x) / len) * q.r, y1: q.y + ((ty - q.y) / len) * q.r, x2: tx, y2: ty };
}
