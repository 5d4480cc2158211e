import { open } from "node:fs/promises";
import sharp from "sharp";
import { decodeBmp } from "../../src/core/image/bmp.ts";
import { corruptDataReason, ImageFileError, readImageInfo, type ByteReader } from "../../src/core/image/header.ts";
import { decodePngStream } from "../../src/core/image/png.ts";
import { decodeRoute, sinkFor } from "../../src/core/image/route.ts";
import { PREDECODE_SHORTER, resizedSize, type RgbaImage } from "../../src/core/preprocess.ts";

/**
 * Decodes an image file to RGBA as the page's worker does (src/worker/decode.ts): header first, so
 * both shells refuse the same files with the same words (src/core/image/header.ts); EXIF orientation
 * applied, as createImageBitmap(imageOrientation: "from-image") does; transparent pixels composited
 * onto white; images above MAX_DECODE_PIXELS shrunk while decoded (sharp's shrink-on-load for JPEG,
 * the shared streaming decoders for PNG and BMP). Throws an ImageFileError whose message is the
 * reason to show next to the file.
 */
export async function decodeFile(path: string): Promise<RgbaImage> {
  const fh = await open(path, "r").catch(() => {
    throw new ImageFileError("could not be read (permission denied, or it was moved)");
  });
  try {
    const size = (await fh.stat()).size;
    const read: ByteReader = async (offset, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    };
    const info = await readImageInfo(read, size);
    const route = decodeRoute(info);
    const stored = { width: info.width, height: info.height };
    try {
      if (route === "bmp") return { ...(await decodeBmp(read, size, sinkFor)), stored };
      if (route === "png-stream") return { ...(await decodePngStream(chunks(read, size), sinkFor)), stored };
      return { ...(await decodeWithSharp(path, route === "native-shrink")), stored };
    } catch (e) {
      if (e instanceof ImageFileError) throw e;
      throw new ImageFileError(corruptDataReason(info.format));
    }
  } finally {
    await fh.close();
  }
}

async function* chunks(read: ByteReader, size: number, step = 1 << 20): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < size; o += step) yield (await read(o, step)).slice();
}

async function decodeWithSharp(path: string, shrink: boolean): Promise<RgbaImage> {
  const img = sharp(path, { failOn: "error", limitInputPixels: false }).rotate();
  const meta = await img.metadata();
  let pipeline = img.flatten({ background: "#ffffff" }).toColourspace("srgb").ensureAlpha();
  if (shrink) {
    const [tw, th] = resizedSize(meta.autoOrient?.width ?? meta.width ?? 0, meta.autoOrient?.height ?? meta.height ?? 0, PREDECODE_SHORTER);
    pipeline = pipeline.resize(tw, th, { kernel: "linear" });
  }
  const { data, info } = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
