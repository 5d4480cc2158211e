import { MAX_DECODE_PIXELS, PREDECODE_SHORTER, resizedSize, type RgbaImage } from "../core/preprocess.ts";

/** Decodes a File to RGBA in a worker: EXIF orientation applied (imageOrientation "from-image"),
 * oversized images shrunk by the decoder first, as the CLI does with sharp. */
export async function decodeImage(file: Blob): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    throw new Error("could not decode image (corrupt, truncated, or a format this browser cannot read)");
  }
  try {
    let { width, height } = bitmap;
    if (width * height > MAX_DECODE_PIXELS) {
      [width, height] = resizedSize(width, height, PREDECODE_SHORTER);
      const small = await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" });
      bitmap.close();
      bitmap = small;
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("no 2D canvas in this worker");
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}
