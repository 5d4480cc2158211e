import type { RgbaImage } from "../preprocess.ts";

/**
 * Where the pure-TypeScript decoders (PNG, BMP) put their pixels, row by row: either the whole image,
 * or a box-filtered smaller one for images too large to hold at full size. Transparent pixels are
 * composited onto white, as both shells do for every format, so that what is under a transparent
 * pixel never reaches the model.
 */
export interface PixelSink {
  readonly width: number;
  readonly height: number;
  /** False for rows the sink would ignore, so a decoder can skip converting them. */
  wantsRow?(y: number): boolean;
  /** Adds `n` RGBA pixels of stored row `y`, the i-th at column x0 + i·dx. */
  addRow(y: number, rgba: Uint8Array, n: number, x0?: number, dx?: number): void;
  /** The finished image. `zeroAlphaIsOpaque`: an alpha channel that is zero everywhere is
   * ignored (BMP writers often leave it unset). */
  result(zeroAlphaIsOpaque?: boolean): RgbaImage;
}

/** The value a channel takes once composited onto white. */
export const onWhite = (c: number, a: number) => Math.round((c * a + 255 * (255 - a)) / 255);

export class FullSink implements PixelSink {
  readonly data: Uint8Array;
  private anyAlpha = false;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 4);
  }
  addRow(y: number, rgba: Uint8Array, n: number, x0 = 0, dx = 1): void {
    const d = this.data;
    let o = (y * this.width + x0) * 4;
    const step = dx * 4;
    for (let i = 0, p = 0; i < n; i++, p += 4, o += step) {
      d[o] = rgba[p];
      d[o + 1] = rgba[p + 1];
      d[o + 2] = rgba[p + 2];
      d[o + 3] = rgba[p + 3];
      if (rgba[p + 3] !== 0) this.anyAlpha = true;
    }
  }
  result(zeroAlphaIsOpaque = false): RgbaImage {
    const d = this.data;
    const ignoreAlpha = zeroAlphaIsOpaque && !this.anyAlpha;
    for (let o = 0; o < d.length; o += 4) {
      const a = ignoreAlpha ? 255 : d[o + 3];
      if (a !== 255) {
        d[o] = onWhite(d[o], a);
        d[o + 1] = onWhite(d[o + 1], a);
        d[o + 2] = onWhite(d[o + 2], a);
      }
      d[o + 3] = 255;
    }
    return { width: this.width, height: this.height, data: d };
  }
}

/**
 * Averages boxes of source pixels into a `width`×`height` image. When each box is much larger than
 * 8×8 pixels, only every `step`-th row and column is averaged (step a power of two, at least 8×8
 * samples per box left), which keeps the filter's smoothing at a fraction of the work.
 */
export class BoxSink implements PixelSink {
  private readonly sums: Float64Array;
  private readonly raw: Float64Array | null;
  private readonly counts: Uint32Array;
  private readonly colBin: Int32Array;
  private readonly rowBin: Int32Array;
  readonly step: number;
  private anyAlpha = false;
  /** `keepRaw`: also sum the colours without compositing, for result(zeroAlphaIsOpaque). */
  constructor(sourceWidth: number, sourceHeight: number, readonly width: number, readonly height: number, keepRaw = false) {
    this.sums = new Float64Array(width * height * 3);
    this.raw = keepRaw ? new Float64Array(width * height * 3) : null;
    this.counts = new Uint32Array(width * height);
    this.colBin = Int32Array.from({ length: sourceWidth }, (_, x) => Math.min(width - 1, Math.floor((x * width) / sourceWidth)));
    this.rowBin = Int32Array.from({ length: sourceHeight }, (_, y) => Math.min(height - 1, Math.floor((y * height) / sourceHeight)));
    const factor = Math.min(sourceWidth / width, sourceHeight / height);
    this.step = 2 ** Math.max(0, Math.floor(Math.log2(factor / 8)));
  }
  wantsRow(y: number): boolean {
    return y % this.step === 0;
  }
  addRow(y: number, rgba: Uint8Array, n: number, x0 = 0, dx = 1): void {
    if (y % this.step !== 0) return;
    const base = this.rowBin[y] * this.width;
    const { sums, raw, counts, colBin } = this;
    const mask = this.step - 1;
    let seen = 0;
    for (let i = 0, p = 0, x = x0; i < n; i++, p += 4, x += dx) {
      if ((x & mask) !== 0) continue;
      const bin = base + colBin[x];
      const s = bin * 3;
      const a = rgba[p + 3];
      const r = rgba[p], g = rgba[p + 1], b = rgba[p + 2];
      seen |= a;
      if (a === 255) {
        sums[s] += r;
        sums[s + 1] += g;
        sums[s + 2] += b;
      } else {
        const w = 255 - a;
        sums[s] += (r * a + 255 * w) / 255;
        sums[s + 1] += (g * a + 255 * w) / 255;
        sums[s + 2] += (b * a + 255 * w) / 255;
      }
      if (raw) {
        raw[s] += r;
        raw[s + 1] += g;
        raw[s + 2] += b;
      }
      counts[bin]++;
    }
    if (seen) this.anyAlpha = true;
  }
  result(zeroAlphaIsOpaque = false): RgbaImage {
    const src = zeroAlphaIsOpaque && !this.anyAlpha && this.raw ? this.raw : this.sums;
    const data = new Uint8Array(this.width * this.height * 4);
    for (let bin = 0; bin < this.counts.length; bin++) {
      const n = this.counts[bin] || 1;
      for (let c = 0; c < 3; c++) data[bin * 4 + c] = Math.round(src[bin * 3 + c] / n);
      data[bin * 4 + 3] = 255;
    }
    return { width: this.width, height: this.height, data };
  }
}
