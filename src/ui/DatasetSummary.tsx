import { useEffect, useMemo } from "react";
import { useApp } from "../store/appStore.ts";
import { ExampleAttribution } from "./Example.tsx";

const THUMBS = 8;

/** What was taken from the folder: classes and counts, a few thumbnails (local object URLs). */
export function DatasetSummary() {
  const plan = useApp((s) => s.plan);
  const source = useApp((s) => s.source);
  const example = useApp((s) => s.example);
  const thumbs = useMemo(() => (plan ? plan.sample.slice(0, THUMBS).map((s) => ({ path: s.file.path, label: s.label, url: URL.createObjectURL(s.file.file) })) : []), [plan]);
  useEffect(() => () => thumbs.forEach((t) => URL.revokeObjectURL(t.url)), [thumbs]);
  if (!plan || source !== "images") return null;
  const sampled = new Map<string, number>();
  for (const s of plan.sample) sampled.set(s.label, (sampled.get(s.label) ?? 0) + 1);
  return (
    <details className="dataset" data-testid="dataset-summary">
      <summary>
        {example ? "The example" : "Your dataset"}: {plan.usable} usable images{plan.labelled ? ` in ${plan.classes.length} classes` : " (unlabelled)"}, {plan.sample.length} sampled
      </summary>
      {example && (
        <p>
          <ExampleAttribution />
        </p>
      )}
      <div className="thumbs">
        {thumbs.map((t) => (
          <img key={t.path} src={t.url} alt={`${t.label || "image"}: ${t.path}`} width={72} height={72} loading="lazy" />
        ))}
      </div>
      {plan.labelled && (
        <table className="mini">
          <caption className="sr-only">Images per class</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Images</th>
              <th scope="col">Sampled</th>
            </tr>
          </thead>
          <tbody>
            {plan.classes.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name}</th>
                <td>{c.count}</td>
                <td>{sampled.get(c.name) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
