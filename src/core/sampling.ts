import { hashString, mulberry32, shuffled } from "./math/random.ts";

/** Image types the browser and the CLI both decode. */
export const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "bmp"] as const;

export interface FileEntry {
  /** Path relative to the dropped folder's parent, "/"-separated, e.g. "pets/cat/1.jpg". */
  path: string;
  /** Bytes. Read only for the files the sample reaches: in a browser the first read of a picked
   * File's size is a synchronous round trip, 1.7 s for 10,000 files (a getter can defer it). */
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
  /** Every class with the number of images it has (before sampling; by name: an empty file that
   * the sample never reached is counted, one it reached is not). */
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

/** Why a file is not used judging by its name alone, or null when it may be an image. */
function nameRejectReason(path: string): string | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name.startsWith(".") || name === "Thumbs.db" || name === "desktop.ini") return "hidden or system file";
  const ext = extension(path);
  if (ext === "heic" || ext === "heif") return "HEIC/HEIF is not supported by browser decoders; convert it to JPEG or PNG";
  if (ext === "tif" || ext === "tiff") return "TIFF is not read by browsers; convert it to JPEG or PNG";
  if (ext === "avif") return "AVIF is not read here; convert it to JPEG or PNG";
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
    return ext ? `not an image type we read (.${ext}); use jpg, png, webp, gif or bmp` : "no file extension; use jpg, png, webp, gif or bmp";
  }
  return null;
}

const EMPTY = "empty file (0 bytes)";

/** Why a file is not used, or null when it is a candidate image. */
export function rejectReason(file: FileEntry): string | null {
  return nameRejectReason(file.path) ?? (file.size === 0 ? EMPTY : null);
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
    const reason = nameRejectReason(f.path);
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
  // Each class in a seeded random order, taken until the class's quota of non-empty files is met:
  // only the files the sample reaches have their size read.
  let empty = 0;
  const counts = new Map<string, number>();
  const perClass = names.map((name) => {
    const list = byClass.get(name)!.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const rand = mulberry32(hashString(name) ^ opts.seed);
    const chosen: F[] = [];
    let removed = 0;
    for (const f of shuffled(list, rand)) {
      if (chosen.length >= Math.max(0, opts.perClass)) break;
      if (f.size === 0) {
        skipped.push({ path: f.path, reason: EMPTY });
        removed++;
      } else chosen.push(f);
    }
    counts.set(name, list.length - removed);
    empty += removed;
    return chosen;
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
  const classes = names.map((name) => ({ name, count: counts.get(name)! })).filter((c) => c.count > 0);
  return {
    labelled,
    classes,
    sample,
    skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : 1)),
    usable: candidates.length - empty - skipped.filter((s) => s.reason.startsWith("image at the top level")).length,
  };
}
