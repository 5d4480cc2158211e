/**
 * The one image preprocessing used by the page, the worker and the CLI: RGBA pixels in, the proxy's
 * NCHW float input out. Shorter side resized to 256 with an antialiased bilinear (triangle) filter,
 * centre crop 224, ImageNet mean/std. Written by hand because both shells must compute exactly the
 * same numbers from the same pixels, which no browser or Node resizer guarantees.
 */
export const PROXY_INPUT = 224;
export const RESIZE_SHORTER = 256;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface RgbaImage {
  width: number;
  height: number;
  /** width*height*4 bytes, row-major RGBA (alpha is ignored: images are composited as decoded). */
  data: Uint8Array | Uint8ClampedArray;
  /** Size of the image as stored (its header), when it was shrunk while decoding or is otherwise
   * known: the domain statistics report the stored resolution, not the decoded one. */
  stored?: { width: number; height: number };
}

/** Shorter side of the image as stored (falls back to the decoded size). */
export function storedShorter(img: RgbaImage): number {
  return Math.min(img.stored?.width ?? img.width, img.stored?.height ?? img.height);
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  maxTaps: number;
}

/** Filter taps mapping `outCount` output samples (starting at output index `outOffset` of an axis
 * resized from `inSize` to `outSize`) onto input samples. */
function resampleTaps(inSize: number, outSize: number, outOffset: number, outCount: number): Taps {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outCount);
  const count = new Int32Array(outCount);
  const weights = new Float32Array(outCount * maxTaps);
  for (let o = 0; o < outCount; o++) {
    const center = (o + outOffset + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let total = 0;
    let n = 0;
    for (let i = lo; i < hi && n < maxTaps; i++, n++) {
      const w = Math.max(0, 1 - Math.abs((i + 0.5 - center) / support));
      weights[o * maxTaps + n] = w;
      total += w;
    }
    for (let j = 0; j < n; j++) weights[o * maxTaps + j] /= total || 1;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, maxTaps };
}

/** Size of the image after the shorter side is scaled to `shorter`. */
export function resizedSize(width: number, height: number, shorter = RESIZE_SHORTER): [number, number] {
  return width <= height
    ? [shorter, Math.max(1, Math.round((height * shorter) / width))]
    : [Math.max(1, Math.round((width * shorter) / height)), shorter];
}

/** Writes one preprocessed image (3×224×224, normalised) into `out` at `offset` floats. */
export function preprocessInto(img: RgbaImage, out: Float32Array, offset = 0): void {
  const { width, height, data } = img;
  if (width < 1 || height < 1 || data.length < width * height * 4) {
    throw new Error(`preprocess: bad image buffer ${width}x${height} (${data.length} bytes)`);
  }
  const [rw, rh] = resizedSize(width, height);
  const S = PROXY_INPUT;
  const x0 = Math.floor((rw - S) / 2);
  const y0 = Math.floor((rh - S) / 2);
  const tx = resampleTaps(width, rw, x0, S);
  const ty = resampleTaps(height, rh, y0, S);

  // Horizontal pass over only the input rows the crop needs, then vertical pass.
  const rowLo = ty.start[0];
  const rowHi = ty.start[S - 1] + ty.count[S - 1];
  const mid = new Float32Array((rowHi - rowLo) * S * 3);
  for (let y = rowLo; y < rowHi; y++) {
    const rowBase = y * width * 4;
    const midBase = (y - rowLo) * S * 3;
    for (let x = 0; x < S; x++) {
      let r = 0, g = 0, b = 0;
      const s = tx.start[x];
      const wBase = x * tx.maxTaps;
      for (let j = 0; j < tx.count[x]; j++) {
        const w = tx.weights[wBase + j];
        const p = rowBase + (s + j) * 4;
        r += w * data[p];
        g += w * data[p + 1];
        b += w * data[p + 2];
      }
      const m = midBase + x * 3;
      mid[m] = r;
      mid[m + 1] = g;
      mid[m + 2] = b;
    }
  }
  const plane = S * S;
  const scale = [1 / (255 * IMAGENET_STD[0]), 1 / (255 * IMAGENET_STD[1]), 1 / (255 * IMAGENET_STD[2])];
  const shift = [IMAGENET_MEAN[0] / IMAGENET_STD[0], IMAGENET_MEAN[1] / IMAGENET_STD[1], IMAGENET_MEAN[2] / IMAGENET_STD[2]];
  for (let y = 0; y < S; y++) {
    const s = ty.start[y] - rowLo;
    const wBase = y * ty.maxTaps;
    for (let x = 0; x < S; x++) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < ty.count[y]; j++) {
        const w = ty.weights[wBase + j];
        const m = ((s + j) * S + x) * 3;
        r += w * mid[m];
        g += w * mid[m + 1];
        b += w * mid[m + 2];
      }
      const o = offset + y * S + x;
      out[o] = r * scale[0] - shift[0];
      out[o + plane] = g * scale[1] - shift[1];
      out[o + 2 * plane] = b * scale[2] - shift[2];
    }
  }
}

export function preprocess(img: RgbaImage): Float32Array {
  const out = new Float32Array(3 * PROXY_INPUT * PROXY_INPUT);
  preprocessInto(img, out, 0);
  return out;
}

/** Largest decoded image we accept before asking the decoder to downscale first (megapixels).
 * Above this, both shells let their decoder shrink to `PREDECODE_SHORTER` on the shorter side,
 * which keeps memory bounded (a 12000×12000 photo would otherwise need 576 MB of RGBA). */
export const MAX_DECODE_PIXELS = 40_000_000;
export const PREDECODE_SHORTER = 512;
