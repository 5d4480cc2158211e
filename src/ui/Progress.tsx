import { useApp } from "../store/appStore.ts";
import { formatDuration } from "./format.ts";

export function Progress() {
  const phase = useApp((s) => s.phase);
  const progress = useApp((s) => s.progress);
  const listed = useApp((s) => s.listed);
  const cancel = useApp((s) => s.cancel);
  if (phase !== "listing" && phase !== "embedding") return null;
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const label =
    phase === "listing"
      ? `Reading the folder… ${listed ? `${listed} files` : ""}`
      : progress?.backend
        ? `Embedding images on ${progress.backend === "webgpu" ? "the GPU (WebGPU)" : "the CPU (WebAssembly)"}: ${done} of ${total}${progress.failed ? `, ${progress.failed} unreadable` : ""} — about ${formatDuration(progress.etaMs)} left`
        : "Loading the proxy model…";
  return (
    <section className="progress" data-testid="progress" aria-live="polite">
      <label htmlFor="progress-bar">{label}</label>
      <progress id="progress-bar" max={total || 1} value={phase === "embedding" ? done : undefined} />
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </section>
  );
}
