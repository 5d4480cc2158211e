/** Reads the repo's data/ folder: records copies, model metadata, historical-task embeddings,
 * archi2vec; and builds one zoo from them. The bundle as a whole is put together in repoData.ts,
 * which also needs the cold-start zoo (coldstart.ts reads through this file, not repoData.ts). */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import Papa from "papaparse";
import { buildCentroids, buildZoo, CENTROID_DIGITS, type ImageTaskEmbeddings, type ModelInfo } from "../../src/core/bundle/build.ts";
import { round } from "../../src/core/math/linalg.ts";
import { meanCentredUnit } from "../../src/core/task/descriptor.ts";
import { placementSamples } from "./samples.ts";
import type { Zoo } from "../../src/core/bundle/schema.ts";
import type { TidyRecord } from "../../src/core/space/matrix.ts";
import { excludedImageKeys, excludedTasksFor, type ZooDefinition } from "../../src/core/zoos.ts";
import { nearestArchs, type Archi2VecData } from "../../src/core/archi2vec/index.ts";
import { classicBackbone, hubBackbones, parseHubMeta } from "../../src/core/backbone.ts";
import type { ImageStats } from "../../src/core/task/imageStats.ts";

export const REPO = resolve(import.meta.dirname, "../..");
export const DATA = resolve(REPO, "data");
export const EMBEDDINGS_INDEX = resolve(DATA, "embeddings/index.json");
export const EMBEDDINGS_BIN = resolve(DATA, "embeddings/historical.f32");

export function readCsv(file: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors[0].message} (row ${parsed.errors[0].row})`);
  return parsed.data;
}

const recordsCache = new Map<string, readonly TidyRecord[]>();
/** A zoo's records, read once per process: every held-out build of the evaluation uses them. */
export function readZooRecords(def: ZooDefinition): readonly TidyRecord[] {
  if (!recordsCache.has(def.id))
    recordsCache.set(
      def.id,
      def.sources.flatMap(({ file, metric }) =>
        readCsv(resolve(DATA, "records", file))
          .filter((r) => r.metric === metric && !(r.dataset in (def.dropTasks ?? {})))
          .map((r) => ({ model: r.model, dataset: r.dataset, value: Number(r.value) })),
      ),
    );
  return recordsCache.get(def.id)!;
}

export function readArchi2vec(): Archi2VecData | null {
  const file = resolve(DATA, "derived/archi2vec.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Archi2VecData) : null;
}

/** Short architecture summary for the detail panel: depth, op counts, 5 nearest graphs. */
function archSummary(a2v: Archi2VecData, arch: string): ModelInfo["archInfo"] {
  const e = a2v.archs[arch];
  if (!e) return null;
  return {
    depth: e.depth,
    ops: e.opCounts,
    nearest: nearestArchs(a2v, e.embedding, 5, arch).map((n) => ({ arch: n.arch, cosine: Number(n.cosine.toFixed(3)) })),
  };
}

const HUB_FAMILY: Record<string, string> = {
  vit: "ViT",
  swin: "Swin",
  convnext: "ConvNeXt",
  beit: "BEiT",
  deit: "DeiT",
  van: "VAN",
  resnet: "ResNet",
  "data2vec-vision": "Data2Vec",
};

/** Display metadata per zoo; params/FLOPs come from the linked architecture graph where known. */
export function modelInfoFor(zooId: string): (id: string) => ModelInfo {
  const a2v = readArchi2vec();
  const arch = (id: string) => (a2v?.links as Record<string, Record<string, string>> | undefined)?.[zooId]?.[id] ?? null;
  const graph = (id: string) => {
    const a = arch(id);
    return a ? a2v!.archs[a] : undefined;
  };
  const archInfo = (id: string) => {
    const a = arch(id);
    return a && a2v ? archSummary(a2v, a) : null;
  };
  if (zooId === "classic") {
    const meta = JSON.parse(readFileSync(resolve(DATA, "models/classic-models.json"), "utf8")).models as Record<string, Omit<ModelInfo, "params" | "flops" | "inputSize" | "imagenetTop1" | "arch" | "archInfo">>;
    return (id) => {
      const m = meta[id];
      if (!m) throw new Error(`classic zoo: no metadata for model ${id} in data/models/classic-models.json`);
      const g = graph(id);
      return { ...m, params: g?.params ?? null, flops: g?.flops ?? null, inputSize: g?.input ?? 224, imagenetTop1: null, arch: arch(id), archInfo: archInfo(id), ...classicBackbone(id) };
    };
  }
  if (zooId === "hub") {
    const rows = new Map(readCsv(resolve(DATA, "records/transfergraph_image_model_meta.csv")).map((r) => [r.model, r]));
    const backbones = hubBackbones([...rows.values()].map(parseHubMeta));
    return (id) => {
      const r = rows.get(id);
      const pre = r?.pretrain_or_finetune_dataset || "unknown";
      return {
        name: id,
        library: "hf",
        sourceId: id,
        url: `https://huggingface.co/${id}`,
        family: HUB_FAMILY[r?.model_type ?? ""] ?? (r?.model_type || "unknown"),
        params: r?.num_parameters ? Number(r.num_parameters) : (graph(id)?.params ?? null),
        flops: graph(id)?.flops ?? null,
        inputSize: r?.input_size ? Math.round(Number(r.input_size)) : null,
        pretraining: pre === "hfpics" ? "HF hub checkpoint (hfpics)" : pre,
        imagenetTop1: null,
        arch: arch(id),
        archInfo: archInfo(id),
        code: `AutoModelForImageClassification.from_pretrained("${id}")`,
        ...(backbones.get(id) ?? { backbone: id, finetunedOn: null }),
      };
    };
  }
  throw new Error(`no model metadata for zoo ${zooId}`);
}

