import { useState } from "react";

/** Copies text and says so in a live region; tells the person when the clipboard is refused. */
export function CopyButton({ text, label = "Copy", testid }: { text: string; label?: string; testid?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <>
      <button
        type="button"
        data-testid={testid}
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setState("copied"),
            () => setState("failed"),
          )
        }
      >
        {label}
      </button>
      <span role="status" className="copy-status">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select the text and copy it by hand" : ""}
      </span>
    </>
  );
}
