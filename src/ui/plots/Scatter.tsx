import type { ReactNode } from "react";

/**
 * A small SVG scatter plot. Hand-written: the two plots need points, labels and a line, and a
 * charting library would cost more initial JavaScript than the rest of the page.
 */
export interface Point {
  id: string;
  x: number;
  y: number;
  label?: string;
  kind: string;
  title: string;
}

const W = 460;
const H = 300;
const PAD = 36;

export function Scatter({
  points,
  xLabel,
  yLabel,
  logX = false,
  line,
  caption,
  testid,
  onPick,
}: {
  points: Point[];
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  line?: string[];
  caption: ReactNode;
  testid: string;
  onPick?: (id: string) => void;
}) {
  const fx = (x: number) => (logX ? Math.log10(Math.max(x, 1e-9)) : x);
  const xs = points.map((p) => fx(p.x));
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD + ((fx(x) - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  const byId = new Map(points.map((p) => [p.id, p]));
  const path = line
    ?.map((id) => byId.get(id))
    .filter((p): p is Point => !!p)
    .sort((a, b) => a.x - b.x)
    .map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(" ");
  return (
    <figure className="plot" data-testid={testid}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${yLabel} against ${xLabel}`}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} className="axis" />
        <text x={W / 2} y={H - 6} textAnchor="middle" className="axis-label">
          {xLabel}
        </text>
        <text x={12} y={H / 2} textAnchor="middle" transform={`rotate(-90 12 ${H / 2})`} className="axis-label">
          {yLabel}
        </text>
        {path && <path d={path} className="front" />}
        {points.map((p) => (
          <g key={p.id} className={`pt ${p.kind}`} onClick={onPick ? () => onPick(p.id) : undefined}>
            <circle cx={sx(p.x)} cy={sy(p.y)} r={p.kind === "task-new" ? 7 : p.kind.startsWith("task") ? 5 : 4}>
              <title>{p.title}</title>
            </circle>
            {p.label && (
              <text x={sx(p.x) + 7} y={sy(p.y) - 6} className="pt-label">
                {p.label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
