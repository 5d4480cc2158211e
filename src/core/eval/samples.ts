/**
 * Folders as people drop them, made from a historical task's stored sample: the whole folder, and
 * small folders of a few classes (a person trying the tool with 20 or 40 images). Each is a list
 * of files that then goes through planDataset like any dropped folder, so the evaluation, the
 * placement fit and `npm run rank` on such a folder take exactly the same sample.
 */
import { hashString, mulberry32, shuffled } from "../math/random.ts";
import { DEFAULT_SAMPLE, planDataset, type FileEntry } from "../sampling.ts";

export interface SampleSpec {
  /** "stored" (the whole folder) or "n<images>-s<seed>". */
  id: string;
  /** Images in the small folder (null: the whole folder). */
  n: number | null;
  seed: number;
}

/** Small-folder sizes: 40 is the "10 classes × 4 images" folder of the targets. */
export const SUBSAMPLE_SIZES = [20, 40, 100] as const;
export const SUBSAMPLE_SEEDS = [1, 2, 3] as const;
export const SUBSAMPLE_MAX_CLASSES = 10;
export const STORED: SampleSpec = { id: "stored", n: null, seed: DEFAULT_SAMPLE.seed };

export function sampleSpecs(): SampleSpec[] {
  return [STORED, ...SUBSAMPLE_SIZES.flatMap((n) => SUBSAMPLE_SEEDS.map((seed) => ({ id: `n${n}-s${seed}`, n, seed })))];
}

/** Label of a file in a "<folder>/<class>/<file>" listing. */
const labelOf = (path: string) => path.split("/")[1] ?? "";

/**
 * The files of a small folder: at most SUBSAMPLE_MAX_CLASSES classes (seeded choice), then images
 * taken round-robin over them (seeded order within a class) until `n`. Null when the folder has
 * no more than `n` images (the small folder would be the whole one).
 */
export function subsampleFiles<F extends FileEntry>(files: readonly F[], spec: SampleSpec): F[] | null {
  if (spec.n === null) return [...files];
  if (files.length <= spec.n) return null;
  const rand = mulberry32(hashString(`subsample:${spec.n}`) ^ spec.seed);
  const byClass = new Map<string, F[]>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const c = labelOf(f.path);
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(f);
  }
  const classes = shuffled([...byClass.keys()].sort(), rand).slice(0, SUBSAMPLE_MAX_CLASSES);
  const lists = classes.map((c) => shuffled(byClass.get(c)!, rand));
  const out: F[] = [];
  for (let i = 0; out.length < spec.n; i++) {
    let added = false;
    for (const l of lists) {
      if (i < l.length && out.length < spec.n) {
        out.push(l[i]);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

/** One sample of a stored folder as the pipeline takes it: which of the folder's images (indices
 * into `files`), with their labels, and the folder's usable count. */
export interface FolderSample {
  spec: SampleSpec;
  rows: number[];
  labels: string[];
  usable: number;
}

/** The sample the pipeline takes of a folder made by `spec` (null where the spec does not apply). */
export function folderSample(files: readonly FileEntry[], spec: SampleSpec): FolderSample | null {
  const indexed = files.map((f, i) => ({ ...f, i }));
  const folder = subsampleFiles(indexed, spec);
  if (!folder) return null;
  const plan = planDataset(folder, DEFAULT_SAMPLE);
  return { spec, rows: plan.sample.map((s) => s.file.i), labels: plan.sample.map((s) => s.label), usable: plan.usable };
}
