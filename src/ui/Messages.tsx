import { useApp } from "../store/appStore.ts";

/** Errors in words a person can act on; text only, so file names with markup stay text. */
export function Messages() {
  const errors = useApp((s) => s.errors);
  const notice = useApp((s) => s.notice);
  const dismiss = useApp((s) => s.dismissErrors);
  if (!errors.length) {
    return notice ? (
      <p className="notice" data-testid="notice" role="status">
        {notice}
      </p>
    ) : null;
  }
  return (
    <section className="errors" data-testid="error" role="alert">
      <ul>
        {errors.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </section>
  );
}

/** Files left out of the sample, each named with its reason (data-testid "skipped-files", an
 * interface outside checks use; "error" is only for errors). */
export function SkippedFiles() {
  const skipped = useApp((s) => s.skipped);
  if (!skipped.length) return null;
  return (
    <details className="skipped" data-testid="skipped-files" open={skipped.length <= 10}>
      <summary>
        {skipped.length} file{skipped.length === 1 ? " was" : "s were"} skipped
      </summary>
      <ul>
        {skipped.slice(0, 500).map((s) => (
          <li key={s.path} data-testid="skipped-file">
            <span className="path">{s.path}</span>: {s.reason}
          </li>
        ))}
        {skipped.length > 500 && <li>…and {skipped.length - 500} more</li>}
      </ul>
    </details>
  );
}
