/**
 * Reads an image file's format and size from its first bytes, without decoding it. Both shells call
 * this before decoding, so that they refuse the same files with the same words, and so that
 * oversized images can be decoded shrunk instead of at full size (a 12000×12000 photo is 576 MB
 * of RGBA). Pure TypeScript: the caller supplies a byte reader over the file.
 */

export type ImageFormat = "jpeg" | "png" | "gif" | "webp" | "bmp";

export interface ImageInfo {
  format: ImageFormat;
  /** Stored size, before any EXIF rotation. */
  width: number;
  height: number;
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/** Above this many pixels an image is refused outright (sharp's default limit, 0x3FFF²). */
export const MAX_IMAGE_PIXELS = 0x3fff * 0x3fff;

const FORMAT_NAME: Record<ImageFormat, string> = { jpeg: "JPEG", png: "PNG", gif: "GIF", webp: "WebP", bmp: "BMP" };

/** A file that cannot be used, with a reason a person can act on; the same words in page and CLI. */
export class ImageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFileError";
  }
}

/** The reason both shells give when a decoder fails on data whose header was fine. */
export function corruptDataReason(format: ImageFormat): string {
  return `could not decode image: the ${FORMAT_NAME[format]} data is corrupt or truncated`;
}

/** The reason for an image too large to decode in a bounded amount of memory. */
export function tooLargeReason(info: ImageInfo, limit: number, hint: string): string {
  return `image too large: ${info.width}×${info.height} ${FORMAT_NAME[info.format]} is over ${Math.floor(limit / 1e6)} megapixels; ${hint}`;
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));
const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u32le = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);

/** What a file that is not one of our formats looks like, in words. */
function describeOther(b: Uint8Array): string {
  const brand = b.length >= 12 && ascii(b, 4, 8) === "ftyp" ? ascii(b, 8, 12).toLowerCase() : "";
  if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(brand)) return "it is a HEIC/HEIF image, which browsers cannot read; convert it to JPEG or PNG";
  if (/^(avif|avis)$/.test(brand)) return "it is an AVIF image; save it as JPEG or PNG";
  if (brand) return "it is a video or other ISO media file, not an image";
  const head = ascii(b, 0, 8);
  if (head.startsWith("II*\0") || head.startsWith("MM\0*")) return "it is a TIFF image, which browsers do not read; convert it to JPEG or PNG";
  if (head.startsWith("%PDF")) return "it is a PDF document, not an image";
  if (head.startsWith("PK\x03\x04")) return "it is a ZIP archive; unpack it first";
  const text = ascii(b, 0, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().toLowerCase();
  if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.includes("<svg"))) return "it is an SVG drawing; only photos and other pixel images (JPEG, PNG, WebP, GIF, BMP) are read";
  // Text: no control bytes other than whitespace in the first 512 bytes (UTF-8 bytes ≥ 0x80 allowed).
  const sample = b.subarray(0, 512);
  if (sample.length > 0 && sample.every((c) => c >= 0x20 || c === 9 || c === 10 || c === 13 || c === 12)) return "the file is text, not an image";
  return "its content is not a JPEG, PNG, WebP, GIF or BMP image";
}

const NEED_MORE = Symbol("need more bytes");

/** Finds the frame header of a JPEG by walking its segments. */
function jpegSize(b: Uint8Array, complete: boolean): [number, number] | typeof NEED_MORE {
  let o = 2;
  for (;;) {
    if (o + 4 > b.length) return complete ? [0, -1] : NEED_MORE;
    if (b[o] !== 0xff) return [0, -2]; // not at a marker: corrupt
    let m = b[o + 1];
    while (m === 0xff) {
      o++;
      if (o + 4 > b.length) return complete ? [0, -1] : NEED_MORE;
      m = b[o + 1];
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    if (m === 0xd8 || m === 0xd9 || m === 0xda || m === 0x00) return [0, -2]; // image data or end before any frame header
    const len = u16be(b, o + 2);
    if (len < 2) return [0, -2];
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (o + 9 > b.length) return complete ? [0, -1] : NEED_MORE;
      return [u16be(b, o + 7), u16be(b, o + 5)];
    }
    o += 2 + len;
  }
}

