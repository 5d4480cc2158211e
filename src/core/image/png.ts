import { Unzlib } from "fflate";
import type { RgbaImage } from "../preprocess.ts";
import type { PixelSink } from "./sink.ts";

/**
 * A streaming PNG decoder: bytes in as they are read, rows out to a PixelSink as soon as they are
 * inflated and unfiltered, so that a 12000×12000 PNG is shrunk while it is decoded and never held at
 * full size. All colour types, bit depths 1–16, tRNS transparency and Adam7 interlacing; colour
 * management chunks (gAMA, iCCP) are ignored. Used by both shells for PNGs above MAX_DECODE_PIXELS.
 */

const ADAM7 = [
  // x0, y0, dx, dy
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  depth: number;
  colour: number;
  interlace: boolean;
}

class PngError extends Error {}

export class PngStreamDecoder {
  private state: "sig" | "head" | "data" | "crc" | "done" = "sig";
  private small = new Uint8Array(8);
  private smallLen = 0;
  private chunkType = "";
  private remaining = 0;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  private header: Header | null = null;
  private palette: Uint8Array | null = null;
  private trns: Uint8Array | null = null;
  private inflater: Unzlib | null = null;
  private sink: PixelSink | null = null;
  // Row assembly.
  private pass = 0;
  private passRows = 0;
  private passWidth = 0;
  private row = 0;
  private rowBytes = 0;
  private bpp = 1;
  private cur = new Uint8Array(0);
  private curLen = 0;
  private prev = new Uint8Array(0);
  private rgba = new Uint8Array(0);
  private finishedRows = false;

  /** `makeSink` gets the stored size from IHDR and returns where the rows go. */
  constructor(private readonly makeSink: (width: number, height: number) => PixelSink) {}

