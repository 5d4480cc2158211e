import { useEffect, useRef } from "react";
import type { Zoo, ZooModel } from "../../core/bundle/schema.ts";
import { dot } from "../../core/math/linalg.ts";
import type { Ranking } from "../../core/ranking.ts";
import { useApp } from "../../store/appStore.ts";
import { CopyButton } from "../CopyButton.tsx";
import { ObservedEntry } from "../observed/Observed.tsx";
import { formatCount } from "../format.ts";
import { focusRow } from "../table/RankTable.tsx";

function codeLine(m: ZooModel): string {
  return m.library === "hf" ? `from transformers import AutoModelForImageClassification\nmodel = ${m.code}` : m.library === "timm" ? `import timm\nmodel = ${m.code}` : m.library === "torchvision" ? `import torchvision\nmodel = ${m.code}` : m.code;
}

/** Why a model ranks where it does: what it is, how it did before, which tasks this one resembles. */
export function ModelDetail({ zoo, result, model, predicted }: { zoo: Zoo; result: Ranking; model: ZooModel; predicted?: number }) {
  const setView = useApp((s) => s.setView);
  const panel = useRef<HTMLElement>(null);
  // The panel takes focus when the person opened it (from a row, a plot point, a list); not when a
  // share link opens it with the page, where focus has not moved yet.
  useEffect(() => {
    const from = document.activeElement;
    if (from && from !== document.body && !panel.current?.contains(from)) panel.current?.focus();
  }, [model.id]);
  const close = () => {
    setView({ open: null });
    focusRow(model.id);
  };
  const position = result.ranking.findIndex((r) => r.model === model.id);
  const score = result.ranking[position]?.score ?? 0;
  const weightOf = new Map(result.placement.weights.map((w) => [w.task, w.weight]));
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
                <td>{w === undefined ? "" : `${Math.round(w * result.placement.alpha * 100)}%`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="footnote">
        Metric: {zoo.metric}. Your task's vector is {Math.round((1 - result.placement.alpha) * 100)}% the prior (all tasks alike) and{" "}
        {Math.round(result.placement.alpha * 100)}% a mix of the image-backed tasks it resembles, weighted as shown.
      </p>
    </aside>
  );
}