function pngSize(b: Uint8Array): [number, number] | null {
  if (b.length < 33) return null;
  if (u32be(b, 8) !== 13 || ascii(b, 12, 16) !== "IHDR") return [0, -2];
  const depth = b[24];
  const colour = b[25];
  const allowed: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!allowed[colour]?.includes(depth) || b[26] !== 0 || b[27] !== 0 || b[28] > 1) return [0, -2];
  return [u32be(b, 16), u32be(b, 20)];
}

function webpSize(b: Uint8Array): [number, number] | null {
  if (b.length < 30) return null;
  const kind = ascii(b, 12, 16);
  if (kind === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return [0, -2];
    return [u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff];
  }
  if (kind === "VP8L") {
    if (b[20] !== 0x2f) return [0, -2];
    const bits = u32le(b, 21);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (kind === "VP8X") return [(b[24] | (b[25] << 8) | (b[26] << 16)) + 1, (b[27] | (b[28] << 8) | (b[29] << 16)) + 1];
  return [0, -2];
}

function bmpSize(b: Uint8Array): [number, number] | null {
  if (b.length < 26) return null;
  const headerSize = u32le(b, 14);
  if (headerSize === 12) return [u16le(b, 18), u16le(b, 20)];
  if (headerSize < 40 || b.length < 30) return headerSize < 40 ? [0, -2] : null;
  return [Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))];
}

/**
 * Format and stored size from the first bytes of a file, or an ImageFileError whose message names
 * the problem. Reads 64 KiB, more only for JPEGs whose metadata runs longer.
 */
export async function readImageInfo(read: ByteReader, fileSize: number): Promise<ImageInfo> {
  let len = Math.min(fileSize, 65_536);
  let b = await read(0, len);
  let format: ImageFormat;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) format = "jpeg";
  else if (b.length >= 8 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a) format = "png";
  else if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) format = "gif";
  else if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") format = "webp";
  else if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) format = "bmp";
  else throw new ImageFileError(`could not decode image: ${describeOther(b)}`);

  let size: [number, number] | null;
  if (format === "jpeg") {
    let r = jpegSize(b, len >= fileSize);
    // Metadata (EXIF thumbnails, ICC profiles) can push the frame header past the first read.
    while (r === NEED_MORE && len < fileSize) {
      len = Math.min(fileSize, len * 16);
      b = await read(0, len);
      r = jpegSize(b, len >= fileSize);
    }
    size = r === NEED_MORE ? [0, -1] : r;
  } else if (format === "png") size = pngSize(b);
  else if (format === "gif") size = b.length >= 10 ? [u16le(b, 6), u16le(b, 8)] : null;
  else if (format === "webp") size = webpSize(b);
  else size = bmpSize(b);

  if (size === null || size[1] === -1) {
    throw new ImageFileError(`could not decode image: the ${FORMAT_NAME[format]} file ends before its header is complete (truncated)`);
  }
  const [width, height] = size;
  if (height === -2) throw new ImageFileError(`could not decode image: the ${FORMAT_NAME[format]} header is corrupt`);
  if (!(width >= 1 && height >= 1)) throw new ImageFileError(`could not decode image: the ${FORMAT_NAME[format]} header gives an impossible size (${width}×${height})`);
  const info = { format, width, height };
  if (width * height > MAX_IMAGE_PIXELS) throw new ImageFileError(tooLargeReason(info, MAX_IMAGE_PIXELS, "shrink it before adding it"));
  return info;
}

/** The reader over an in-memory buffer (tests, small files). */
export function bufferReader(bytes: Uint8Array): ByteReader {
  return async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length));
}
