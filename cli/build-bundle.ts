/** Builds the static bundle the app reads (public/bundles) from data/.  npm run build-bundle */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { BYO_FILE } from "../src/core/bundle/byo.ts";
import { buildBundle, buildByo, REPO } from "./node/repoData.ts";

const out = resolve(REPO, "public/bundles");
mkdirSync(out, { recursive: true });
const { manifest, zoos } = buildBundle();
for (const zoo of zoos) {
  const file = manifest.zoos.find((z) => z.id === zoo.zoo)!.file;
  writeFileSync(resolve(out, file), JSON.stringify(zoo) + "\n");
  console.log(`${file}: ${zoo.models.length} models × ${zoo.tasks.length} tasks, hash ${zoo.hash.slice(0, 12)}`);
}
writeFileSync(resolve(out, "manifest.json"), JSON.stringify(manifest) + "\n");
const target = zoos.find((z) => z.zoo === "classic")!;
const byo = buildByo(target, zoos.filter((z) => z.models.every((m) => !m.measured)).map((z) => z.zoo));
writeFileSync(resolve(out, BYO_FILE), JSON.stringify(byo) + "\n");
console.log(`${BYO_FILE}: cold-start regressor into the ${byo.space} space, hash ${byo.hash.slice(0, 12)}`);
console.log(`manifest.json: hash ${manifest.hash.slice(0, 12)}`);
