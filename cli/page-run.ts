/**
 * Times the page on a folder, as a person would use it: built app, headless Chromium, the folder
 * chosen through the dataset input. Prints the app's own timings and the top models as JSON.
 *   npm run page-run -- <folder> [--backend wasm|webgpu]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { launchBrowser, runApp } from "./node/bench/browser.ts";
import { startPreview } from "./node/bench/servers.ts";
import { REPO } from "./node/repoData.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { backend: { type: "string", default: "wasm" } } });
if (positionals.length !== 1 || (values.backend !== "wasm" && values.backend !== "webgpu")) {
  console.error("usage: npm run page-run -- <folder> [--backend wasm|webgpu]");
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), "fennec-page-run-"));
execFileSync("npx", ["vite", "build", "--outDir", out, "--emptyOutDir", "--logLevel", "error"], { cwd: REPO, stdio: "inherit" });
const server = await startPreview(REPO, out);
const { browser, version } = await launchBrowser();
try {
  const run = await runApp(browser, server.url, values.backend, resolve(positionals[0]), { timeoutMs: 20 * 60_000 });
  console.log(
    JSON.stringify(
      {
        folder: positionals[0],
        browser: version,
        backend: run.backend,
        cross_origin_isolated: run.crossOriginIsolated,
        files: run.listed,
        images: run.embedded,
        failed: run.failed,
        drop_to_table_ms: Math.round(run.dropToTableMs),
        embed_ms: Math.round(run.embedMs),
        session_start_ms: Math.round(run.initMs),
        images_per_s: Number(((run.embedded / run.embedLoopMs) * 1000).toFixed(1)),
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await server.stop();
}
