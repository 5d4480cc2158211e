import { useRef, useState, type DragEvent } from "react";
import { listDropped, listInput } from "../dataset/walk.ts";
import { warmProxy } from "../worker/client.ts";
import { useApp } from "../store/appStore.ts";
import { SampleSettings } from "./SampleSettings.tsx";

/** Drop a folder, or pick one with the directory input (its keyboard-accessible twin). */
export function DropZone() {
  const ingest = useApp((s) => s.ingest);
  const busy = useApp((s) => s.phase === "listing" || s.phase === "embedding" || s.phase === "loading");
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
    if (busy) return;
    void ingest(listDropped(e.dataTransfer.items));
  };

  return (
    <section
      className={`dropzone${over ? " over" : ""}`}
      data-testid="dropzone"
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
      <SampleSettings />
    </section>
  );
}
