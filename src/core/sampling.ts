import { hashString, mulberry32, shuffled } from "./math/random.ts";

/** Image types the browser and the CLI both decode. */
export const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "bmp"] as const;

export interface FileEntry {
  /** Path relative to the dropped folder's parent, "/"-separated, e.g. "pets/cat/1.jpg". */
  path: string;
  size: number;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface SampleOptions {
  perClass: number;
  total: number;
  seed: number;
}

export const DEFAULT_SAMPLE: SampleOptions = { perClass: 50, total: 500, seed: 1 };

export interface DatasetPlan<F extends FileEntry = FileEntry> {
  /** True when images sit in class folders (root/<class>/<image>), false for a flat folder. */
  labelled: boolean;
  /** Every class with the number of usable images it has (before sampling). */
  classes: { name: string; count: number }[];
  /** Chosen images with their class ("" when unlabelled), in a deterministic order. */
  sample: { file: F; label: string }[];
  skipped: SkippedFile[];
  usable: number;
}

function extension(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Why a file is not used, or null when it is a candidate image. */
export function rejectReason(file: FileEntry): string | null {
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  if (name.startsWith(".") || name === "Thumbs.db" || name === "desktop.ini") return "hidden or system file";
  const ext = extension(file.path);
  if (ext === "heic" || ext === "heif") return "HEIC/HEIF is not supported by browser decoders; convert it to JPEG or PNG";
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
    return ext ? `not an image type we read (.${ext}); use jpg, png, webp, gif or bmp` : "no file extension; use jpg, png, webp, gif or bmp";
  }
  if (file.size === 0) return "empty file (0 bytes)";
  return null;
}

/** Drops a leading folder shared by every path (the dropped folder itself). */
function relativeParts(paths: readonly string[]): string[][] {
  const parts = paths.map((p) => p.split("/").filter(Boolean));
  const first = parts[0]?.[0];
  const shared = parts.length > 0 && parts.every((p) => p.length > 1 && p[0] === first);
  return shared ? parts.map((p) => p.slice(1)) : parts;
}

/**
 * Filters a folder listing to images, reads labels from the layout, and draws a per-class capped
 * sample with a fixed seed so that the same folder always gives the same sample, in page and CLI.
 */
export function planDataset<F extends FileEntry>(files: readonly F[], opts: SampleOptions = DEFAULT_SAMPLE): DatasetPlan<F> {
  const skipped: SkippedFile[] = [];
  const candidates: F[] = [];
  for (const f of files) {
    const reason = rejectReason(f);
    if (reason) skipped.push({ path: f.path, reason });
    else candidates.push(f);
  }
  const parts = relativeParts(candidates.map((f) => f.path));
  const labelled = parts.some((p) => p.length > 1);
  const byClass = new Map<string, F[]>();
  candidates.forEach((f, i) => {
    const p = parts[i];
    if (labelled && p.length === 1) {
      skipped.push({ path: f.path, reason: "image at the top level next to class folders; move it into a class folder" });
      return;
    }
    const label = labelled ? p[0] : "";
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label)!.push(f);
  });
  const names = [...byClass.keys()].sort();
  const perClass = names.map((name) => {
    const list = byClass.get(name)!.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const rand = mulberry32(hashString(name) ^ opts.seed);
    return shuffled(list, rand).slice(0, Math.max(0, opts.perClass));
  });
  // Round-robin over classes keeps the total cap fair to small classes.
  const sample: { file: F; label: string }[] = [];
  for (let i = 0; sample.length < opts.total; i++) {
    let added = false;
    for (let c = 0; c < names.length && sample.length < opts.total; c++) {
      if (i < perClass[c].length) {
        sample.push({ file: perClass[c][i], label: names[c] });
        added = true;
      }
    }
    if (!added) break;
  }
  return {
    labelled,
    classes: names.map((name) => ({ name, count: byClass.get(name)!.length })),
    sample,
    skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : 1)),
    usable: candidates.length - skipped.filter((s) => s.reason.startsWith("image at the top level")).length,
  };
}
