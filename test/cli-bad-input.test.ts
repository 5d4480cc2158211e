/**
 * Bad input through the CLI (`npx tsx cli/rank.ts <folder> --json`), on the same folders the page is
 * given in e2e/robustness.spec.ts: exit 0 with each unusable file named when something usable
 * remains, exit 2 with a message when nothing is; decodable odd formats give finite embeddings;
 * oversized images are decoded without holding them at full size.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeFile } from "../cli/node/decode.ts";
import { createProxySession, embedFiles } from "../cli/node/proxy.ts";
import { bufferReader, ImageFileError, readImageInfo } from "../src/core/image/header.ts";
import { PngStreamDecoder } from "../src/core/image/png.ts";
import { FullSink } from "../src/core/image/sink.ts";
import { badInputFolders, type BadInputFolders } from "./fixtures/make-images.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");

interface CliResult {
  code: number;
  json: {
    ranking: { model: string; score: number }[];
    task: { images: number; classes: number; files: number; labelled: boolean; skipped: { path: string; reason: string }[] };
  } | null;
  stderr: string;
}

async function rank(folder: string, extra: string[] = []): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "cli/rank.ts", folder, "--json", ...extra], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, json: null, stderr: err.stderr };
  }
}

let f: BadInputFolders;
const results = new Map<string, Promise<CliResult>>();
/** The CLI runs two at a time (two cores), each folder once. */
function cli(folder: string): Promise<CliResult> {
  if (!results.has(folder)) {
    const before = [...results.values()];
    const wait = before.length >= 2 ? before[before.length - 2].catch(() => null) : Promise.resolve(null);
    results.set(folder, wait.then(() => rank(folder)));
  }
  return results.get(folder)!;
}

beforeAll(async () => {
  f = await badInputFolders();
  for (const folder of [f.mixed, f.huge, f.many, f.oneClass, f.oneImage, f.empty, f.nothingUsable]) void cli(folder);
});

describe("npm run rank on bad input", () => {
  it("names every unusable file with its reason, ranks the rest, exit 0", async () => {
    const r = await cli(f.mixed);
    expect(r.code, r.stderr).toBe(0);
    const skipped = Object.fromEntries(r.json!.task.skipped.map((s) => [s.path, s.reason]));
    const expected = Object.entries(f.mixedExpect);
    for (const [path, e] of expected) {
      if (e === "used") expect(skipped[path], path).toBeUndefined();
      else expect(skipped[path], path).toMatch(e);
    }
    expect(Object.keys(skipped).length).toBe(expected.filter(([, e]) => e !== "used").length);
    expect(r.json!.task.images).toBe(expected.filter(([, e]) => e === "used").length);
    expect(r.json!.task.classes).toBe(4);
    expect(r.json!.ranking.length).toBeGreaterThan(10);
    expect(r.json!.ranking.every((x) => Number.isFinite(x.score))).toBe(true);
    // Without --json the same files are named on stderr.
    expect(r.stderr).toContain("skipped mixed/airplanes/notes.jpg: could not decode image: the file is text, not an image");
  });

  it("ranks one class, one image, oversized images and 10,000 files (only the sample is decoded)", async () => {
    const [one, single, huge, many] = await Promise.all([cli(f.oneClass), cli(f.oneImage), cli(f.huge), cli(f.many)]);
    for (const r of [one, single, huge, many]) expect(r.code, r.stderr).toBe(0);
    expect([one.json!.task.images, one.json!.task.classes]).toEqual([3, 1]);
    expect([single.json!.task.images, single.json!.task.classes, single.json!.task.labelled]).toEqual([1, 0, false]);
    expect([huge.json!.task.images, huge.json!.task.skipped]).toEqual([3, []]);
    expect([many.json!.task.files, many.json!.task.images, many.json!.task.classes]).toEqual([10_000, 100, 2]);
  });

  it("exits 2 with a message when nothing is usable", async () => {
    const [empty, nothing] = await Promise.all([cli(f.empty), cli(f.nothingUsable)]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/error: no usable images in .*empty \(0 files, 0 skipped\)/);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("skipped nothing-usable/a/readme.md: not an image type we read (.md)");
    expect(nothing.stderr).toContain("skipped nothing-usable/a/empty.jpg: empty file (0 bytes)");
    expect(nothing.stderr).toContain("skipped nothing-usable/b/text.png: could not decode image: the file is text, not an image");
    expect(nothing.stderr).toContain("error: none of the sampled images could be decoded");
    const missing = await rank(resolve(f.base, "no-such-folder"));
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("no such folder")]);
  });

  it("exits 2 naming a bad --dataset-size or --classes before embedding anything", async () => {
    const [size, classes, word] = await Promise.all([rank(f.oneImage, ["--dataset-size", "0"]), rank(f.oneImage, ["--classes", "1"]), rank(f.oneImage, ["--dataset-size", "lots"])]);
    expect([size.code, size.stderr]).toEqual([2, expect.stringContaining("--dataset-size must be a whole number of images from 1")]);
    expect([classes.code, classes.stderr]).toEqual([2, expect.stringContaining("--classes must be a whole number from 2")]);
    expect([word.code, word.stderr]).toEqual([2, expect.stringContaining('--dataset-size must be a whole number, got "lots"')]);
  });
});

