/**
 * Privacy: a whole session (drop a folder, rank, open the share link) talks to no other origin, and
 * the page and its workers run under the Content-Security-Policy (an HTTP header from the preview
 * server, and a meta tag in the built page) without a violation.
 */
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";
import { CONTENT_SECURITY_POLICY } from "../vite.config.ts";

test.use({ serviceWorkers: "allow" });

test("a full run makes requests to its own origin only, under the page's CSP with no violation", async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: { url: string; type: string; by: string }[] = [];
  context.on("request", (r) => requests.push({ url: r.url(), type: r.resourceType(), by: r.serviceWorker() ? "service worker" : "page" }));
  // The policy each document and worker script arrived with (from the network or the service worker).
  const policies = new Map<string, string | null>();
  context.on("response", (r) => {
    const t = r.request().resourceType();
    if (t === "document" || /\.worker-[\w-]+\.js$/.test(new URL(r.url()).pathname)) policies.set(new URL(r.url()).pathname, r.headers()["content-security-policy"] ?? null);
  });
  page.on("websocket", (w) => requests.push({ url: w.url(), type: "websocket", by: "page" }));
  // Anything aimed elsewhere is also stopped, so that a leak cannot succeed while the test runs.
  await context.route((url) => url.origin !== origin, (route) => route.abort("blockedbyclient"));

  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || /Content.Security.Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      ((globalThis as unknown as { __csp?: string[] }).__csp ??= []).push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`),
    );
  });

  // The built page carries the policy, served as built.
  const built = readFileSync(resolve(import.meta.dirname, "..", process.env.E2E_DIST ?? "dist", "index.html"), "utf8");
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(built)?.[1].replaceAll("&#39;", "'");
  expect(meta, "dist/index.html has a CSP meta tag").toBeTruthy();
  for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "form-action 'none'"]) {
    expect(meta).toContain(directive);
  }

  await page.goto("/?backend=wasm");
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content")).toBe(meta);
  await chooseFolder(page, resolve(FIXTURES, "caltech-mini"));
  const top = await topModels(page, 10);
  const link = await page.getByTestId("share-link").inputValue();
  expect(new URL(link).origin).toBe(origin);
  await page.goto(link);
  expect(await topModels(page, 10)).toEqual(top);

  // The header covers the page and every worker script (the meta tag cannot reach workers).
  expect([...policies.keys()].filter((p) => p.includes(".worker-")).length, "worker scripts seen").toBeGreaterThanOrEqual(2);
  for (const [path, policy] of policies) expect(policy, `CSP header on ${path}`).toBe(CONTENT_SECURITY_POLICY);

  const foreign = requests.filter((r) => !r.url.startsWith(`${origin}/`) && !/^(blob|data):/.test(r.url));
  const summary = new Map<string, number>();
  for (const r of requests) {
    const path = r.url.startsWith(origin) ? new URL(r.url).pathname.replace(/-[\w-]{8}\./, "-<hash>.") : r.url.slice(0, 40);
    summary.set(`${r.by} ${r.type} ${path}`, (summary.get(`${r.by} ${r.type} ${path}`) ?? 0) + 1);
  }
  console.log(`${requests.length} requests, ${foreign.length} to other origins:\n  ${[...summary].map(([k, n]) => `${n}× ${k}`).join("\n  ")}`);
  expect(foreign).toEqual([]);
  expect(await page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
  expect(problems).toEqual([]);
});
