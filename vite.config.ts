import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { transformWithOxc, type ResolvedConfig } from "vite";
import { HANDOFF_CACHE } from "./src/sw-handoff.ts";

// Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Only the app's own origin; 'wasm-unsafe-eval' is what onnxruntime's WebAssembly needs. Sent as an
 * HTTP header by `vite preview` (a header also governs the workers, whose policy comes from their
 * own script's response; a meta tag covers only the document) and kept as a meta tag in the built
 * page for hosts that cannot set headers (docs/PERFORMANCE.md, "Serving it"). Not on the dev
 * server: its React refresh needs an inline script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");

const csp: Plugin = {
  name: "fennec-csp",
  apply: "build",
  transformIndexHtml: () => [{ tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY }, injectTo: "head-prepend" }],
};

/** Every file under `dir`, relative and "/"-separated. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"));
}

/** Emits dist/sw.js (src/sw.ts) with the build's file list and a version hashed from their
 * contents: a new build, or a new model or bundle under the same name, installs a new cache. */
function serviceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "fennec-sw",
    apply: "build",
    enforce: "post",
    configResolved(c) {
      config = c;
    },
    async generateBundle(_options, bundle) {
      const hash = createHash("sha256");
      const files: string[] = [];
      for (const [name, out] of Object.entries(bundle).sort(([a], [b]) => (a < b ? -1 : 1))) {
        files.push(name);
        hash.update(name).update(out.type === "chunk" ? out.code : typeof out.source === "string" ? out.source : Buffer.from(out.source));
      }
      if (config.publicDir) {
        for (const name of filesUnder(config.publicDir).sort()) {
          if (name.endsWith(".md") || name === "sw.js") continue;
          files.push(name);
          hash.update(name).update(readFileSync(join(config.publicDir, name)));
        }
      }
      const source = readFileSync(resolve(config.root, "src/sw.ts"), "utf8");
      const { code } = await transformWithOxc(source, "sw.ts", { lang: "ts" });
      const js = code
        .replace(/^export\s*\{\s*\};?\s*$/m, "")
        .replaceAll("__PRECACHE__", JSON.stringify(files))
        .replaceAll("__VERSION__", JSON.stringify(hash.digest("hex").slice(0, 16)))
        .replaceAll("__HANDOFF_CACHE__", JSON.stringify(HANDOFF_CACHE));
      this.emitFile({ type: "asset", fileName: "sw.js", source: js });
    },
  };
}

export default defineConfig({
  plugins: [react(), csp, serviceWorker()],
  server: { headers: isolation },
  preview: { headers: { ...isolation, "Content-Security-Policy": CONTENT_SECURITY_POLICY } },
  worker: { format: "es" },
  optimizeDeps: { exclude: ["onnxruntime-web"] },
  build: { target: "es2022", chunkSizeWarningLimit: 1024 },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
