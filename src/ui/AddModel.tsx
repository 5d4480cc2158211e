import { useState, type DragEvent } from "react";
import { useApp } from "../store/appStore.ts";

/** Drop or pick your own architecture as an ONNX file: it is parsed, embedded by archi2vec and
 * placed as a cold-start model, all in this page. */
export function AddModel({ placedHere, spaceName }: { placedHere: boolean; spaceName?: string }) {
  const add = useApp((s) => s.addUserModels);
  const busy = useApp((s) => s.modelBusy);
  const count = useApp((s) => s.userModels.length);
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) void add(Array.from(e.dataTransfer.files));
  };
  return (
    <div
      className={`add-model${over ? " over" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label className="button secondary">
        {busy ? "Reading your model…" : "Add your own model (.onnx)"}
        <input
          type="file"
          accept=".onnx"
          multiple
          data-testid="model-input"
          disabled={busy}
          onChange={(e) => {
            const files = e.currentTarget.files;
            if (files?.length) void add(Array.from(files));
            e.currentTarget.value = "";
          }}
        />
      </label>
      <span className="hint">
        or drop an .onnx file here: its architecture is embedded and its score predicted from the graph alone (marked “yours”, predicted).
        {!placedHere && count > 0 && ` Your models are placed in the ${spaceName} space: switch to that zoo (or timm) to see them.`}
      </span>
    </div>
  );
}
