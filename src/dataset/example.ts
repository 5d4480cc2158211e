import { z } from "zod";
import type { BrowserFile, Listing } from "./walk.ts";

/** The bundled example folder (public/example/index.json): a few CC BY photos served from the
 * app's own origin, so a first visit can see what the tool does without images of its own. */
export const ExampleIndex = z.object({
  title: z.string(),
  files: z.array(z.string().regex(/^[\w-]+\/[\w-]+\/[\w.-]+$/, "a path of the form folder/class/file")).min(1),
});
export type ExampleIndex = z.infer<typeof ExampleIndex>;

const base = () => new URL(`${import.meta.env.BASE_URL}example/`, location.href);

/** The example's list of files. */
export async function loadExampleIndex(signal?: AbortSignal): Promise<ExampleIndex> {
  const url = new URL("index.json", base());
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`the example's list (${url.pathname}) could not be downloaded: the server answered ${response.status}`);
  const parsed = ExampleIndex.safeParse(await response.json());
  if (!parsed.success) throw new Error(`the example's list (${url.pathname}) is malformed: ${parsed.error.issues[0]?.message ?? "unknown problem"}`);
  return parsed.data;
}

/** Downloads the example's images (same origin) into a listing, as if the folder had been chosen.
 * A file that fails to download is listed as unreadable with the server's answer, like a file a
 * folder walk could not read. */
export async function listExample(index: ExampleIndex, onCount?: (n: number) => void, signal?: AbortSignal): Promise<Listing> {
  const listing: Listing = { files: [], unreadable: [] };
  let done = 0;
  const got = await Promise.all(
    index.files.map(async (path): Promise<BrowserFile | { path: string; reason: string }> => {
      try {
        const response = await fetch(new URL(path, base()), { signal });
        if (!response.ok) return { path, reason: `could not be downloaded (the server answered ${response.status})` };
        const blob = await response.blob();
        const file = new File([blob], path.slice(path.lastIndexOf("/") + 1), { type: blob.type });
        return { path, size: file.size, file };
      } catch (e) {
        if (signal?.aborted) throw e;
        return { path, reason: `could not be downloaded (${(e as Error).message})` };
      } finally {
        onCount?.(++done);
      }
    }),
  );
  for (const g of got) {
    if ("file" in g) listing.files.push(g);
    else listing.unreadable.push(g);
  }
  return listing;
}
