import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { preprocess, PROXY_INPUT, resizedSize } from "../src/core/preprocess.ts";
import { decodeFile } from "../cli/node/decode.ts";

describe("preprocess", () => {
  it("maps a flat grey image to the normalised constant", () => {
    const data = new Uint8Array(300 * 200 * 4).fill(128);
    const out = preprocess({ width: 300, height: 200, data });
    expect(out.length).toBe(3 * PROXY_INPUT * PROXY_INPUT);
    expect(out[0]).toBeCloseTo((128 / 255 - 0.485) / 0.229, 5);
    expect(out[out.length - 1]).toBeCloseTo((128 / 255 - 0.406) / 0.225, 5);
  });

  it("resizes the shorter side to 256 and crops the centre", () => {
    expect(resizedSize(640, 480)).toEqual([341, 256]);
    expect(resizedSize(100, 400)).toEqual([256, 1024]);
    // A left-white/right-black image stays split down the middle after the centre crop.
    const w = 512, h = 256;
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w / 2; x++) data.set([255, 255, 255, 255], (y * w + x) * 4);
    const out = preprocess({ width: w, height: h, data });
    const row = 100 * PROXY_INPUT;
    expect(out[row + 10]).toBeGreaterThan(2);
    expect(out[row + PROXY_INPUT - 10]).toBeLessThan(-2);
  });

  it("decodes and preprocesses a real photo deterministically", async () => {
    const file = resolve(import.meta.dirname, "../e2e/fixtures/caltech-mini/airplanes/image_0001.jpg");
    const img = await decodeFile(file);
    expect(img.width * img.height * 4).toBe(img.data.length);
    const a = preprocess(img);
    const b = preprocess(await decodeFile(file));
    expect(a).toEqual(b);
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it("rejects a buffer that does not match its size", () => {
    expect(() => preprocess({ width: 10, height: 10, data: new Uint8Array(10) })).toThrow(/bad image buffer/);
  });
});
