/**
 * Builds data/derived/archi2vec.json: WL-hash embedding, meta-features (parameters, MACs, depth,
 * op counts) of every traced architecture, and the links from the record zoos to those graphs.
 *
 *   npx tsx tools/build-archi2vec.ts [--graphs FILE.jsonl.gz] [--records DIR] [--out FILE]
 *
 * Deterministic: same inputs, byte-identical output.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import Papa from "papaparse";
import {
  archKey, canonicalize, DEFAULT_METHOD, embedFeatures, featureDim, fitIdf, graphMeta, linkClassic, linkHub,
  linkTimm, round, typedGraphFromTorch, wlFeatures, type Archi2VecData, type ArchEntry, type Catalogue,
  type TorchLine,
} from "../src/core/archi2vec/index.ts";

const REPO = resolve(import.meta.dirname, "..");
const SHARED = resolve(REPO, "../shared/data");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : fallback;
}

const GRAPHS = arg("--graphs", resolve(SHARED, "graphs/arch-graphs.jsonl.gz"));
const RECORDS = arg("--records", resolve(SHARED, "records"));
const OUT = arg("--out", resolve(REPO, "data/derived/archi2vec.json"));

function readCsv(name: string): Record<string, string>[] {
  const local = resolve(REPO, "data/records", name);
  const file = existsSync(resolve(RECORDS, name)) ? resolve(RECORDS, name) : local;
  const parsed = Papa.parse<Record<string, string>>(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors[0].message}`);
  return parsed.data;
}

async function readGraphs(file: string): Promise<TorchLine[]> {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const out: TorchLine[] = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as TorchLine & { error?: string };
    if (Array.isArray(d.nodes)) out.push(d);
  }
  return out;
}

const num = (s: string | undefined) => (s && s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : undefined);
const uniq = (xs: string[]) => [...new Set(xs)];

async function main() {
  const t0 = Date.now();
  const lines = await readGraphs(GRAPHS);
  const method = { ...DEFAULT_METHOD };
  const cat: Catalogue = {};
  const entries = new Map<string, Omit<ArchEntry, "embedding">>();
  const features = new Map<string, Map<string, number>>();
  const paramCheck: number[] = [];
  for (const line of lines) {
    const key = archKey(line.lib, line.arch);
    if (entries.has(key)) throw new Error(`duplicate arch key ${key}`);
    const typed = typedGraphFromTorch(line);
    const meta = graphMeta(typed, line.input);
    paramCheck.push(Math.abs(meta.params - line.params) / Math.max(1, line.params));
    entries.set(key, { lib: line.lib, input: line.input, params: line.params, flops: meta.macs, depth: meta.depth, opCounts: meta.opCounts });
    cat[key] = { lib: line.lib, params: line.params, input: line.input, featureDim: featureDim(typed), outDim: line.out_dim, modelType: line.model_type };
    features.set(key, wlFeatures(canonicalize(typed), method.iterations));
  }
  const keys = [...entries.keys()].sort();
  const fitted = fitIdf(keys.map((k) => features.get(k) as Map<string, number>), method);

  const archs: Record<string, ArchEntry> = {};
  for (const k of keys) {
    const e = embedFeatures(features.get(k) as Map<string, number>, fitted.method, fitted.idf).map((x) => round(x, 4));
    const meta = entries.get(k) as Omit<ArchEntry, "embedding">;
    archs[k] = { ...meta, opCounts: Object.fromEntries(Object.entries(meta.opCounts).sort()), embedding: e };
  }

  const classicModels = uniq(["sfda_group1_supervised_finetune.csv", "sfda_group2_selfsup_finetune.csv", "emms_vit_finetune.csv"].flatMap((f) => readCsv(f).map((r) => r.model))).sort();
  const hubModels = new Set(readCsv("transfergraph_image.csv").map((r) => r.model));
  const hubRows = readCsv("transfergraph_image_model_meta.csv")
    .filter((r) => hubModels.has(r.model))
    .sort((a, b) => (a.model < b.model ? -1 : 1))
    .map((r) => ({
      model: r.model, modelType: r.model_type, architectures: r.hf_architectures, numParameters: num(r.num_parameters),
      numLabels: num(r.num_labels), inputSize: num(r.input_size), featureDim: num(r.feature_dim),
    }));
  const timmRows = readCsv("timm_model_meta.csv").map((r) => ({ model: r.model, arch: r.arch })).sort((a, b) => (a.model < b.model ? -1 : 1));
  const classic = linkClassic(classicModels, cat);
  const hub = linkHub(hubRows, cat);
  const timm = linkTimm(timmRows, cat);

  const data: Archi2VecData = {
    version: 1,
    method: {
      ...fitted.method,
      graph: "canonical op graph (vocab.ts): views and parameter-only nodes dropped, BN after conv folded, fused attention expanded",
      wl: "labels hashed with FNV-1a (2×32 bit) over label(sorted producer labels|sorted consumer labels)",
      features: "<iteration>:<label> for iterations 0..iterations",
      tf: "log(1 + count)",
      idf: "log((1+n)/(1+df)) + 1 over distinct graphs, stored for features with df >= idfMinDf·n in idf[featureSlot]; others use idfCap",
      hashing: "bucket = murmur-mixed FNV-1a(feature) mod buckets, sign = its top bit",
      normalisation: "L2",
      flops: "multiply-accumulates (MACs) of conv, linear and matmul ops at the native input size",
      depth: "longest path counted in conv/dwconv/linear ops",
      corpus: lines.length,
    },
    idf: fitted.idf,
    archs,
    links: { classic: classic.links, hub: hub.links, timm: timm.links },
    linkRules: { classic: classic.rules, hub: hub.rules },
    unlinked: { classic: classic.unlinked, hub: hub.unlinked, timm: timm.unlinked },
  };

  // One arch per line keeps the file diffable without the bulk of full pretty-printing.
  const body = Object.entries(data)
    .map(([k, v]) => {
      if (k !== "archs") return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
      const rows = Object.entries(v as Record<string, ArchEntry>).map(([a, e]) => `${JSON.stringify(a)}:${JSON.stringify(e)}`);
      return `"archs":{\n${rows.join(",\n")}\n}`;
    })
    .join(",\n");
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `{\n${body}\n}\n`);

  const bad = paramCheck.filter((x) => x > 0.01).length;
  const count = (r: Record<string, string>) =>
    Object.entries(Object.values(r).reduce<Record<string, number>>((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {})).map(([x, n]) => `${x} ${n}`).join(", ");
  console.log(`archs ${keys.length}; parameter sum of traced shapes within 1% of the recorded count for ${keys.length - bad}`);
  console.log(`classic: ${Object.keys(classic.links).length}/${classicModels.length} linked (${count(classic.rules)}); unlinked: ${classic.unlinked.join(", ") || "none"}`);
  console.log(`hub: ${Object.keys(hub.links).length}/${hubRows.length} linked (${count(hub.rules)}); unlinked: ${hub.unlinked.join(", ") || "none"}`);
  console.log(`timm: ${Object.keys(timm.links).length}/${Object.keys(timm.links).length + timm.unlinked.length} linked`);
  console.log(`wrote ${OUT} (${(readFileSync(OUT).length / 1e6).toFixed(2)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
