import { STALL_MS, useApp } from "../store/appStore.ts";
import { formatDuration } from "./format.ts";

export function Progress() {
  const phase = useApp((s) => s.phase);
  const progress = useApp((s) => s.progress);
  const listed = useApp((s) => s.listed);
  const cancel = useApp((s) => s.cancel);
  const retry = useApp((s) => s.retry);
  const queued = useApp((s) => s.queued);
  const stalled = useApp((s) => s.stalled);
  const example = useApp((s) => s.example);
  if (!queued && phase !== "listing" && phase !== "embedding") return null;
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const label = queued
    ? `Your ${example ? "example" : "folder"} is kept: loading the model repository…`
    : phase === "listing"
      ? example
        ? `Downloading the example images… ${listed ? `${listed} files` : ""}`
        : `Reading the folder… ${listed ? `${listed} files` : ""}`
      : progress?.backend
        ? `Embedding images on ${progress.backend === "webgpu" ? "the GPU (WebGPU)" : "the CPU (WebAssembly)"}: ${done} of ${total}${progress.failed ? `, ${progress.failed} unreadable` : ""} — about ${formatDuration(progress.etaMs)} left`
        : "Loading the proxy model…";
  return (
    <section className="progress" data-testid="progress" data-state={queued ? "queued" : phase} aria-live="polite">
      <label htmlFor="progress-bar">{label}</label>
      <progress id="progress-bar" max={total || 1} value={phase === "embedding" && !queued ? done : undefined} />
      <button type="button" onClick={cancel}>
        Cancel
      </button>
      {stalled && (
        <div className="stalled" role="alert" data-testid="stalled" data-step={stalled}>
          <p>
            No progress for {Math.round(STALL_MS / 1000)} s while {stalled}. A slow connection can take this long; if it stays stuck,
            try again (the same {example ? "example" : "folder"}, on a fresh start of the model).
          </p>
          <button type="button" data-testid="stalled-retry" onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </section>
  );
}