  push(data: Uint8Array): void {
    let i = 0;
    while (i < data.length && this.state !== "done") {
      if (this.state === "data") {
        const take = Math.min(this.remaining, data.length - i);
        const part = data.subarray(i, i + take);
        if (this.chunkType === "IDAT") {
          if (!this.inflater) this.startImage();
          this.inflater!.push(part, false);
        } else if (this.body) {
          this.body.set(part, this.bodyLen);
          this.bodyLen += take;
        }
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) {
          this.endChunk();
          this.state = "crc";
        }
        continue;
      }
      const need = this.state === "crc" ? 4 : 8;
      const take = Math.min(need - this.smallLen, data.length - i);
      this.small.set(data.subarray(i, i + take), this.smallLen);
      this.smallLen += take;
      i += take;
      if (this.smallLen < need) break;
      this.smallLen = 0;
      const s = this.small;
      if (this.state === "sig") {
        if (s[0] !== 0x89 || s[1] !== 0x50 || s[2] !== 0x4e || s[3] !== 0x47) throw new PngError("not a PNG");
        this.state = "head";
      } else if (this.state === "crc") {
        this.state = "head";
      } else {
        const length = ((s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3]) >>> 0;
        this.chunkType = String.fromCharCode(s[4], s[5], s[6], s[7]);
        if (length > 0x7fffffff) throw new PngError("bad chunk length");
        if (this.chunkType === "IEND") {
          this.state = "done";
          break;
        }
        if (!this.header && this.chunkType !== "IHDR") throw new PngError("IHDR is not first");
        const keep = this.chunkType === "IHDR" || this.chunkType === "PLTE" || this.chunkType === "tRNS";
        if (keep && length > 1024) throw new PngError(`${this.chunkType} too long`);
        this.body = keep ? new Uint8Array(length) : null;
        this.bodyLen = 0;
        this.remaining = length;
        if (length === 0) {
          this.endChunk();
          this.state = "crc";
        } else this.state = "data";
      }
    }
  }

  /** Call after the last byte; returns the image from the sink, or throws if rows are missing. */
  finish(): RgbaImage {
    this.inflater?.push(new Uint8Array(0), true);
    if (!this.sink || !this.finishedRows) throw new PngError("image data ends early");
    return this.sink.result(false);
  }

  private endChunk(): void {
    const b = this.body;
    if (this.chunkType === "IHDR") {
      if (!b || b.length !== 13) throw new PngError("bad IHDR");
      const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
      this.header = { width: u32(0), height: u32(4), depth: b[8], colour: b[9], interlace: b[12] === 1 };
      if (!CHANNELS[b[9]] || ![1, 2, 4, 8, 16].includes(b[8]) || this.header.width < 1 || this.header.height < 1) throw new PngError("bad IHDR");
    } else if (this.chunkType === "PLTE") this.palette = b;
    else if (this.chunkType === "tRNS") this.trns = b;
  }

  private startImage(): void {
    const h = this.header!;
    if (h.colour === 3 && !this.palette) throw new PngError("palette image without PLTE");
    this.sink = this.makeSink(h.width, h.height);
    const bits = CHANNELS[h.colour] * h.depth;
    this.bpp = Math.max(1, bits >> 3);
    this.rgba = new Uint8Array(h.width * 4);
    this.pass = h.interlace ? -1 : 0;
    this.nextPass();
    this.inflater = new Unzlib((chunk) => this.onData(chunk));
  }

  /** Moves to the next non-empty interlace pass (or the single pass). */
  private nextPass(): void {
    const h = this.header!;
    if (!h.interlace) {
      if (this.pass > 0) {
        this.finishedRows = true;
        return;
      }
      this.setPass(h.width, h.height);
      this.pass = 1;
      return;
    }
    for (this.pass++; this.pass < 7; this.pass++) {
      const [x0, y0, dx, dy] = ADAM7[this.pass];
      const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0;
      const r = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0;
      if (w > 0 && r > 0) {
        this.setPass(w, r);
        return;
      }
    }
    this.finishedRows = true;
  }

  private setPass(width: number, rows: number): void {
    const h = this.header!;
    this.passWidth = width;
    this.passRows = rows;
    this.row = 0;
    this.rowBytes = Math.ceil((width * CHANNELS[h.colour] * h.depth) / 8);
    this.cur = new Uint8Array(this.rowBytes + 1);
    this.prev = new Uint8Array(this.rowBytes);
    this.curLen = 0;
  }

  private onData(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.finishedRows) return; // trailing bytes after the last row are ignored
      const take = Math.min(this.cur.length - this.curLen, chunk.length - i);
      this.cur.set(chunk.subarray(i, i + take), this.curLen);
      this.curLen += take;
      i += take;
      if (this.curLen === this.cur.length) {
        this.emitRow();
        this.curLen = 0;
        if (++this.row === this.passRows) this.nextPass();
      }
    }
  }

  private emitRow(): void {
    const filter = this.cur[0];
    const line = this.cur.subarray(1);
    const prev = this.prev;
    const bpp = this.bpp;
    const n = line.length;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < n; i++) line[i] = (line[i] + line[i - bpp]) & 0xff;
        break;
      case 2:
        for (let i = 0; i < n; i++) line[i] = (line[i] + prev[i]) & 0xff;
        break;
      case 3:
        for (let i = 0; i < n; i++) line[i] = (line[i] + (((i >= bpp ? line[i - bpp] : 0) + prev[i]) >> 1)) & 0xff;
        break;
      case 4:
        for (let i = 0; i < n; i++) {
          const a = i >= bpp ? line[i - bpp] : 0;
          const b = prev[i];
          const c = i >= bpp ? prev[i - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          line[i] = (line[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
        }
        break;
      default:
        throw new PngError(`bad filter type ${filter}`);
    }
    this.prev.set(line);
    const h = this.header!;
    const [x0, y0, dx, dy] = h.interlace ? ADAM7[this.pass] : [0, 0, 1, 1];
    const y = y0 + this.row * dy;
    if (this.sink!.wantsRow && !this.sink!.wantsRow(y)) return;
    this.toRgba(line);
    this.sink!.addRow(y, this.rgba, this.passWidth, x0, dx);
  }

  private toRgba(line: Uint8Array): void {
    const { depth, colour } = this.header!;
    const out = this.rgba;
    const w = this.passWidth;
    const t = this.trns;
    if (depth < 8) {
      const max = (1 << depth) - 1;
      const perByte = 8 / depth;
      const trnsGray = colour === 0 && t && t.length >= 2 ? ((t[0] << 8) | t[1]) : -1;
      for (let x = 0; x < w; x++) {
        const v = (line[(x / perByte) | 0] >> (8 - depth * ((x % perByte) + 1))) & max;
        const o = x * 4;
        if (colour === 3) this.paletteColour(v, o);
        else {
          const g = Math.round((v * 255) / max);
          out[o] = out[o + 1] = out[o + 2] = g;
          out[o + 3] = v === trnsGray ? 0 : 255;
        }
      }
      return;
    }
    if (depth === 8 && (colour === 2 || colour === 6) && !(colour === 2 && t)) {
      // The common cases, without per-pixel branches.
      if (colour === 6) out.set(line.subarray(0, w * 4));
      else
        for (let x = 0, p = 0, o = 0; x < w; x++, p += 3, o += 4) {
          out[o] = line[p];
          out[o + 1] = line[p + 1];
          out[o + 2] = line[p + 2];
          out[o + 3] = 255;
        }
      return;
    }
    const bytes = depth >> 3; // 1 or 2; the high byte of a 16-bit sample is its 8-bit value
    const ch = CHANNELS[colour];
    const stride = ch * bytes;
    const sample = (p: number) => (bytes === 2 ? (line[p] << 8) | line[p + 1] : line[p]);
    const key = t && colour === 0 && t.length >= 2 ? [(t[0] << 8) | t[1]] : t && colour === 2 && t.length >= 6 ? [(t[0] << 8) | t[1], (t[2] << 8) | t[3], (t[4] << 8) | t[5]] : null;
    for (let x = 0, p = 0; x < w; x++, p += stride) {
      const o = x * 4;
      if (colour === 3) {
        this.paletteColour(line[p], o);
        continue;
      }
      if (colour === 0 || colour === 4) {
        out[o] = out[o + 1] = out[o + 2] = line[p];
        out[o + 3] = colour === 4 ? line[p + bytes] : key && sample(p) === key[0] ? 0 : 255;
      } else {
        out[o] = line[p];
        out[o + 1] = line[p + bytes];
        out[o + 2] = line[p + 2 * bytes];
        out[o + 3] = colour === 6 ? line[p + 3 * bytes] : key && sample(p) === key[0] && sample(p + bytes) === key[1] && sample(p + 2 * bytes) === key[2] ? 0 : 255;
      }
    }
  }

  private paletteColour(index: number, o: number): void {
    const pal = this.palette!;
    const out = this.rgba;
    if (index * 3 + 2 >= pal.length) {
      out[o] = out[o + 1] = out[o + 2] = 0; // out-of-range index: black, as libpng does
    } else {
      out[o] = pal[index * 3];
      out[o + 1] = pal[index * 3 + 1];
      out[o + 2] = pal[index * 3 + 2];
    }
    out[o + 3] = this.trns && index < this.trns.length ? this.trns[index] : 255;
  }
}

/** Decodes a PNG from a sequence of byte chunks into the sink `makeSink` returns. */
export async function decodePngStream(chunks: AsyncIterable<Uint8Array>, makeSink: (width: number, height: number) => PixelSink): Promise<RgbaImage> {
  const dec = new PngStreamDecoder(makeSink);
  for await (const c of chunks) dec.push(c);
  return dec.finish();
}
