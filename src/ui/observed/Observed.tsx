import { useState } from "react";
import type { Zoo, ZooModel } from "../../core/bundle/schema.ts";
import { metricRange } from "../../core/task/observed.ts";
import type { TryFirstItem } from "../../core/task/tryFirst.ts";
import { useApp } from "../../store/appStore.ts";

const fmt = (zoo: Pick<Zoo, "metric">, v: number) => (metricRange(zoo).percent ? v.toFixed(1) : v.toFixed(3));

/** The metric with its range, once: some metric names carry it already ("accuracy (0–1)"). */
function withRange(metric: string, range: { min: number; max: number }): string {
  const span = `${range.min}–${range.max}`;
  return metric.includes(`(${span})`) ? metric : `${metric} (${span})`;
}

/** In the model detail panel: enter what fine-tuning this model on your task gave. */
export function ObservedEntry({ zoo, model, predicted }: { zoo: Zoo; model: ZooModel; predicted: number | undefined }) {
  const observed = useApp((s) => s.observed);
  const error = useApp((s) => s.observedError);
  const addObserved = useApp((s) => s.addObserved);
  const removeObserved = useApp((s) => s.removeObserved);
  const [text, setText] = useState("");
  const range = metricRange(zoo);
  const mine = observed.find((o) => o.model === model.id);
  const save = () => {
    if (addObserved(model.id, text)) setText("");
  };
  return (
    <section className="observed" aria-label="Your measured result">
      <h3>Your measured result</h3>
      {model.library === "user" ? (
        <p>Results can be entered for the zoo's models only.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label>
            Fine-tuned {model.name} on your task: {withRange(zoo.metric, range)}{" "}
            <input
              data-testid="observed-value"
              inputMode="decimal"
              value={text}
              placeholder={mine ? fmt(zoo, mine.value) : predicted !== undefined && Number.isFinite(predicted) ? `predicted ≈ ${fmt(zoo, predicted)}` : ""}
              onChange={(e) => setText(e.currentTarget.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "observed-error" : undefined}
            />
          </label>{" "}
          <button type="submit" data-testid="observed-save">
            Save result
          </button>
          {error && (
            <p id="observed-error" role="alert" className="field-error" data-testid="observed-error">
              {error}
            </p>
          )}
        </form>
      )}
      <ObservedList zoo={zoo} observed={observed} onRemove={removeObserved} />
    </section>
  );
}

function ObservedList({ zoo, observed, onRemove }: { zoo: Zoo; observed: readonly { model: string; value: number }[]; onRemove: (id: string) => void }) {
  const setView = useApp((s) => s.setView);
  const names = new Map(zoo.models.map((m) => [m.id, m.name]));
  if (observed.length === 0) return <p className="footnote">No results entered yet. Each one you enter re-fits your task in the transfer space; from two on, the ranking can change.</p>;
  return (
    <ul data-testid="observed-list" className="observed-list">
      {observed.map((o) => (
        <li key={o.model}>
          <button type="button" className="link" onClick={() => setView({ open: o.model })}>
            {names.get(o.model) ?? o.model}
          </button>
          : {fmt(zoo, o.value)}{" "}
          <button type="button" data-testid="observed-remove" onClick={() => onRemove(o.model)} aria-label={`Remove the result for ${names.get(o.model) ?? o.model}`}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Above the table: which models to fine-tune first, and why. */
export function TryFirst({ zoo, items, nObserved }: { zoo: Zoo; items: readonly TryFirstItem[]; nObserved: number }) {
  const setView = useApp((s) => s.setView);
  const names = new Map(zoo.models.map((m) => [m.id, m.name]));
  if (items.length === 0) return null;
  return (
    <section className="try-first" aria-label="Models to fine-tune first">
      <h3>Fine-tune these first{nObserved ? ` (updated with your ${nObserved} result${nObserved > 1 ? "s" : ""})` : ""}</h3>
      <ol data-testid="try-first">
        {items.map((t) => (
          <li key={t.model} data-testid="try-first-item" data-model-id={t.model}>
            <button type="button" className="link" onClick={() => setView({ open: t.model })}>
              {names.get(t.model) ?? t.model}
            </button>{" "}
            — {t.reason}
          </li>
        ))}
      </ol>
      <p className="footnote">Open a model and enter its result after fine-tuning; the ranking and this list update.</p>
    </section>
  );
}
