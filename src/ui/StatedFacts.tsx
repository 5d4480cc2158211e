import { useEffect, useId, useState, type FormEvent } from "react";
import { useApp } from "../store/appStore.ts";
import { setStated } from "../store/served.ts";

/** "Your folder is a sample of a larger dataset": its real size and class count, optional. The
 * meta-score reads them instead of the folder's counts (src/core/task/counts.ts); links keep them. */
export function StatedFacts() {
  const stated = useApp((s) => s.descriptor?.stated);
  // Primitives, not an object: a selector must return the same value while nothing changed.
  const images = useApp((s) => (s.descriptor ? (s.descriptor.size ?? s.descriptor.nImages) : null));
  const folderClasses = useApp((s) => s.descriptor?.nClasses ?? 0);
  const [size, setSize] = useState(stated?.size?.toString() ?? "");
  const [classes, setClasses] = useState(stated?.classes?.toString() ?? "");
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    setSize(stated?.size?.toString() ?? "");
    setClasses(stated?.classes?.toString() ?? "");
  }, [stated?.size, stated?.classes]);
  if (images === null) return null;
  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    const parse = (v: string) => (v.trim() === "" ? undefined : Number(v.replace(/[\s,_]/g, "")));
    setError(setStated({ size: parse(size), classes: parse(classes) }));
  };
  return (
    <form className="stated" onSubmit={apply} aria-describedby={`${id}-hint`} data-testid="stated-facts">
      <fieldset>
        <legend>The whole dataset (optional)</legend>
        <p id={`${id}-hint`} className="hint">
          If your folder is a sample, say how many training images and classes the full dataset has: the ranking then reads those instead of the
          folder's {images.toLocaleString("en")} images and {folderClasses} classes.
        </p>
        <label>
          Training images
          <input type="text" inputMode="numeric" value={size} onChange={(e) => setSize(e.target.value)} onBlur={() => apply()} data-testid="stated-size" placeholder="e.g. 27000" />
        </label>
        <label>
          Classes
          <input type="text" inputMode="numeric" value={classes} onChange={(e) => setClasses(e.target.value)} onBlur={() => apply()} data-testid="stated-classes" placeholder="e.g. 10" />
        </label>
        <button type="submit">Apply</button>
        {error && (
          <p role="alert" className="field-error" data-testid="stated-error">
            Not applied: {error}.
          </p>
        )}
      </fieldset>
    </form>
  );
}
