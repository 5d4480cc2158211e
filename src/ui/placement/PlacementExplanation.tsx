import { useMemo } from "react";
import type { Manifest, Zoo } from "../../core/bundle/schema.ts";
import type { TaskDescriptor } from "../../core/task/descriptor.ts";
import { useServed } from "../../store/served.ts";
import { percent, placementView, type FeatureRow, type PlacementView } from "./explain.ts";
import "./placement.css";

const NEIGHBOURS_SHOWN = 5;

/**
 * Why the task sits where it does: the historical tasks it was placed near (and how strongly),
 * the descriptor values that moved it, and how far it moved from the prior. Without a placement
 * model (a zoo built without one) it says so and gives the image similarities as context.
 */
export function PlacementExplanation({ zoo, descriptor, manifest }: { zoo: Zoo; descriptor: TaskDescriptor; manifest: Manifest | null }) {
  const base = useServed()?.base;
  const view = useMemo(() => (base ? placementView(zoo, descriptor, base) : null), [zoo, descriptor, base]);
  return (
    <section className="placement" data-testid="placement-explanation" aria-labelledby="placement-title" id="placement" tabIndex={-1}>
      <h2 id="placement-title">How your images placed the task</h2>
      {view ? <Explained view={view} zoo={zoo} /> : <NoModel zoo={zoo} descriptor={descriptor} manifest={manifest} />}
    </section>
  );
}

