/** Embeds every image of the historical-task samples (../shared/data/images) with the proxy and
 * writes data/embeddings/: derived numbers only, the images themselves stay outside the repo.
 *   npm run embed-tasks [-- <images-folder>] */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { planDataset } from "../src/core/sampling.ts";
import { classSeparability } from "../src/core/task/separability.ts";
import { createProxySession, embedFiles, EMBEDDING_DIM } from "./node/proxy.ts";
import { listFolder } from "./node/files.ts";
import { EMBEDDINGS_BIN, EMBEDDINGS_INDEX, REPO, type EmbeddingsIndex } from "./node/repoData.ts";

const root = resolve(process.argv[2] ?? resolve(REPO, "../shared/data/images"));
const session = await createProxySession();
const index: EmbeddingsIndex = { dim: EMBEDDING_DIM, model: "public/models/mobilenetv2-fp32.onnx", tasks: [] };
const chunks: Float32Array[] = [];
for (const key of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  const files = listFolder(resolve(root, key));
  const plan = planDataset(files, { perClass: Infinity, total: Infinity, seed: 1 });
  const t0 = performance.now();
  const { embeddings, stats, errors } = await embedFiles(session, plan.sample.map((s) => s.file.abs));
  if (errors.length) throw new Error(`${key}: ${errors.length} images failed: ${errors[0].reason}`);
  chunks.push(...(embeddings as Float32Array[]));
  index.tasks.push({
    key,
    name: key,
    nClasses: plan.classes.length,
    probe: await classSeparability(embeddings as Float32Array[], plan.sample.map((s) => s.label)),
    files: plan.sample.map((s, i) => ({ path: s.file.path, label: s.label, stats: stats[i]! })),
  });
  console.log(`${key}: ${plan.sample.length} images, ${plan.classes.length} classes, ${((plan.sample.length / (performance.now() - t0)) * 1000).toFixed(1)} images/s`);
}
mkdirSync(dirname(EMBEDDINGS_BIN), { recursive: true });
const all = new Float32Array(chunks.length * EMBEDDING_DIM);
chunks.forEach((c, i) => all.set(c, i * EMBEDDING_DIM));
writeFileSync(EMBEDDINGS_BIN, new Uint8Array(all.buffer));
writeFileSync(EMBEDDINGS_INDEX, JSON.stringify(index, null, 0) + "\n");
console.log(`wrote ${chunks.length} embeddings to ${EMBEDDINGS_BIN}`);
