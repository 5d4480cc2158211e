import { useApp } from "../store/appStore.ts";

/** Shown with the example wherever it appears: the photos are CC BY 4.0 (public/example/ATTRIBUTION.md). */
export function ExampleAttribution() {
  return (
    <span className="attribution" data-testid="example-attribution">
      Example photos: Caltech-101 (L. Fei-Fei, R. Fergus, P. Perona, 2004),{" "}
      <a href="https://data.caltech.edu/records/mzrjq-6wc02" target="_blank" rel="noopener noreferrer">
        dataset page
      </a>
      , licensed{" "}
      <a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noopener noreferrer">
        CC BY 4.0
      </a>
      .
    </span>
  );
}

/** One click ranks a small bundled folder, so a first visit without images of its own sees what
 * the tool does. */
export function Example() {
  const ingestExample = useApp((s) => s.ingestExample);
  const busy = useApp((s) => s.phase === "listing" || s.phase === "embedding");
  return (
    <div className="example">
      <button type="button" className="secondary" data-testid="example-dataset" disabled={busy} onClick={() => void ingestExample()} aria-describedby="example-what">
        Try an example
      </button>
      <p id="example-what" className="example-what">
        No images at hand? Rank 32 photos of 8 everyday classes (aeroplanes, motorbikes, leopards, sunflowers…), bundled with this page. <ExampleAttribution />
      </p>
    </div>
  );
}
