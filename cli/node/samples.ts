/**
 * The samples of each historical task's stored folder that the evaluation scores and the
 * placement model is fitted on (src/core/eval/samples.ts), with each sample's class separability.
 * Separability is computed asynchronously (tfjs), so it is kept in data/derived/samples.json
 * (`npm run describe-samples`, also run by `npm run embed-tasks`); bundle builds read it
 * synchronously. test/samples.test.ts recomputes it and checks the file is current.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { folderSample, sampleSpecs, type SampleSpec } from "../../src/core/eval/samples.ts";
import { summariseImageStats } from "../../src/core/task/imageStats.ts";
import type { PlacementInput } from "../../src/core/task/placement.ts";
import { classSeparability } from "../../src/core/task/separability.ts";
import { DATA, readImageEmbeddings } from "./repoFiles.ts";

// A function, not a constant: repoFiles.ts imports this module while DATA is being defined.
export const samplesFile = () => resolve(DATA, "derived/samples.json");

export interface StoredSample {
  spec: SampleSpec;
  /** Rows of the task's embeddings (data/embeddings order) the pipeline samples. */
  rows: number[];
  labels: string[];
  usable: number;
  probe: number | null;
}

export type SamplesFile = Record<string, StoredSample[]>;

/** Computes every sample of every stored folder, with its separability. */
export async function computeSamples(): Promise<SamplesFile> {
  const out: SamplesFile = {};
  for (const t of readImageEmbeddings()) {
    const files = t.paths.map((path) => ({ path, size: 1 }));
    out[t.key] = [];
    for (const spec of sampleSpecs()) {
      const s = folderSample(files, spec);
      if (!s) continue;
      const probe = await classSeparability(s.rows.map((r) => t.embeddings[r]), s.labels);
      out[t.key].push({ spec: s.spec, rows: s.rows, labels: s.labels, usable: s.usable, probe });
    }
  }
  return out;
}

export function writeSamples(samples: SamplesFile): void {
  writeFileSync(samplesFile(), JSON.stringify(samples) + "\n");
}

let cache: SamplesFile | null = null;
export function readSamples(): SamplesFile {
  if (cache) return cache;
  const file = samplesFile();
  if (!existsSync(file)) throw new Error(`${file} is missing; run \`npm run describe-samples\``);
  return (cache = JSON.parse(readFileSync(file, "utf8")) as SamplesFile);
}

/** What the placement model reads of each sample of an image task, by image-sample key. */
export function placementSamples(): Map<string, PlacementInput[]> {
  const byKey = new Map(readImageEmbeddings().map((t) => [t.key, t]));
  return new Map(
    Object.entries(readSamples()).map(([key, list]) => {
      const t = byKey.get(key)!;
      return [key, list.map((s) => ({ domain: summariseImageStats(s.rows.map((r) => t.stats[r])), probe: s.probe, nClasses: new Set(s.labels).size, size: s.usable }))];
    }),
  );
}
