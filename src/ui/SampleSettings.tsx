import { useApp } from "../store/appStore.ts";
import type { BackendChoice } from "../worker/embed.worker.ts";

const LIMITS = { perClass: [1, 1000], total: [1, 5000], seed: [1, 1_000_000] } as const;

/** Sampling caps and seed (the same folder and settings always give the same sample) and the
 * proxy's backend. */
export function SampleSettings() {
  const opts = useApp((s) => s.sampleOptions);
  const setOpts = useApp((s) => s.setSampleOptions);
  const backend = useApp((s) => s.backendChoice);
  const setBackend = useApp((s) => s.setBackendChoice);
  const busy = useApp((s) => s.phase === "listing" || s.phase === "embedding");
  const field = (key: keyof typeof LIMITS, label: string) => (
    <label>
      {label}{" "}
      <input
        type="number"
        className="num"
        min={LIMITS[key][0]}
        max={LIMITS[key][1]}
        step={1}
        value={opts[key]}
        disabled={busy}
        data-testid={`sample-${key}`}
        onChange={(e) => {
          const v = Math.round(Number(e.currentTarget.value));
          if (Number.isFinite(v)) setOpts({ [key]: Math.min(LIMITS[key][1], Math.max(LIMITS[key][0], v)) });
        }}
      />
    </label>
  );
  return (
    <details className="settings">
      <summary>Sampling and hardware settings</summary>
      <div className="settings-body">
        {field("perClass", "Images per class")}
        {field("total", "Images in all")}
        {field("seed", "Seed")}
        <label>
          Run the proxy on{" "}
          <select value={backend} disabled={busy} onChange={(e) => setBackend(e.currentTarget.value as BackendChoice)} data-testid="backend">
            <option value="auto">GPU if available (WebGPU), else CPU</option>
            <option value="webgpu">GPU (WebGPU)</option>
            <option value="wasm">CPU (WebAssembly)</option>
          </select>
        </label>
      </div>
    </details>
  );
}