function Explained({ view, zoo }: { view: PlacementView; zoo: Zoo }) {
  const shown = view.neighbours.slice(0, NEIGHBOURS_SHOWN);
  const drivers = [...view.features].sort((a, b) => (view.kind === "ridge" ? (b.push ?? 0) - (a.push ?? 0) : Math.abs(b.z) - Math.abs(a.z)));
  const maxPush = Math.max(...view.features.map((f) => f.push ?? 0), 1e-9);
  return (
    <>
      <p>
        The {zoo.name} placement model reads your folder's descriptor (below) and{" "}
        {view.kind === "ridge"
          ? "moves the task-agnostic prior by a learned linear correction of those values."
          : "moves the task-agnostic prior by a mix of the corrections of the historical tasks whose descriptors are closest."}{" "}
        It was fitted on the {view.neighbours.length} historical tasks of this zoo that have images.
      </p>
      <div className="placement-grid">
        <div>
          <h3>Placed near</h3>
          <p className="placement-note">
            {view.kind === "kernel"
              ? "Weight: the share of the correction that came from each task (closer descriptor, more weight)."
              : "Closeness of the descriptors (softmax over distance); the correction itself is linear in the values."}{" "}
            Distance in standard deviations of the historical tasks' descriptors; cosine: how similar the images' proxy embeddings are.
          </p>
          <ol className="neighbours">
            {shown.map((n) => (
              <li key={n.task} data-testid="placement-neighbour" data-task={n.task}>
                <span className="n-name">{n.task}</span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(n.weight * 100, 1)}%` }} />
                </span>
                <span className="n-weight">
                  {view.kind === "kernel" ? "weight" : "closeness"} {percent(n.weight)}
                </span>
                <span className="n-detail">
                  distance {n.distance.toFixed(1)}
                  {n.cosine !== null && `, cosine ${n.cosine.toFixed(2)}`}
                </span>
              </li>
            ))}
          </ol>
          {view.neighbours.length > shown.length && (
            <p className="placement-note">
              Farther: {view.neighbours.slice(shown.length).map((n) => `${n.task} (${n.distance.toFixed(1)})`).join(", ")}.
            </p>
          )}
        </div>
        <div data-testid="placement-shift">
          <h3>How far it moved from the prior</h3>
          <ul className="shift">
            <li>
              Nearest historical task at distance {view.nearest.toFixed(1)}; the model applies its full correction up to {view.reach.toFixed(1)} (the
              farthest any historical task is from its own nearest one).{" "}
              {view.nearest <= view.reach
                ? "Your task is within that reach: full correction."
                : view.gate >= 0.995
                  ? `Your task is just beyond it: the correction is still applied at ${(view.gate * 100).toFixed(1)}% of its size.`
                  : `Your task is beyond it, so the correction fades to ${percent(view.gate)} of its size and the ranking stays closer to the prior.`}
            </li>
            <li>
              The task vector moved {view.shift.toFixed(2)} from the prior; the historical tasks lie a median {view.historicalShift.median.toFixed(2)} (at most{" "}
              {view.historicalShift.max.toFixed(2)}) from it.
            </li>
            <li data-testid="placement-agreement">
              {view.sharedTop} of the top {view.topN} are also the prior's top {view.topN}
              {view.entered.length > 0 ? `; new in it: ${view.entered.join(", ")}.` : "."}
            </li>
          </ul>
        </div>
      </div>
      <h3>What moved it</h3>
      <p className="placement-note">
        {view.kind === "ridge"
          ? "Sorted by how much each value moved the task vector (bar). Each strip shows the historical tasks' values (grey ticks) and yours (blue)."
          : "Sorted by how far each value is from the historical tasks' average (z, in standard deviations): these decide which tasks count as near. Each strip shows the historical tasks' values (grey ticks) and yours (blue)."}
      </p>
      <table className="features">
        <thead>
          <tr>
            <th scope="col">descriptor value</th>
            <th scope="col">yours</th>
            <th scope="col">historical tasks</th>
            <th scope="col" className="z">z</th>
            {view.kind === "ridge" && <th scope="col">moved it by</th>}
          </tr>
        </thead>
        <tbody>
          {drivers.map((f) => (
            <tr key={f.name} data-testid="placement-feature" data-feature={f.name}>
              <th scope="row">
                {f.label}
                <span className="hint">{f.hint}</span>
              </th>
              <td className="num">{f.value === null ? "not known (counted as average)" : f.format(f.value)}</td>
              <td>
                <Strip f={f} />
              </td>
              <td className="num z">{f.z >= 0 ? "+" : "−"}{Math.abs(f.z).toFixed(1)}</td>
              {view.kind === "ridge" && (
                <td>
                  <span className="bar push" aria-hidden="true">
                    <span style={{ width: `${((f.push ?? 0) / maxPush) * 100}%` }} />
                  </span>
                  <span className="num">{(f.push ?? 0).toFixed(2)}</span>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const SW = 150;
const SH = 18;

/** The historical range of one value with this task's value on it; the numbers are in the text. */
function Strip({ f }: { f: FeatureRow }) {
  const vals = f.history.map((h) => h.value);
  const all = f.value === null ? vals : [...vals, f.value];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const sx = (v: number) => 4 + ((v - lo) / (hi - lo || 1)) * (SW - 8);
  const sorted = [...f.history].sort((a, b) => a.value - b.value);
  const text = `${f.format(sorted[0].value)} (${sorted[0].task}) to ${f.format(sorted[sorted.length - 1].value)} (${sorted[sorted.length - 1].task})`;
  return (
    <span className="strip">
      <svg width={SW} height={SH} viewBox={`0 0 ${SW} ${SH}`} aria-hidden="true">
        <line x1={4} x2={SW - 4} y1={SH / 2} y2={SH / 2} className="strip-axis" />
        {f.history.map((h) => (
          <line key={h.task} x1={sx(h.value)} x2={sx(h.value)} y1={4} y2={SH - 4} className="strip-tick">
            <title>{`${h.task}: ${f.format(h.value)}`}</title>
          </line>
        ))}
        {f.value !== null && <circle cx={sx(f.value)} cy={SH / 2} r={4} className="strip-you" />}
      </svg>
      <span className="strip-text">{text}</span>
    </span>
  );
}

function NoModel({ zoo, descriptor, manifest }: { zoo: Zoo; descriptor: TaskDescriptor; manifest: Manifest | null }) {
  const names = new Map((manifest?.imageTasks ?? []).map((t) => [t.key, t.name]));
  const sims = Object.entries(descriptor.sims).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <p>
        The {zoo.name} zoo ships no placement model: the ranking is {zoo.mapper.alpha > 0 ? "the prior moved a little towards the historical tasks your images resemble" : "the task-agnostic prior"}.
        For context, how similar your images' proxy embeddings are to each historical sample (cosine; 1 would be the same images):
      </p>
      <ol className="neighbours">
        {sims.slice(0, NEIGHBOURS_SHOWN).map(([key, c]) => (
          <li key={key} data-testid="placement-neighbour" data-task={key}>
            <span className="n-name">{names.get(key) ?? key}</span>
            <span className="n-detail">cosine {c.toFixed(2)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}
