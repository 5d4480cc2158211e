import { MAX_DECODE_PIXELS, PREDECODE_SHORTER, resizedSize } from "../preprocess.ts";
import { ImageFileError, tooLargeReason, type ImageInfo } from "./header.ts";
import { BoxSink, FullSink, type PixelSink } from "./sink.ts";

/**
 * How each shell decodes an image, decided from its header alone, the same way in page and CLI:
 * - "native": the platform decoder at full size (createImageBitmap / sharp);
 * - "native-shrink": a JPEG above MAX_DECODE_PIXELS, which the platform decoder shrinks while it
 *   decodes (DCT scaling: WebCodecs ImageDecoder's desired size / sharp's shrink-on-load);
 * - "png-stream": a PNG above MAX_DECODE_PIXELS, decoded row by row into a shrunk image (png.ts);
 * - "bmp": every BMP, with the TypeScript decoder (bmp.ts), shrunk while read when oversized.
 * GIF and WebP have no decoder that can shrink while decoding: above the limit they are refused.
 */
export type DecodeRoute = "native" | "native-shrink" | "png-stream" | "bmp";

export function decodeRoute(info: ImageInfo): DecodeRoute {
  if (info.format === "bmp") return "bmp";
  if (info.width * info.height <= MAX_DECODE_PIXELS) return "native";
  if (info.format === "jpeg") return "native-shrink";
  if (info.format === "png") return "png-stream";
  throw new ImageFileError(tooLargeReason(info, MAX_DECODE_PIXELS, "save it as JPEG or PNG, or shrink it"));
}

/** Full size up to MAX_DECODE_PIXELS; above it, box-filtered to PREDECODE_SHORTER on the shorter side. */
export function sinkFor(width: number, height: number, keepRaw = false): PixelSink {
  if (width * height <= MAX_DECODE_PIXELS) return new FullSink(width, height);
  const [w, h] = resizedSize(width, height, PREDECODE_SHORTER);
  return new BoxSink(width, height, w, h, keepRaw);
}
