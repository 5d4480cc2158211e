import type { z } from "zod";
import { contentHash } from "./hash.ts";
import { ManifestSchema, ZooSchema, type Manifest, type Zoo } from "./schema.ts";

export class BundleError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "BundleError";
  }
}

function explain(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"} ${i.message}`)
    .join("; ");
}

function parse<T>(schema: z.ZodType<T>, file: string, raw: unknown): T {
  if (!raw || typeof raw !== "object") throw new BundleError(file, "is not a JSON object");
  const res = schema.safeParse(raw);
  if (!res.success) throw new BundleError(file, `does not match the bundle schema (${explain(res.error.issues)})`);
  const expected = contentHash(raw as Record<string, unknown>);
  if (expected !== (res.data as { hash: string }).hash) {
    throw new BundleError(file, "content hash does not match: the file was changed or corrupted; rebuild it with `npm run build-bundle`");
  }
  return res.data;
}

/** Checks shape, numbers and content hash; also that every vector has the zoo's dimension. */
export function validateZoo(raw: unknown, file = "zoo bundle"): Zoo {
  const zoo = parse(ZooSchema, file, raw);
  const d = zoo.rank + 1;
  const bad = [...zoo.tasks.map((t) => [t.id, t.vector] as const), ...zoo.models.map((m) => [m.id, m.vector] as const)].find(
    ([, v]) => v.length !== d,
  );
  if (bad) throw new BundleError(file, `vector of ${bad[0]} has ${bad[1].length} values, expected ${d}`);
  const ids = new Set<string>();
  for (const m of zoo.models) {
    if (ids.has(m.id)) throw new BundleError(file, `model id ${m.id} appears twice`);
    ids.add(m.id);
  }
  return zoo;
}

export function validateManifest(raw: unknown, file = "manifest.json"): Manifest {
  const manifest = parse(ManifestSchema, file, raw);
  const dim = manifest.proxy.embeddingDim;
  if (manifest.center.length !== dim || manifest.imageTasks.some((t) => t.centroid.length !== dim)) {
    throw new BundleError(file, `centroids must have ${dim} values`);
  }
  return manifest;
}

/** A zoo file checked against the manifest that lists it: valid on its own, and the very version
 * the manifest names. `remedy` says what the person can do (reload, rebuild). */
export function validateListedZoo(manifest: Manifest, id: string, read: (file: string) => unknown, remedy: string): Zoo {
  const entry = manifest.zoos.find((z) => z.id === id);
  if (!entry) throw new BundleError("manifest.json", `has no zoo "${id}"; it has: ${manifest.zoos.map((z) => z.id).join(", ")}`);
  const zoo = validateZoo(read(entry.file), entry.file);
  if (zoo.hash !== entry.hash) throw new BundleError(entry.file, `is not the version the manifest lists; ${remedy}`);
  return zoo;
}
