import { useEffect, useMemo } from "react";
import { encodeShare } from "../core/share/codec.ts";
import { useApp } from "../store/appStore.ts";
import { CopyButton } from "./CopyButton.tsx";

/** The link that reopens this ranking without the images; kept in the address bar too. */
export function ShareBar() {
  const manifest = useApp((s) => s.manifest);
  const descriptor = useApp((s) => s.descriptor);
  const zooId = useApp((s) => s.zooId);
  const view = useApp((s) => s.view);
  const observed = useApp((s) => s.observed);
  const code = useMemo(
    () =>
      manifest && descriptor
        ? encodeShare({
            bundle: manifest.hash,
            zoo: zooId,
            descriptor,
            view: {
              q: view.q || undefined,
              sort: view.sort ?? undefined,
              open: view.open ?? undefined,
              filters: Object.keys(view.filters).length ? (view.filters as Record<string, string | number | string[]>) : undefined,
            },
            observed,
          })
        : null,
    [manifest, descriptor, zooId, view, observed],
  );
  useEffect(() => {
    if (code) history.replaceState(null, "", `#${code}`);
  }, [code]);
  if (!code) return null;
  const url = `${location.origin}${location.pathname}#${code}`;
  return (
    <div className="share">
      <label>
        Share this ranking{" "}
        <input data-testid="share-link" readOnly value={url} onFocus={(e) => e.currentTarget.select()} size={40} />
      </label>
      <CopyButton text={url} label="Copy link" testid="copy-link" />
    </div>
  );
}