export interface EmbeddingsIndex {
  dim: number;
  model: string;
  /** probe: the sample's class separability (src/core/task/separability.ts), stored because it is
   * computed asynchronously and depends on the sample alone. */
  tasks: { key: string; name: string; nClasses: number; probe: number | null; files: { path: string; label: string; stats: ImageStats }[] }[];
}

type StoredImages = ImageTaskEmbeddings & { labels: string[]; paths: string[] };
let embeddingsCache: StoredImages[] | null = null;
/** The historical image samples' embeddings (read once: every fold of the evaluation uses them). */
export function readImageEmbeddings(): StoredImages[] {
  return (embeddingsCache ??= readImageEmbeddingsFile());
}

function readImageEmbeddingsFile(): StoredImages[] {
  if (!existsSync(EMBEDDINGS_INDEX)) throw new Error(`${EMBEDDINGS_INDEX} is missing; run \`npm run embed-tasks\` first`);
  const index = JSON.parse(readFileSync(EMBEDDINGS_INDEX, "utf8")) as EmbeddingsIndex;
  const buf = readFileSync(EMBEDDINGS_BIN);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  let row = 0;
  return index.tasks.map((t) => ({
    key: t.key,
    name: t.name,
    nClasses: t.nClasses,
    labels: t.files.map((f) => f.label),
    paths: t.files.map((f) => f.path),
    stats: t.files.map((f) => f.stats),
    probe: t.probe,
    embeddings: t.files.map(() => all.subarray(index.dim * row, index.dim * ++row)),
  }));
}

export const PROVENANCE =
  "Built by `npm run build-bundle` from data/ in the Fennec Web repository: transfer records copied from the public repositories listed in data/records/PROVENANCE.md, historical-task embeddings of the image samples listed in data/embeddings/SOURCES.md by the proxy model in public/models.";

/** Tasks to hold out: one id (any zoo's task id or an image-sample key), several, or none. */
export type Exclusion = string | readonly string[] | undefined;
const exclusionList = (ex: Exclusion): string[] => (ex === undefined ? [] : typeof ex === "string" ? [ex] : [...ex]);

/** One zoo's space from the repo's records, with tasks held out when `exclude` names any. */
export function buildZooFor(def: ZooDefinition, exclude?: Exclusion): Zoo {
  const list = exclusionList(exclude);
  return buildZoo({
    def,
    records: readZooRecords(def),
    info: cachedModelInfo(def.id),
    excludeTasks: [...new Set(list.flatMap((t) => excludedTasksFor(def, t, imageKeys())))],
    provenance: PROVENANCE,
    imageTasks: historicalImageTasks(list).imageTasks,
    placementSamples: placementSamples(),
  });
}

const infoCache = new Map<string, (id: string) => ModelInfo>();
/** Model metadata, memoised per model: it does not depend on the held-out tasks, and computing it
 * (nearest architectures) would dominate the evaluation's many rebuilds otherwise. */
function cachedModelInfo(zooId: string): (id: string) => ModelInfo {
  if (!infoCache.has(zooId)) {
    const info = modelInfoFor(zooId);
    const memo = new Map<string, ModelInfo>();
    infoCache.set(zooId, (m) => {
      if (!memo.has(m)) memo.set(m, info(m));
      return memo.get(m)!;
    });
  }
  return infoCache.get(zooId)!;
}

const centroidsCache = new Map<string, HistoricalImages>();
export type HistoricalImages = ReturnType<typeof buildCentroids> & { finetuneData: { key: string; centroid: number[] }[] };
/** The manifest's centring vector and image tasks, without the held-out tasks' samples; those
 * samples stay as `finetuneData` (what some models were fine-tuned on is a fact about them). */
export function historicalImageTasks(exclude?: Exclusion): HistoricalImages {
  const list = exclusionList(exclude);
  const key = [...list].sort().join(",");
  if (!centroidsCache.has(key)) {
    const all = readImageEmbeddings();
    const dropped = new Set(list.flatMap((t) => [...excludedImageKeys(t, all.map((x) => x.key))]));
    const kept = buildCentroids(all.filter((t) => !dropped.has(t.key)));
    const finetuneData = all
      .filter((t) => dropped.has(t.key))
      .map((t) => ({ key: t.key, centroid: meanCentredUnit(t.embeddings, kept.center).map((x) => round(x, CENTROID_DIGITS)) }));
    centroidsCache.set(key, { ...kept, finetuneData });
  }
  return centroidsCache.get(key)!;
}

let imageKeysCache: string[] | null = null;
function imageKeys(): string[] {
  return (imageKeysCache ??= (JSON.parse(readFileSync(EMBEDDINGS_INDEX, "utf8")) as EmbeddingsIndex).tasks.map((t) => t.key));
}

