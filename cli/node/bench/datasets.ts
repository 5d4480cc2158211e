/**
 * Bench datasets, built in a temporary folder from the real images in ../shared/data/images:
 * a fixed sample laid out as class folders (one folder per source class, so no class exceeds the
 * app's 50-per-class cap and the page embeds every file), and a large folder of hard links for
 * the intake-memory figure.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { mulberry32, shuffled } from "../../../src/core/math/random.ts";
import { IMAGE_EXTENSIONS } from "../../../src/core/sampling.ts";

/** The repository root (cli/node/bench → three levels up). */
export const REPO = resolve(import.meta.dirname, "../../..");
/** The real images: ../shared/data/images beside the repository (FENNEC_BENCH_IMAGES overrides). */
export const SHARED_IMAGES = resolve(process.env.FENNEC_BENCH_IMAGES ?? resolve(REPO, "../shared/data/images"));

export interface SourceImage {
  abs: string;
  task: string;
  cls: string;
  bytes: number;
}

/** Every real image under shared/data/images/<task>/<class>/, sorted; fails clearly when absent. */
export function sourceImages(root = SHARED_IMAGES): SourceImage[] {
  if (!existsSync(root)) {
    throw new Error(
      `no real images at ${root}: the bench needs the shared data checkout (../shared/data/images, one folder per task, one sub-folder per class) next to this repository, or FENNEC_BENCH_IMAGES=<folder>`,
    );
  }
  const out: SourceImage[] = [];
  const dirs = (p: string) => readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const task of dirs(root)) {
    for (const cls of dirs(join(root, task))) {
      for (const name of readdirSync(join(root, task, cls)).sort()) {
        const ext = extname(name).slice(1).toLowerCase();
        if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) continue;
        const abs = join(root, task, cls, name);
        out.push({ abs, task, cls, bytes: statSync(abs).size });
      }
    }
  }
  if (out.length === 0) throw new Error(`${root} holds no images (jpg, png, webp, gif, bmp) in <task>/<class>/ folders`);
  return out;
}

function place(src: string, dst: string): "link" | "copy" {
  try {
    linkSync(src, dst);
    return "link";
  } catch {
    copyFileSync(src, dst);
    return "copy";
  }
}

export interface BuiltFolder {
  dir: string;
  files: number;
  classes: number;
  bytes: number;
  tasks: Record<string, number>;
}

/**
 * A fixed sample of `n` images (seeded shuffle of every source image, seed 1), laid out as
 * `<dir>/<task>__<class>/<file>`. Source classes hold at most 30 images, under the app's cap of
 * 50 per class, so for n ≤ 500 the page's sample is the whole folder.
 */
export function buildSample(images: readonly SourceImage[], dir: string, n: number): BuiltFolder {
  if (images.length < n) throw new Error(`only ${images.length} real images; the bench wants ${n}`);
  const pick = shuffled(images, mulberry32(1)).slice(0, n);
  const classes = new Set<string>();
  const tasks: Record<string, number> = {};
  let bytes = 0;
  for (const img of pick) {
    const cls = `${img.task}__${img.cls}`;
    if (!classes.has(cls)) mkdirSync(join(dir, cls), { recursive: true });
    classes.add(cls);
    tasks[img.task] = (tasks[img.task] ?? 0) + 1;
    bytes += img.bytes;
    place(img.abs, join(dir, cls, `${img.task}_${img.abs.split("/").pop()}`));
  }
  return { dir, files: pick.length, classes: classes.size, bytes, tasks };
}

/** `total` files in `nClasses` class folders, cycling through the real images (hard links where
 * the file system allows, copies otherwise). */
export function buildLarge(images: readonly SourceImage[], dir: string, total: number, nClasses: number): BuiltFolder & { method: string } {
  const order = shuffled(images, mulberry32(2));
  const methods = new Set<string>();
  let bytes = 0;
  for (let c = 0; c < nClasses; c++) mkdirSync(join(dir, `class_${String(c).padStart(2, "0")}`), { recursive: true });
  for (let i = 0; i < total; i++) {
    const img = order[i % order.length];
    const cls = `class_${String(i % nClasses).padStart(2, "0")}`;
    bytes += img.bytes;
    methods.add(place(img.abs, join(dir, cls, `img_${String(i).padStart(5, "0")}${extname(img.abs).toLowerCase()}`)));
  }
  return { dir, files: total, classes: nClasses, bytes, tasks: {}, method: [...methods].join("+") };
}
