import { readdirSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type { FileEntry } from "../../src/core/sampling.ts";

export interface LocalFile extends FileEntry {
  abs: string;
}

/** Lists every file under `root` as the page would see a dropped folder: paths start with the
 * folder's own name, "/"-separated. */
export function listFolder(root: string): LocalFile[] {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) throw new Error(`${root}: no such folder`);
  if (!st.isDirectory()) throw new Error(`${root}: not a folder; pass a folder of images (one sub-folder per class)`);
  const out: LocalFile[] = [];
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, ent.name);
      if (ent.isDirectory()) walk(abs);
      else if (ent.isFile()) {
        const rel = relative(root, abs).split(sep).join("/");
        out.push({ abs, path: `${basename(root)}/${rel}`, size: statSync(abs).size });
      }
    }
  };
  walk(root);
  return out;
}
