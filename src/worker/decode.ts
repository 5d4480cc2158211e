import { decodeBmp } from "../core/image/bmp.ts";
import { corruptDataReason, ImageFileError, readImageInfo, type ByteReader, type ImageInfo } from "../core/image/header.ts";
import { decodePngStream } from "../core/image/png.ts";
import { decodeRoute, sinkFor } from "../core/image/route.ts";
import { MAX_DECODE_PIXELS, PREDECODE_SHORTER, resizedSize, type RgbaImage } from "../core/preprocess.ts";

/**
 * Decodes a File to RGBA in a worker, the way the CLI does (cli/node/decode.ts): the header is read
 * first (src/core/image/header.ts) so that both shells refuse the same files with the same words;
 * EXIF orientation is applied; transparent pixels are composited onto white; an image above
 * MAX_DECODE_PIXELS is shrunk while it is decoded, never held at full size (route.ts).
 * Errors are ImageFileErrors whose message is the reason shown next to the file.
 */
export async function decodeImage(file: Blob): Promise<RgbaImage> {
  // The stored size travels with the pixels: the domain statistics report it (imageStats.ts).
  const decoded = await decodeImagePixels(file);
  return { ...decoded.img, stored: { width: decoded.info.width, height: decoded.info.height } };
}

async function decodeImagePixels(file: Blob): Promise<{ img: RgbaImage; info: ImageInfo }> {
  let info: ImageInfo;
  try {
    info = await readImageInfo(blobReader(file), file.size);
  } catch (e) {
    if (e instanceof ImageFileError) throw e;
    throw new ImageFileError("could not be read (it may have been moved or changed while the page was open)");
  }
  const route = decodeRoute(info);
  try {
    if (route === "bmp") return { img: await decodeBmp(blobReader(file), file.size, sinkFor), info };
    if (route === "png-stream") return { img: await decodePngStream(blobChunks(file), sinkFor), info };
    if (route === "native-shrink" && typeof ImageDecoder === "function") return { img: await decodeJpegShrunk(file, info), info };
    return { img: await decodeNative(file), info };
  } catch (e) {
    if (e instanceof ImageFileError) throw e;
    throw new ImageFileError(corruptDataReason(info.format));
  }
}

const blobReader =
  (file: Blob): ByteReader =>
  async (offset, length) =>
    new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());

async function* blobChunks(file: Blob, size = 1 << 20): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < file.size; o += size) yield new Uint8Array(await file.slice(o, o + size).arrayBuffer());
}

/** Draws onto white at `width`×`height` and reads the pixels back. */
function pixels(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("no 2D canvas in this worker");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, data };
}

async function decodeNative(file: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    let { width, height } = bitmap;
    // Only reached above the limit where WebCodecs' ImageDecoder is missing (older Safari).
    if (width * height > MAX_DECODE_PIXELS) [width, height] = resizedSize(width, height, PREDECODE_SHORTER);
    return pixels(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}

/** A JPEG above the limit: ImageDecoder's desired size makes libjpeg decode at an M/8 scale (a
 * 12000×12000 photo decodes to 1500×1500, 9 MB, instead of 576 MB), then it is drawn (EXIF
 * orientation applied) at PREDECODE_SHORTER on the shorter side, as sharp does in the CLI. */
async function decodeJpegShrunk(file: Blob, info: ImageInfo): Promise<RgbaImage> {
  // Chromium picks the largest M/8 scale that fits the desired size, and before version ~156 it
  // fails ("Failed to decode frame") when even 1/8 does not fit; so never ask below 1/8 (of the
  // longer side, whichever way EXIF turns the image).
  const eighth = Math.ceil(Math.max(info.width, info.height) / 8);
  const [desiredWidth, desiredHeight] = resizedSize(info.width, info.height, 2 * PREDECODE_SHORTER).map((d) => Math.max(d, eighth));
  const decoder = new ImageDecoder({ data: file.stream(), type: "image/jpeg", desiredWidth, desiredHeight });
  try {
    const { image } = await decoder.decode();
    try {
      const [w, h] = resizedSize(image.displayWidth, image.displayHeight, PREDECODE_SHORTER);
      return pixels(image, w, h);
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}