describe("decoding odd formats", () => {
  it("embeds every decodable odd format to finite numbers", async () => {
    const { embeddings, errors } = await embedFiles(await createProxySession(), f.oddFormats.map((p) => resolve(f.base, p)));
    expect(errors).toEqual([]);
    for (const e of embeddings) expect(e!.every(Number.isFinite)).toBe(true);
  });

  it("reads sizes from headers as sharp does, and refuses non-images by content", async () => {
    for (const p of f.oddFormats) {
      const bytes = new Uint8Array(readFileSync(resolve(f.base, p)));
      const info = await readImageInfo(bufferReader(bytes), bytes.length);
      const meta = p.endsWith(".bmp") ? null : await sharp(bytes).metadata();
      if (meta) expect([info.width, info.height], p).toEqual([meta.width, meta.height]);
      else expect([info.width, info.height]).toEqual([300, 198]);
    }
    const text = new TextEncoder().encode("hello, world\n");
    await expect(readImageInfo(bufferReader(text), text.length)).rejects.toThrow(ImageFileError);
    const hugePng = new Uint8Array(readFileSync(resolve(f.huge, "leopard/9000x5000.png")).subarray(0, 64));
    expect(await readImageInfo(bufferReader(hugePng), 64)).toEqual({ format: "png", width: 9000, height: 5000 });
  });

  it("decodes the BMPs exactly (the decoder both shells use)", async () => {
    const src = resolve(f.mixed, "butterfly/original.jpg");
    const { data: rgb } = await sharp(src).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const bmp = await decodeFile(resolve(f.mixed, "butterfly/rgb24.bmp"));
    let worst = 0;
    for (let i = 0; i < bmp.width * bmp.height; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(bmp.data[4 * i + c] - rgb[3 * i + c]));
    expect(worst).toBe(0);
    const grey = await decodeFile(resolve(f.mixed, "butterfly/grey8-topdown.bmp"));
    const p = (10 * grey.width + 20) * 4; // top-down rows: row 10 is the image's row 10
    expect(grey.data[p]).toBe(Math.round(0.299 * rgb[(10 * grey.width + 20) * 3] + 0.587 * rgb[(10 * grey.width + 20) * 3 + 1] + 0.114 * rgb[(10 * grey.width + 20) * 3 + 2]));
  });

  it("the streaming PNG decoder (oversized PNGs, both shells) gives sharp's pixels", async () => {
    const src = resolve(f.mixed, "butterfly/original.jpg");
    const variants: [string, ReturnType<typeof sharp>][] = [
      ["rgb8", sharp(src).png()],
      ["rgb16", sharp(src).toColourspace("rgb16").png()],
      ["grey8", sharp(src).toColourspace("b-w").png()],
      ["grey16", sharp(src).toColourspace("grey16").png()],
      ["rgba8", sharp(src).ensureAlpha(0.5).png()],
      ["palette", sharp(src).png({ palette: true, colours: 64 })],
      ["palette-2bit", sharp(src).png({ palette: true, colours: 4 })],
      ["interlaced", sharp(src).png({ progressive: true })],
      ["interlaced16", sharp(src).toColourspace("rgb16").png({ progressive: true })],
    ];
    for (const [name, img] of variants) {
      const bytes = new Uint8Array(await img.toBuffer());
      const dec = new PngStreamDecoder((w, h) => new FullSink(w, h));
      for (let o = 0; o < bytes.length; o += 1000) dec.push(bytes.subarray(o, o + 1000)); // arbitrary chunking
      const ours = dec.finish();
      const ref = await sharp(bytes).flatten({ background: "#ffffff" }).toColourspace("srgb").removeAlpha().raw().toBuffer();
      let worst = 0;
      for (let i = 0; i < ours.width * ours.height; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(ours.data[4 * i + c] - ref[3 * i + c]));
      expect(worst, name).toBeLessThanOrEqual(1); // compositing onto white rounds once
    }
    const cut = new Uint8Array(await variants[0][1].toBuffer()).subarray(0, 5000);
    const dec = new PngStreamDecoder((w, h) => new FullSink(w, h));
    dec.push(cut);
    expect(() => dec.finish()).toThrow(); // cut off: the shells report "the PNG data is corrupt or truncated"
    // Shrunk while decoded: close to sharp's own resize of the 9000×5000 PNG.
    const big = await decodeFile(resolve(f.huge, "leopard/9000x5000.png"));
    const ref = await sharp(resolve(f.huge, "leopard/9000x5000.png")).resize(big.width, big.height, { kernel: "linear" }).removeAlpha().raw().toBuffer();
    let sum = 0;
    for (let i = 0; i < big.width * big.height; i++) for (let c = 0; c < 3; c++) sum += Math.abs(big.data[4 * i + c] - ref[3 * i + c]);
    expect(sum / (big.width * big.height * 3)).toBeLessThan(2);
  });

  it("decodes a 12000×12000 JPEG and a 9000×5000 PNG without holding them at full size", async () => {
    // A fresh process, so that its peak memory is the decoding's: 576 MB of RGBA would show.
    const script = `(async () => {
      const { decodeFile } = await import(${JSON.stringify(pathToFileURL(resolve(ROOT, "cli/node/decode.ts")).href)});
      const sizes = [];
      for (const p of process.argv.slice(-2)) { const img = await decodeFile(p); sizes.push([img.width, img.height]); }
      console.log(JSON.stringify({ sizes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    })();`;
    const { stdout } = await run("npx", ["tsx", "--eval", script, resolve(f.huge, "leopard/12000x12000.jpg"), resolve(f.huge, "leopard/9000x5000.png")], { cwd: ROOT, encoding: "utf8" });
    const out = JSON.parse(stdout) as { sizes: number[][]; maxRssMb: number };
    console.log(`CLI decoding the oversized images: peak RSS ${out.maxRssMb.toFixed(0)} MB`);
    expect(out.sizes).toEqual([
      [512, 512],
      [922, 512],
    ]);
    expect(out.maxRssMb).toBeLessThan(400);
  });
});
