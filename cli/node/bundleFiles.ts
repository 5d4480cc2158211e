import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Manifest, Zoo } from "../../src/core/bundle/schema.ts";
import { validateManifest, validateZoo } from "../../src/core/bundle/validate.ts";
import { REPO } from "./repoData.ts";

export const BUNDLE_DIR = resolve(REPO, "public/bundles");

/** Reads and validates the committed bundle exactly as the page does. */
export function readCommittedBundle(dir = BUNDLE_DIR): { manifest: Manifest; zoo: (id: string) => Zoo } {
  const manifest = validateManifest(JSON.parse(readFileSync(resolve(dir, "manifest.json"), "utf8")));
  return {
    manifest,
    zoo: (id) => {
      const entry = manifest.zoos.find((z) => z.id === id);
      if (!entry) throw new Error(`unknown zoo "${id}"; this bundle has: ${manifest.zoos.map((z) => z.id).join(", ")}`);
      const zoo = validateZoo(JSON.parse(readFileSync(resolve(dir, entry.file), "utf8")), entry.file);
      if (zoo.hash !== entry.hash) throw new Error(`${entry.file}: hash differs from the manifest's; rebuild with npm run build-bundle`);
      return zoo;
    },
  };
}
