import { useMemo, type KeyboardEvent, type ReactNode } from "react";
import { linearTicks, logTicks, placeLabels, type LabelRequest } from "./layout.ts";
import "./plots.css";

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
const H = 310;
const PAD = { left: 46, right: 12, top: 12, bottom: 40 };
const FONT = 10;

const radius = (p: Point) => (p.kind === "task-new" ? 7 : p.kind.startsWith("task") ? 5 : 4);

export function Scatter({
  points,
  xLabel,
  yLabel,
  logX = false,
  xFormat,
  line,
  arrow,
  caption,
  testid,
  onPick,
  tableLabel = "The plotted values",
}: {
  points: Point[];
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** How x values are written in the data table (ticks use the axis' own format). */
  xFormat?: (x: number) => string;
  line?: string[];
  /** Draws an arrow from the first point to the second. */
  arrow?: [string, string];
  caption: ReactNode;
  testid: string;
  onPick?: (id: string) => void;
  tableLabel?: string;
}) {
  const layout = useMemo(() => {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const xt = logX ? logTicks(Math.min(...xs), Math.max(...xs)) : linearTicks(Math.min(...xs), Math.max(...xs));
    const yt = linearTicks(Math.min(...ys), Math.max(...ys));
    const fx = (x: number) => (logX ? Math.log10(Math.max(x, 1e-12)) : x);
    const sx = (x: number) => PAD.left + ((fx(x) - xt.lo) / (xt.hi - xt.lo || 1)) * (W - PAD.left - PAD.right);
    const sy = (y: number) => H - PAD.bottom - ((y - yt.lo) / (yt.hi - yt.lo || 1)) * (H - PAD.top - PAD.bottom);
    const circles = points.map((p) => ({ x: sx(p.x), y: sy(p.y), r: radius(p) }));
    // Most important labels claim space first: this task and the prior, then the historical tasks, then models.
    const order = (p: Point) => (p.kind === "task-new" || p.kind === "task-prior" ? 0 : p.kind.startsWith("task") ? 1 : 2);
    const requests: LabelRequest[] = points
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.label)
      .sort((a, b) => order(a.p) - order(b.p) || a.i - b.i)
      .map(({ p, i }) => ({ id: p.id, text: p.label!, ...circles[i] }));
    const labels = placeLabels(requests, circles, { x: PAD.left + 1, y: 1, w: W - PAD.left - 2, h: H - PAD.bottom - 2 }, FONT);
    return { xt, yt, sx, sy, circles, labels };
  }, [points, logX]);
  const { xt, yt, sx, sy, circles, labels } = layout;
  const byId = new Map(points.map((p) => [p.id, p]));
  const path = line
    ?.map((id) => byId.get(id))
    .filter((p): p is Point => !!p)
    .sort((a, b) => a.x - b.x)
    .map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(" ");
  const arrowLine = (() => {
    const [a, b] = arrow ?? [];
    const i = points.findIndex((p) => p.id === a);
    const j = points.findIndex((p) => p.id === b);
    if (i < 0 || j < 0) return null;
    const [p, q] = [circles[i], circles[j]];
    const len = Math.hypot(q.x - p.x, q.y - p.y);
    if (len < p.r + q.r + 2) return null; // too short to read as an arrow; the two points touch
    const ux = (q.x - p.x) / len;
    const uy = (q.y - p.y) / len;
    return { x1: p.x + ux * p.r, y1: p.y + uy * p.r, x2: q.x - ux * (q.r + 1), y2: q.y - uy * (q.r + 1) };
  })();
  const unplaced = points.filter((p) => p.label && !labels.some((l) => l.id === p.id)).length;
  const onKey = (id: string) => (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onPick?.(id);
    }
  };
  const xText = xFormat ?? ((x: number) => (logX ? xt.format(x) : x.toFixed(3)));
  return (
    <figure className="plot" data-testid={testid}>
      <svg viewBox={`0 0 ${W} ${H}`} role={onPick ? "group" : "img"} aria-label={`${yLabel} against ${xLabel}; the values are in the table below the plot`}>
        <g className="ticks" aria-hidden="true">
          {xt.values.map((v) => (
            <g key={`x${v}`} data-testid="tick-x">
              <line x1={sx(v)} x2={sx(v)} y1={PAD.top} y2={H - PAD.bottom} className="grid" />
              <line x1={sx(v)} x2={sx(v)} y1={H - PAD.bottom} y2={H - PAD.bottom + 4} className="axis" />
              <text x={sx(v)} y={H - PAD.bottom + 14} textAnchor="middle" className="tick-label">
                {xt.format(v)}
              </text>
            </g>
          ))}
          {yt.values.map((v) => (
            <g key={`y${v}`} data-testid="tick-y">
              <line x1={PAD.left} x2={W - PAD.right} y1={sy(v)} y2={sy(v)} className="grid" />
              <line x1={PAD.left - 4} x2={PAD.left} y1={sy(v)} y2={sy(v)} className="axis" />
              <text x={PAD.left - 6} y={sy(v) + 3.5} textAnchor="end" className="tick-label">
                {yt.format(v)}
              </text>
            </g>
          ))}
        </g>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        <text x={(PAD.left + W - PAD.right) / 2} y={H - 6} textAnchor="middle" className="axis-label">
          {xLabel}
        </text>
        <text x={11} y={(PAD.top + H - PAD.bottom) / 2} textAnchor="middle" transform={`rotate(-90 11 ${(PAD.top + H - PAD.bottom) / 2})`} className="axis-label">
          {yLabel}
        </text>
        {path && <path d={path} className="front" />}
        <defs>
          <marker id={`${testid}-head`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
          </marker>
        </defs>
        {arrowLine && <line {...arrowLine} className="arrow" markerEnd={`url(#${testid}-head)`} data-testid="placement-arrow" />}
        {points.map((p, i) => (
          <g
            key={p.id}
            className={`pt ${p.kind}`}
            onClick={onPick ? () => onPick(p.id) : undefined}
            {...(onPick && { tabIndex: 0, role: "button", "aria-label": p.title, onKeyDown: onKey(p.id) })}
          >
            <circle cx={circles[i].x} cy={circles[i].y} r={circles[i].r}>
              <title>{p.title}</title>
            </circle>
          </g>
        ))}
        <g aria-hidden="true">
          {labels.map((l) => (
            <g key={l.id} className={`pt-label-group ${byId.get(l.id)?.kind ?? ""}`}>
              {l.leader && <line {...l.leader} className="leader" />}
              <text x={l.box.x + 1} y={l.box.y + l.box.h - 3} className="pt-label" data-testid="point-label">
                {l.text}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <figcaption>
        {caption}
        {unplaced > 0 && ` (${unplaced} label${unplaced > 1 ? "s" : ""} left off for lack of room; all are in the table.)`}
      </figcaption>
      <details className="plot-table">
        <summary>{tableLabel}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">point</th>
              <th scope="col">{xLabel}</th>
              <th scope="col">{yLabel}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.title}</th>
                <td>{xText(p.x)}</td>
                <td>{p.y.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
