import type { RgbaImage } from "../preprocess.ts";
import { ImageFileError, type ByteReader } from "./header.ts";
import type { PixelSink } from "./sink.ts";

/**
 * A BMP decoder in plain TypeScript, used by both shells (sharp cannot read BMP, and one decoder
 * means the page and the CLI see the same pixels). Rows are read a slice at a time and handed to a
 * PixelSink, so an oversized BMP is shrunk while it is read. Handles the Windows headers (core,
 * INFO, V2–V5), 1/4/8-bit palettes, 16/24/32-bit pixels, bit-field masks and RLE4/RLE8.
 */

const BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_JPEG = 4, BI_PNG = 5, BI_ALPHABITFIELDS = 6;

class BmpError extends Error {}

interface Mask {
  shift: number;
  max: number;
  mask: number;
}

function maskOf(mask: number): Mask {
  mask >>>= 0;
  if (mask === 0) return { shift: 0, max: 0, mask: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, max: bits >= 32 ? 0xffffffff : 2 ** bits - 1, mask };
}

const channel = (v: number, m: Mask) => (m.max === 0 ? 0 : Math.round((((v & m.mask) >>> m.shift) * 255) / m.max));

/** Decodes a BMP; `makeSink` gets the size and returns where the rows go (full or shrunk). */
export async function decodeBmp(read: ByteReader, fileSize: number, makeSink: (width: number, height: number, keepRaw?: boolean) => PixelSink): Promise<RgbaImage> {
  const head = await read(0, Math.min(fileSize, 14 + 124 + 16 + 1024));
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 26) throw new BmpError("header cut off");
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && (headerSize < 40 || head.length < 14 + 40)) throw new BmpError("bad header");
  const width = core ? dv.getUint16(18, true) : dv.getInt32(18, true);
  const rawHeight = core ? dv.getInt16(20, true) : dv.getInt32(22, true);
  const bpp = core ? dv.getUint16(24, true) : dv.getUint16(28, true);
  const compression = core ? BI_RGB : dv.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) throw new BmpError("bad size");
  if (compression === BI_JPEG || compression === BI_PNG) {
    throw new ImageFileError("could not decode image: it is a BMP wrapping a JPEG or PNG; save it as a plain JPEG or PNG");
  }

  // Masks: in the V2+ header, or right after a 40-byte header for (ALPHA)BITFIELDS.
  let masks: [number, number, number, number] | null = null;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const o = 14 + 40;
    if (head.length < o + 12) throw new BmpError("masks cut off");
    const hasAlpha = headerSize >= 56 || compression === BI_ALPHABITFIELDS;
    masks = [dv.getUint32(o, true), dv.getUint32(o + 4, true), dv.getUint32(o + 8, true), hasAlpha && head.length >= o + 16 ? dv.getUint32(o + 12, true) : 0];
  } else if (compression === BI_RGB && bpp === 16) masks = [0x7c00, 0x03e0, 0x001f, 0];
  else if (compression === BI_RGB && (bpp === 32 || bpp === 24)) masks = null;
  else if (!(compression === BI_RGB || compression === BI_RLE8 || compression === BI_RLE4)) throw new BmpError(`compression ${compression}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError(`bpp ${bpp}`);
  if ((compression === BI_RLE8 && bpp !== 8) || (compression === BI_RLE4 && bpp !== 4) || (masks && bpp !== 16 && bpp !== 32)) throw new BmpError("compression does not fit bit depth");

  // Palette.
  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : dv.getUint32(46, true);
    const count = Math.min(used || 1 << bpp, 1 << bpp);
    const start = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : compression === BI_ALPHABITFIELDS && headerSize === 40 ? 16 : 0);
    const bytes = start + count * entry <= head.length ? head.subarray(start, start + count * entry) : await read(start, count * entry);
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count && i * entry + 2 < bytes.length; i++) {
      palette[i * 3] = bytes[i * entry + 2];
      palette[i * 3 + 1] = bytes[i * entry + 1];
      palette[i * 3 + 2] = bytes[i * entry];
    }
  }

  const sink = makeSink(width, height, true);
  const rgba = new Uint8Array(width * 4);
  const storedRow = (i: number) => (topDown ? i : height - 1 - i); // i-th row in the file → image row

  if (compression === BI_RLE8 || compression === BI_RLE4) {
    if (topDown) throw new BmpError("top-down RLE");
    const data = await read(dataOffset, fileSize - dataOffset);
    decodeRle(data, width, height, compression === BI_RLE4, palette!, (fileRow, line) => sink.addRow(storedRow(fileRow), line, width));
    return sink.result(false);
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8) > fileSize) throw new BmpError("pixel data cut off");
  const m = masks ? masks.map(maskOf) : null;
  const rowsPerRead = Math.max(1, Math.floor((1 << 20) / stride));
  for (let r0 = 0; r0 < height; r0 += rowsPerRead) {
    const rows = Math.min(rowsPerRead, height - r0);
    const block = await read(dataOffset + r0 * stride, rows * stride);
    for (let r = 0; r < rows; r++) {
      const row = block.subarray(r * stride, (r + 1) * stride);
      for (let x = 0; x < width; x++) {
        const o = x * 4;
        if (bpp <= 8) {
          const perByte = 8 / bpp;
          const idx = bpp === 8 ? row[x] : (row[(x / perByte) | 0] >> (8 - bpp * ((x % perByte) + 1))) & ((1 << bpp) - 1);
          rgba[o] = palette![idx * 3];
          rgba[o + 1] = palette![idx * 3 + 1];
          rgba[o + 2] = palette![idx * 3 + 2];
          rgba[o + 3] = 255;
        } else if (!m) {
          const p = x * (bpp >> 3);
          rgba[o] = row[p + 2];
          rgba[o + 1] = row[p + 1];
          rgba[o + 2] = row[p];
          rgba[o + 3] = 255; // BI_RGB 32-bit: the fourth byte is unused
        } else {
          const v = bpp === 16 ? row[2 * x] | (row[2 * x + 1] << 8) : (row[4 * x] | (row[4 * x + 1] << 8) | (row[4 * x + 2] << 16) | (row[4 * x + 3] << 24)) >>> 0;
          rgba[o] = channel(v, m[0]);
          rgba[o + 1] = channel(v, m[1]);
          rgba[o + 2] = channel(v, m[2]);
          rgba[o + 3] = m[3].max ? channel(v, m[3]) : 255;
        }
      }
      sink.addRow(storedRow(r0 + r), rgba, width);
    }
  }
  return sink.result(true);
}

/** RLE8/RLE4: rows come out bottom-up in file order; skipped pixels are transparent. */
function decodeRle(data: Uint8Array, width: number, height: number, four: boolean, palette: Uint8Array, emit: (fileRow: number, line: Uint8Array) => void): void {
  const line = new Uint8Array(width * 4);
  let x = 0, y = 0, i = 0;
  const put = (idx: number) => {
    if (x < width) {
      const o = x * 4;
      line[o] = palette[idx * 3];
      line[o + 1] = palette[idx * 3 + 1];
      line[o + 2] = palette[idx * 3 + 2];
      line[o + 3] = 255;
    }
    x++;
  };
  const flush = () => {
    if (y < height) emit(y, line);
    line.fill(0);
    x = 0;
    y++;
  };
  while (y < height) {
    if (i + 1 >= data.length) {
      // No end-of-bitmap marker: what is missing stays transparent.
      while (y < height) flush();
      break;
    }
    const count = data[i++];
    const value = data[i++];
    if (count > 0) {
      for (let k = 0; k < count; k++) put(four ? (k & 1 ? value & 0x0f : value >> 4) : value);
    } else if (value === 0) flush();
    else if (value === 1) {
      while (y < height) flush();
    } else if (value === 2) {
      if (i + 1 >= data.length) throw new BmpError("RLE data cut off");
      const dx = data[i++];
      const dy = data[i++];
      for (let k = 0; k < dy && y < height; k++) {
        const keep = x;
        flush();
        x = keep;
      }
      x += dx;
    } else {
      const n = value;
      const bytes = four ? Math.ceil(n / 2) : n;
      if (i + bytes > data.length) throw new BmpError("RLE data cut off");
      for (let k = 0; k < n; k++) put(four ? (k & 1 ? data[i + (k >> 1)] & 0x0f : data[i + (k >> 1)] >> 4) : data[i + k]);
      i += bytes + (bytes & 1);
    }
  }
}
