import sharp from "sharp";
import { MAX_DECODE_PIXELS, PREDECODE_SHORTER, resizedSize, type RgbaImage } from "../../src/core/preprocess.ts";

/** Decodes an image file to RGBA with EXIF orientation applied, as the browser's
 * createImageBitmap(imageOrientation: "from-image") does. Oversized images are shrunk by the
 * decoder first (see MAX_DECODE_PIXELS). Throws with a readable reason on corrupt input. */
export async function decodeFile(path: string): Promise<RgbaImage> {
  const img = sharp(path, { failOn: "error", limitInputPixels: false }).rotate();
  const meta = await img.metadata();
  let pipeline = img.toColourspace("srgb").ensureAlpha();
  const w = meta.autoOrient?.width ?? meta.width ?? 0;
  const h = meta.autoOrient?.height ?? meta.height ?? 0;
  if (w * h > MAX_DECODE_PIXELS) {
    const [tw, th] = resizedSize(w, h, PREDECODE_SHORTER);
    pipeline = pipeline.resize(tw, th, { kernel: "linear" });
  }
  const { data, info } = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
