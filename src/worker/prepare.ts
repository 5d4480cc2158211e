import { PROXY_INPUT, preprocessInto, storedShorter, type RgbaImage } from "../core/preprocess.ts";
import { planeIsGrey } from "../core/task/imageStats.ts";
import { decodeImage } from "./decode.ts";

export const PLANE = 3 * PROXY_INPUT * PROXY_INPUT;

export interface EmbedItem {
  id: number;
  file: Blob;
}

/** One batch ready for inference: `input` holds `ids.length` preprocessed images, in order. */
export interface PreparedBatch {
  input: Float32Array;
  ids: number[];
  /** Per prepared image: stored shorter side and whether it is grey (the domain statistics'
   * pixel part; the proxy worker adds the logits' part). */
  shorter: number[];
  grey: boolean[];
  errors: { id: number; error: string }[];
}

/** Decodes in flight at once per worker. createImageBitmap decodes on the browser's own threads,
 * so two overlap each other and the preprocessing; more would hold more full-size images in
 * memory (each up to MAX_DECODE_PIXELS) for no further gain on a few cores. */
const DECODES_IN_FLIGHT = 2;

/**
 * Decodes and preprocesses a batch with the shared `preprocessInto` (the CLI's numbers, see
 * docs/PERFORMANCE.md for why the browser's own resize is not used). A file that fails to decode
 * is reported by id and the rest go on. `stale()` is checked between images so that a cancelled
 * run's queued batches end at once instead of decoding for nobody.
 */
export async function prepareBatch(items: readonly EmbedItem[], stale: () => boolean = () => false): Promise<PreparedBatch> {
  type Slot = RgbaImage | string | null;
  const input = new Float32Array(items.length * PLANE);
  const resolvers: ((s: Slot) => void)[] = [];
  const slots = items.map(() => new Promise<Slot>((r) => resolvers.push(r)));
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      if (stale()) resolvers[i](null);
      else resolvers[i](await decodeImage(items[i].file).catch((e: Error) => e.message));
    }
  };
  // Preprocessing runs in order as each decode lands, while the next decodes are in flight.
  for (let k = 0; k < Math.min(DECODES_IN_FLIGHT, items.length); k++) void lane();
  const ids: number[] = [];
  const shorter: number[] = [];
  const grey: boolean[] = [];
  const errors: { id: number; error: string }[] = [];
  for (let i = 0; i < items.length; i++) {
    const img = await slots[i];
    if (img === null) return { input, ids: [], errors: [], shorter: [], grey: [] }; // stale: the run was cancelled
    if (typeof img === "string") errors.push({ id: items[i].id, error: img });
    else {
      preprocessInto(img, input, ids.length * PLANE);
      shorter.push(storedShorter(img));
      grey.push(planeIsGrey(input, ids.length * PLANE));
      ids.push(items[i].id);
    }
  }
  return { input, ids, errors, shorter, grey };
}
