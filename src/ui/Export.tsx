import type { Zoo } from "../core/bundle/schema.ts";
import { exportRows, rankingCsv, rankingJson } from "../core/export.ts";
import type { TryFirstItem } from "../core/task/tryFirst.ts";
import { useApp } from "../store/appStore.ts";
import type { Row } from "./table/columns.tsx";

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads the rows as the table shows them (filters and sort applied). */
export function Export({ zoo, rows, observed = new Map(), tryFirst = [] }: { zoo: Zoo; rows: readonly Row[]; observed?: ReadonlyMap<string, number>; tryFirst?: readonly TryFirstItem[] }) {
  const manifest = useApp((s) => s.manifest);
  const descriptor = useApp((s) => s.descriptor);
  const view = useApp((s) => s.view);
  const sampleOptions = useApp((s) => s.sampleOptions);
  if (!manifest || !descriptor) return null;
  const data = () =>
    exportRows(
      rows.map((r) => ({ model: r.model.id, score: r.score })),
      rows.map((r) => r.model),
      observed,
    ).map((row, i) => ({ ...row, rank: rows[i].rank }));
  const stem = `fennec-${zoo.zoo}-${manifest.hash.slice(0, 8)}`;
  return (
    <div className="export">
      <button type="button" data-testid="download-csv" onClick={() => download(`${stem}.csv`, "text/csv", rankingCsv(data()))}>
        Download CSV
      </button>
      <button
        type="button"
        data-testid="download-json"
        onClick={() =>
          download(
            `${stem}.json`,
            "application/json",
            rankingJson({ rows: data(), zoo, bundleHash: manifest.hash, descriptor, settings: { search: view.q, sort: view.sort, filters: view.filters, sample: sampleOptions }, observed: [...observed].map(([model, value]) => ({ model, value })), tryFirst: tryFirst.map((t) => ({ model: t.model, reason: t.reason })) }),
          )
        }
      >
        Download JSON
      </button>
    </div>
  );
}
