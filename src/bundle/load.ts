import type { Manifest, Zoo } from "../core/bundle/schema.ts";
import { validateListedZoo, validateManifest, BundleError } from "../core/bundle/validate.ts";
import { BYO_FILE, validateByo, type ByoBundle } from "../core/bundle/byo.ts";
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
  const file = manifest.zoos.find((z) => z.id === id)?.file;
  const raw = file ? await fetchJson(file) : null;
  return validateListedZoo(manifest, id, () => raw, "reload the page");
}

/** The cold-start file for dropped models; it must predict into this manifest's zoo. */
export async function loadByo(manifest: Manifest): Promise<ByoBundle> {
  const byo = validateByo(await fetchJson(BYO_FILE));
  if (manifest.zoos.find((z) => z.id === byo.space)?.hash !== byo.spaceHash) {
    throw new BundleError(BYO_FILE, "was built for another version of the data; reload the page");
  }
  return byo;
}
