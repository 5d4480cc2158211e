/**
 * Transfer sizes: each zoo bundle gzipped, and the JavaScript a first visit must load before the
 * page can run (entry script, its static imports and modulepreload links), gzipped.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export const gzBytes = (buf: Buffer | string): number => gzipSync(buf, { level: 9 }).length;

export interface BundleSizes {
  /** zoo id → gzipped bytes of its file */
  zoos: Record<string, number>;
  /** zoo id → raw bytes */
  zoosRaw: Record<string, number>;
  manifestGz: number;
  largestZoo: string;
}

export function bundleSizes(bundleDir: string): BundleSizes {
  const manifest = JSON.parse(readFileSync(join(bundleDir, "manifest.json"), "utf8")) as { zoos: { id: string; file: string; nModels: number }[] };
  const zoos: Record<string, number> = {};
  const zoosRaw: Record<string, number> = {};
  for (const z of manifest.zoos) {
    const buf = readFileSync(join(bundleDir, z.file));
    zoos[z.id] = gzBytes(buf);
    zoosRaw[z.id] = buf.length;
  }
  const largestZoo = manifest.zoos.slice().sort((a, b) => b.nModels - a.nModels || zoosRaw[b.id] - zoosRaw[a.id])[0].id;
  return { zoos, zoosRaw, manifestGz: gzBytes(readFileSync(join(bundleDir, "manifest.json"))), largestZoo };
}

export interface InitialJs {
  gzBytes: number;
  rawBytes: number;
  files: { file: string; raw: number; gz: number }[];
  /** What loads later, not before the page runs: the worker chunk, lazy chunks, ORT's WebAssembly,
   * the proxy model (at the first folder) and the service worker (registered after load). */
  lazy: { file: string; raw: number; gz: number }[];
}

/** Static `import … from "./x.js"` / `import "./x.js"` / `export … from "./x.js"` in a built chunk
 * (dynamic `import()` and `new URL(…, import.meta.url)` are lazy and not followed). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+\.m?js)["']/g;
  for (let m; (m = re.exec(code)); ) out.push(m[1]);
  return out;
}

export function initialJs(distDir: string): InitialJs {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const roots = [
    ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
  ];
  const seen = new Set<string>();
  const queue = roots.map((u) => resolve(distDir, "." + new URL(u, "http://x/").pathname));
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".") || spec.startsWith("/")) queue.push(spec.startsWith("/") ? resolve(distDir, "." + spec) : resolve(dirname(file), spec));
    }
  }
  const files = [...seen].map((f) => {
    const buf = readFileSync(f);
    return { file: f.slice(distDir.length + 1), raw: buf.length, gz: gzBytes(buf) };
  });
  const assets = join(distDir, "assets");
  const later = [
    ...readdirSync(assets)
      .filter((f) => /\.(m?js|wasm)$/.test(f) && !seen.has(join(assets, f)))
      .map((f) => `assets/${f}`),
    ...(existsSync(join(distDir, "sw.js")) ? ["sw.js"] : []),
    ...(existsSync(join(distDir, "models")) ? readdirSync(join(distDir, "models")).filter((f) => f.endsWith(".onnx")).map((f) => `models/${f}`) : []),
  ];
  const lazy = later.map((file) => {
    const buf = readFileSync(join(distDir, file));
    return { file, raw: statSync(join(distDir, file)).size, gz: gzBytes(buf) };
  });
  return { gzBytes: files.reduce((s, f) => s + f.gz, 0), rawBytes: files.reduce((s, f) => s + f.raw, 0), files, lazy };
}
