import { useRef, useState, type DragEvent } from "react";
import { listDropped, listInput } from "../dataset/walk.ts";
import { warmProxy } from "../worker/client.ts";
import { useApp } from "../store/appStore.ts";
import { Example } from "./Example.tsx";
import { SampleSettings } from "./SampleSettings.tsx";

/** Drop a folder, or pick one with the directory input (its keyboard-accessible twin). A folder
 * chosen while the page still loads is kept by the store and ranked once it can be. */
export function DropZone() {
  const ingest = useApp((s) => s.ingest);
  // Only a run in progress refuses a new folder; the page's own loading does not.
  const busy = useApp((s) => s.phase === "listing" || s.phase === "embedding");
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const choice = useApp((s) => s.backendChoice);
  const ready = useApp((s) => s.manifest !== null);
  const warm = () => {
    if (ready) warmProxy(choice);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (busy) {
      // Said, not ignored: the run in progress keeps the workers until it ends or is cancelled.
      useApp.setState((s) => ({ errors: [...s.errors, "A folder is being ranked already: wait for its table, or press Cancel, then drop the new folder again."] }));
      return;
    }
    void ingest(listDropped(e.dataTransfer.items));
  };

  return (
    <section
      className={`dropzone${over ? " over" : ""}`}
      data-testid="dropzone"
      id="dropzone"
      tabIndex={-1}
      aria-label="Drop a folder of images"
      onPointerEnter={warm}
      onFocus={warm}
      onDragEnter={warm}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="dz-title">Drop a folder of images here</p>
      <p className="dz-hint">
        One sub-folder per class (<code>my-task/cat/1.jpg</code>), or a flat folder for an unlabelled task. Images stay on
        this computer: they are embedded in this page and never uploaded.
      </p>
      <div className="dz-buttons">
        <label className="button">
          Choose a folder…
          <input
            ref={input}
            type="file"
            data-testid="dataset-input"
            // @ts-expect-error: webkitdirectory is not in React's types but every current browser supports it
            webkitdirectory=""
            directory=""
            multiple
            disabled={busy}
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (files && files.length) void ingest(Promise.resolve(listInput(files)));
              else if (files) void ingest(Promise.resolve({ files: [], unreadable: [] }));
              e.currentTarget.value = "";
            }}
          />
        </label>
        <Example />
      </div>
      <SampleSettings />
    </section>
  );
}
