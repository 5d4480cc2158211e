/** Builds bundles from the repo's data/ (repoFiles.ts reads it). Shared by build-bundle,
 * rank --exclude-task and eval. */
import { readFileSync } from "node:fs";
import { buildManifest } from "../../src/core/bundle/build.ts";
import { sha256Hex } from "../../src/core/bundle/hash.ts";
import type { Manifest, Zoo } from "../../src/core/bundle/schema.ts";
import { ZOO_DEFINITIONS } from "../../src/core/zoos.ts";
import { buildTimmZoo, fitOnZoo } from "./coldstart.ts";
import type { ByoBundle } from "../../src/core/bundle/byo.ts";
import { withHash } from "../../src/core/bundle/hash.ts";
import { BUNDLE_SCHEMA } from "../../src/core/bundle/schema.ts";
import { EMBEDDING_DIM, PROXY_MODEL_PATH } from "./proxy.ts";
import { buildZooFor, historicalImageTasks, type Exclusion, readArchi2vec, readImageEmbeddings, readZooRecords, PROVENANCE } from "./repoFiles.ts";

export * from "./repoFiles.ts";

export interface BuiltBundle {
  manifest: Manifest;
  zoos: Zoo[];
}

/** The file that places a user's dropped ONNX model: archi2vec parameters and the cold-start
 * regressor fitted on the zoo whose space the predicted zoo shares. */
export function buildByo(target: Zoo, sameSpace: string[]): ByoBundle {
  const a2v = readArchi2vec();
  if (!a2v) throw new Error("data/derived/archi2vec.json is missing; run `npx tsx tools/build-archi2vec.ts`");
  return withHash<ByoBundle>({
    schema: BUNDLE_SCHEMA,
    space: target.zoo,
    spaceHash: target.hash,
    sameSpace,
    archi2vec: { method: a2v.method, idf: a2v.idf },
    coldStart: fitOnZoo(target),
  });
}

/** Builds manifest + zoos in memory. `excludeTask` removes a task (by its id in any zoo) from
 * the records and its image sample from the centroids: a clean leave-one-task-out space. */
export function buildBundle(opts: { excludeTask?: Exclusion; zoos?: string[] } = {}): BuiltBundle {
  const defs = ZOO_DEFINITIONS.filter((d) => !opts.zoos || opts.zoos.includes(d.id));
  const ex = opts.excludeTask;
  const centroids = historicalImageTasks(ex);
  const zoos = defs.map((def) => buildZooFor(def, ex));
  // The predicted zoo shares the classic zoo's space; it is built from it (cli/node/coldstart.ts).
  if (!opts.zoos || opts.zoos.includes("timm")) {
    if (typeof ex === "object" && ex.length > 1) throw new Error("buildBundle: the timm zoo holds out one task at a time");
    zoos.push(buildTimmZoo({ excludeTask: typeof ex === "object" ? ex[0] : ex }));
  }
  const manifest = buildManifest({
    provenance: PROVENANCE,
    proxy: { file: "models/mobilenetv2-fp32.onnx", sha256: sha256Hex(readFileSync(PROXY_MODEL_PATH)), embeddingDim: EMBEDDING_DIM },
    centroids,
    zoos: zoos.map((zoo) => ({ zoo, file: `zoo-${zoo.zoo}.json`, predicted: zoo.models.every((m) => !m.measured) })),
  });
  return { manifest, zoos };
}

/** Every task id of every zoo's records, plus the image-sample keys. */
export function knownTaskIds(): string[] {
  const ids = new Set<string>(readImageEmbeddings().map((t) => t.key));
  for (const def of ZOO_DEFINITIONS) for (const r of readZooRecords(def)) ids.add(r.dataset);
  return [...ids].sort();
}
