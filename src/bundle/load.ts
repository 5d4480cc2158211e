import type { Manifest, Zoo } from "../core/bundle/schema.ts";
import { validateManifest, validateZoo, BundleError } from "../core/bundle/validate.ts";
import { appUrl } from "../worker/client.ts";

async function fetchJson(file: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(appUrl(`bundles/${file}`));
  } catch {
    throw new BundleError(file, "could not be fetched (are you offline on a first visit?)");
  }
  if (!res.ok) throw new BundleError(file, `could not be fetched (HTTP ${res.status})`);
  try {
    return await res.json();
  } catch {
    throw new BundleError(file, "is not valid JSON");
  }
}

export async function loadManifest(): Promise<Manifest> {
  return validateManifest(await fetchJson("manifest.json"));
}

export async function loadZoo(manifest: Manifest, id: string): Promise<Zoo> {
  const entry = manifest.zoos.find((z) => z.id === id);
  if (!entry) throw new BundleError("manifest.json", `has no zoo "${id}"`);
  const zoo = validateZoo(await fetchJson(entry.file), entry.file);
  if (zoo.hash !== entry.hash) throw new BundleError(entry.file, "is not the version the manifest lists; reload the page");
  return zoo;
}
