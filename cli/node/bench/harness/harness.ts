/**
 * Bench harness page (not part of the app): drives harness.worker.ts, which runs the app's own
 * decode, preprocessing and the same onnxruntime-web build, with no UI, store or Comlink around it.
 * The bench calls `globalThis.__HARNESS__` through Playwright.
 */
import { planDataset } from "../../../../src/core/sampling.ts";
import { listInput } from "../../../../src/dataset/walk.ts";
import type { EmbedReply, HarnessReply, HarnessRequest } from "./harness.worker.ts";
import type { ResizeVariant } from "./resize.ts";

/** Bytes as base64: Playwright carries strings back to Node far faster than number arrays. */
function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const worker = new Worker(new URL("./harness.worker.ts", import.meta.url), { type: "module", name: "fennec-bench-harness" });
let nextId = 1;
const pending = new Map<number, { resolve: (r: HarnessReply) => void; reject: (e: Error) => void }>();
worker.onmessage = (e: MessageEvent<{ id: number; ok: boolean; result?: HarnessReply; error?: string }>) => {
  const p = pending.get(e.data.id);
  if (!p) return;
  pending.delete(e.data.id);
  if (e.data.ok) p.resolve(e.data.result!);
  else p.reject(new Error(e.data.error));
};
worker.onerror = (e) => {
  for (const p of pending.values()) p.reject(new Error(`harness worker error: ${e.message}`));
  pending.clear();
};

function call(req: HarnessRequest): Promise<HarnessReply> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, req });
  });
}

/** The chosen folder's files in the app's sample order (same planDataset as the page). */
function sampledFiles(): File[] {
  const input = document.getElementById("files") as HTMLInputElement;
  const plan = planDataset(listInput(input.files ?? []).files);
  return plan.sample.map((s) => s.file.file);
}

(globalThis as { __HARNESS__?: unknown }).__HARNESS__ = {
  init: (modelUrl: string) => call({ type: "init", modelUrl, build: new URLSearchParams(location.search).get("build") === "jsep" ? "jsep" : "plain" }),
  bare: (count: number, batch: number) => call({ type: "bare", count, batch }),
  pipeline: (batch: number, limit: number) => call({ type: "pipeline", files: sampledFiles().slice(0, limit), batch }),
  selected: () => sampledFiles().length,
  /** The files of the #list input, in the order they were given. */
  embedList: async (resize: ResizeVariant) => {
    const r = (await call({ type: "embed", files: [...((document.getElementById("list") as HTMLInputElement).files ?? [])], resize })) as EmbedReply;
    return { ...r, embeddings: toBase64(new Uint8Array(r.embeddings.buffer)) };
  },
  pageIsolated: () => self.crossOriginIsolated,
};
