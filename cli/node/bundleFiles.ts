import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Manifest, Zoo } from "../../src/core/bundle/schema.ts";
import { validateListedZoo, validateManifest } from "../../src/core/bundle/validate.ts";
import { REPO } from "./repoData.ts";

export const BUNDLE_DIR = resolve(REPO, "public/bundles");

/** Reads and validates the committed bundle exactly as the page does. */
export function readCommittedBundle(dir = BUNDLE_DIR): { manifest: Manifest; zoo: (id: string) => Zoo } {
  const manifest = validateManifest(JSON.parse(readFileSync(resolve(dir, "manifest.json"), "utf8")));
  return {
    manifest,
    zoo: (id) => validateListedZoo(manifest, id, (file) => JSON.parse(readFileSync(resolve(dir, file), "utf8")), "rebuild it with npm run build-bundle"),
  };
}
