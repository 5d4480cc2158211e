import { useEffect, useRef } from "react";
import type { Zoo, ZooModel } from "../../core/bundle/schema.ts";
import { dot } from "../../core/math/linalg.ts";
import type { FinetuneLift, Ranking } from "../../core/ranking.ts";
import { explainPredictedModel } from "../../core/coldstart/explain.ts";
import type { PredictedValue } from "../../core/task/predicted.ts";
import { percent, type PlacementStory } from "../../core/task/story.ts";
import { formatValue } from "../format.ts";
import { useApp } from "../../store/appStore.ts";
import { CopyButton } from "../CopyButton.tsx";
import { ObservedEntry } from "../observed/Observed.tsx";
import { formatCount } from "../format.ts";
import { focusRow } from "../table/RankTable.tsx";
import { useNarrow } from "../useNarrow.ts";

function codeLine(m: ZooModel): string {
  return m.library === "hf" ? `from transformers import AutoModelForImageClassification\nmodel = ${m.code}` : m.library === "timm" ? `import timm\nmodel = ${m.code}` : m.library === "torchvision" ? `import torchvision\nmodel = ${m.code}` : m.code;
}

/** Why a model ranks where it does: what it is, how it did before, which tasks this one resembles. */
export function ModelDetail({
  zoo,
  result,
  model,
  predicted,
  story,
  value,
  lift,
}: {
  zoo: Zoo;
  result: Ranking;
  model: ZooModel;
  predicted?: number;
  /** Where the task was placed: the same account as the summary and the placement panel. */
  story: PlacementStory;
  /** The predicted result in the zoo's units with its 80% interval (absent: not calibrated). */
  value?: PredictedValue;
  /** Set when the fine-tuning-data term lifted this model. */
  lift?: FinetuneLift;
}) {
  const setView = useApp((s) => s.setView);
  const panel = useRef<HTMLElement>(null);
  // The panel takes focus when the person opened it (from a row, a plot point, a list); not when a
  // share link opens it with the page, where focus has not moved yet.
  useEffect(() => {
    const from = document.activeElement;
    if (from && from !== document.body && !panel.current?.contains(from)) panel.current?.focus();
  }, [model.id]);
  // On a phone the panel is a full-screen sheet: the page behind neither scrolls nor takes focus.
  const sheet = useNarrow();
  useEffect(() => {
    if (!sheet) return;
    const before = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.body.style.overflow = before;
    };
  }, [sheet]);
  const close = () => {
    setView({ open: null });
    focusRow(model.id);
  };
  const position = result.ranking.findIndex((r) => r.model === model.id);
  const score = result.ranking[position]?.score ?? 0;
  const weightOf = new Map(Object.entries(story.weights));
  const why = !model.measured && model.library !== "user" ? explainPredictedModel(zoo, model.id, result.ranking).lines : [];
  const code = codeLine(model);
  const ops = model.archInfo ? Object.entries(model.archInfo.ops).sort((a, b) => b[1] - a[1]) : [];
  return (
    <aside
      className="detail"
      data-testid="model-detail"
      aria-label={`Details of ${model.name}`}
      ref={panel}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          close();
        } else if (e.key === "Tab" && sheet && panel.current) {
          const stops = [...panel.current.querySelectorAll<HTMLElement>("a[href], button:not(:disabled), input:not(:disabled), [tabindex='0']")];
          const [first, last] = [stops[0], stops[stops.length - 1]];
          if (e.shiftKey && (document.activeElement === first || document.activeElement === panel.current)) {
            e.preventDefault();
            last?.focus();
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first?.focus();
          }
        }
      }}
    >
      <header>
        <h2>
          #{position + 1} {model.name}
        </h2>
        <button type="button" className="link" onClick={close} aria-label="Close details (Escape)">
          Close
        </button>
      </header>
      {value && (
        <p data-testid="detail-predicted">
          Predicted result <strong>{formatValue(zoo, value.value)}</strong> (80% interval {formatValue(zoo, value.low)}–{formatValue(zoo, value.high)}), in {zoo.metric}.
        </p>
      )}
      {lift && (
        <p>
          Fine-tuned on {lift.data}, which your images resemble (cosine {lift.cosine.toFixed(2)}): lifted by {lift.lift.toFixed(2)}.
        </p>
      )}
      {why.map((l) => (
        <p key={l}>{l}</p>
      ))}
      <p>
        Predicted score <strong>{score.toFixed(3)}</strong> (rank {position + 1} of {result.ranking.length}); task-agnostic prior{" "}
        {model.prior.toFixed(3)}. {model.library === "user"
          ? "This is your model: its vector is predicted from its ONNX graph alone (architecture and size; no pre-training or ImageNet result known), so treat its rank as a rough guide."
          : model.measured
            ? "Its vector is learned from measured fine-tuning results."
            : "Its vector is predicted from its architecture and ImageNet results, not measured."}
      </p>
      <ObservedEntry zoo={zoo} model={model} predicted={predicted} />
      <div className="code">
        <pre>
          <code>{code}</code>
        </pre>
        <CopyButton text={code} label="Copy code" testid="copy-code" />
        {model.library !== "user" && (
          <a href={model.url} target="_blank" rel="noopener noreferrer">
            model page ↗<span className="sr-only"> (opens a new tab)</span>
          </a>
        )}
      </div>

      <h3>Architecture</h3>
      <dl className="facts">
        <dt>Family</dt>
        <dd>{model.family}</dd>
        <dt>Parameters</dt>
        <dd>{formatCount(model.params)}</dd>
        <dt>FLOPs (MACs)</dt>
        <dd>{formatCount(model.flops)}</dd>
        <dt>Input</dt>
        <dd>{model.inputSize ?? "—"}</dd>
        <dt>Pre-training</dt>
        <dd>{model.pretraining}</dd>
        {model.archInfo && (
          <>
            <dt>Depth</dt>
            <dd>{model.archInfo.depth} weighted layers</dd>
            <dt>Ops</dt>
            <dd>{ops.map(([op, n]) => `${op} ${n}`).join(", ")}</dd>
            <dt>Nearest architectures</dt>
            <dd data-testid="nearest-archs">{model.archInfo.nearest.map((n) => `${n.arch} (${n.cosine.toFixed(2)})`).join(", ")}</dd>
          </>
        )}
        {model.arch && (
          <>
            <dt>Graph</dt>
            <dd>{model.arch}</dd>
          </>
        )}
      </dl>

      <h3>Historical tasks</h3>
      <table className="mini">
        <caption className="sr-only">Measured and reconstructed results of this model on the historical tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Measured</th>
            <th scope="col">Fitted by the space</th>
            <th scope="col">Weight for your task</th>
          </tr>
        </thead>
        <tbody>
          {zoo.tasks.map((t) => {
            const fitted = t.mean + dot(model.vector, t.vector) * t.std;
            const measured = model.results[t.id];
            const w = weightOf.get(t.id);
            return (
              <tr key={t.id}>
                <th scope="row">{t.id}</th>
                <td>{measured === undefined ? "—" : measured.toFixed(zoo.metric.includes("%") ? 1 : 3)}</td>
                <td>{fitted.toFixed(zoo.metric.includes("%") ? 1 : 3)}</td>
                <td>{w === undefined ? "" : percent(w)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="footnote">
        Metric: {zoo.metric}. {story.line}
      </p>
    </aside>
  );
}
