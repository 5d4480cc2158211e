/**
 * Processes and servers the bench starts and stops itself: the app's `vite preview` (spawned in
 * its own process group so that ending it ends only what it started) and a small static server
 * with cross-origin isolation headers for the bench harness page.
 */
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { extname, join, normalize, resolve } from "node:path";

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createNetServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before answering ${url}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} after ${timeoutMs} ms`);
}

export interface Running {
  url: string;
  stop(): Promise<void>;
}

/** `npx vite preview --port <port> --strictPort --outDir <outDir>` in the repository, until stop(). */
export async function startPreview(repo: string, outDir: string): Promise<Running & { log: () => string; alive: () => boolean }> {
  const port = await freePort();
  let log = "";
  const child = spawn("npx", ["vite", "preview", "--port", String(port), "--strictPort", "--outDir", outDir, "--host", "127.0.0.1"], {
    cwd: repo,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const done = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM"); // its own process group: npx and the vite it started
    } catch {
      /* already gone */
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, 60_000, child);
  } catch (e) {
    await stop();
    throw new Error(`vite preview did not start: ${(e as Error).message}\n${log}`);
  }
  return { url, stop, log: () => log, alive: () => child.exitCode === null && child.signalCode === null };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".onnx": "application/octet-stream",
  ".css": "text/css",
};

/** Serves `root` (and `mounts`: URL prefix → folder) with COOP/COEP, so the page can be
 * cross-origin isolated and onnxruntime-web can use WASM threads, as under `vite preview`. */
export async function startStatic(root: string, mounts: Record<string, string> = {}): Promise<Running> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let base = root;
    let rel = path;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (path.startsWith(prefix)) {
        base = dir;
        rel = path.slice(prefix.length - 1);
        break;
      }
    }
    let file = resolve(base, "." + normalize(rel));
    if (!file.startsWith(resolve(base))) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": statSync(file).size,
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cache-Control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface ProcInfo {
  rssMb: number;
  /** user + system CPU time, seconds */
  cpuS: number;
}

let clockTicks = 100;
try {
  clockTicks = Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
} catch {
  /* keep 100, Linux's usual value */
}

/** Chromium renderer processes below this Node process (the pages, their workers and their
 * WebAssembly memory live there), read from /proc. */
function renderers(): Map<number, ProcInfo> {
  const parent = new Map<number, number>();
  const info = new Map<number, ProcInfo & { renderer: boolean }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(name);
      parent.set(pid, Number(fields[1]));
      info.set(pid, {
        rssMb: (Number(fields[21]) * 4096) / 2 ** 20,
        cpuS: (Number(fields[11]) + Number(fields[12])) / clockTicks,
        renderer: readFileSync(`/proc/${name}/cmdline`, "utf8").includes("--type=renderer"),
      });
    } catch {
      /* process ended while we looked */
    }
  }
  const mine = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  const out = new Map<number, ProcInfo>();
  for (const [pid, i] of info) if (i.renderer && mine(pid)) out.set(pid, { rssMb: i.rssMb, cpuS: i.cpuS });
  return out;
}

/** Resident memory (MB) of this bench's Chromium renderer processes, summed. */
export function rendererRssMb(): number {
  let total = 0;
  for (const i of renderers().values()) total += i.rssMb;
  return total;
}

/** Starts a CPU-time meter over this bench's renderer processes; the returned function gives the
 * CPU seconds they used since (processes that start in between count from zero). CPU time is far
 * less disturbed than wall time by other work on a shared machine. */
export function rendererCpuMeter(): () => number {
  const start = renderers();
  return () => {
    let total = 0;
    for (const [pid, i] of renderers()) total += i.cpuS - (start.get(pid)?.cpuS ?? 0);
    return total;
  };
}

/** Builds the bench harness page (cli/node/bench/harness) into `outDir` with Vite and serves it
 * with the cross-origin isolation headers, the proxy model mounted at /models/, until stop(). */
export async function startHarness(repo: string, outDir: string): Promise<Running> {
  const { build } = await import("vite");
  await build({
    configFile: false,
    root: resolve(repo, "cli/node/bench/harness"),
    publicDir: false,
    logLevel: "warn",
    worker: { format: "es" },
    optimizeDeps: { exclude: ["onnxruntime-web"] },
    build: { outDir, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 100_000 },
  });
  return startStatic(outDir, { "/models/": resolve(repo, "public/models") });
}
