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

interface ChromiumProcess extends ProcInfo {
  renderer: boolean;
}

/** Fields of a /proc stat line after the command name (which may hold spaces), or null. */
function statFields(path: string): string[] | null {
  try {
    const stat = readFileSync(path, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null; // ended while we looked
  }
}

/** Chromium processes below this Node process, read from /proc (the walk up to this process goes
 * through every process, Chromium or not). */
function chromiumProcesses(): Map<number, ChromiumProcess> {
  const parent = new Map<number, number>();
  const info = new Map<number, ChromiumProcess>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(`/proc/${name}/stat`);
    if (!fields) continue;
    const pid = Number(name);
    parent.set(pid, Number(fields[1]));
    try {
      // Chromium rewrites its command line into one string; split on NUL for everything else.
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      // Not the servers or busy loops the bench starts itself, which are Node processes.
      if (!/chrom/i.test(cmdline.split("\0")[0])) continue;
      info.set(pid, {
        rssMb: (Number(fields[21]) * 4096) / 2 ** 20,
        cpuS: (Number(fields[11]) + Number(fields[12])) / clockTicks,
        renderer: cmdline.includes("--type=renderer"),
      });
    } catch {
      /* ended while we looked */
    }
  }
  const mine = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return new Map([...info].filter(([pid]) => mine(pid)));
}

/** Chromium renderer processes below this Node process (the pages, their workers and their
 * WebAssembly memory live there). */
function renderers(): Map<number, ProcInfo> {
  return new Map([...chromiumProcesses()].filter(([, p]) => p.renderer));
}

/** Resident memory (MB) of this bench's Chromium renderer processes, summed. */
export function rendererRssMb(): number {
  let total = 0;
  for (const i of renderers().values()) total += i.rssMb;
  return total;
}

/**
 * Where the CPU went, by thread, named as Chromium names them: in the renderer, its workers
 * ("DedicatedWorker": the proxy worker, onnxruntime's WebAssembly threads and the decode workers
 * alike), its main thread, its thread pool ("ThreadPool…": where createImageBitmap decodes and
 * files are read) and the rest (compositor, IO, threads that ended); and the other Chromium
 * processes (the browser process serves the page's file reads). Seconds.
 */
export interface CpuSplit {
  renderer: number;
  rendererWorkers: number;
  rendererMain: number;
  rendererThreadPool: number;
  rendererOther: number;
  otherProcesses: number;
}

type ThreadGroup = "rendererWorkers" | "rendererMain" | "rendererThreadPool";

function snapshot(): { procs: Map<number, ChromiumProcess>; threads: Map<string, { group: ThreadGroup; cpuS: number }> } {
  const procs = chromiumProcesses();
  const threads = new Map<string, { group: ThreadGroup; cpuS: number }>();
  for (const [pid, p] of procs) {
    if (!p.renderer) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      let comm = "";
      try {
        comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
      } catch {
        continue;
      }
      const group: ThreadGroup | null = Number(tid) === pid ? "rendererMain" : comm.startsWith("DedicatedWorker") ? "rendererWorkers" : comm.startsWith("ThreadPool") ? "rendererThreadPool" : null;
      const fields = group && statFields(`/proc/${pid}/task/${tid}/stat`);
      if (group && fields) threads.set(`${pid}/${tid}`, { group, cpuS: (Number(fields[11]) + Number(fields[12])) / clockTicks });
    }
  }
  return { procs, threads };
}

/** Starts a CPU-time meter over this bench's Chromium processes; the returned function gives the
 * CPU seconds used since, split as CpuSplit (processes and threads that start in between count
 * from zero). CPU time is far less disturbed than wall time by other work on a shared machine. */
export function cpuMeter(): () => CpuSplit {
  const start = snapshot();
  return () => {
    const now = snapshot();
    const out: CpuSplit = { renderer: 0, rendererWorkers: 0, rendererMain: 0, rendererThreadPool: 0, rendererOther: 0, otherProcesses: 0 };
    for (const [pid, p] of now.procs) {
      const used = p.cpuS - (start.procs.get(pid)?.cpuS ?? 0);
      if (p.renderer) out.renderer += used;
      else out.otherProcesses += used;
    }
    for (const [key, t] of now.threads) out[t.group] += t.cpuS - (start.threads.get(key)?.cpuS ?? 0);
    out.rendererOther = out.renderer - out.rendererWorkers - out.rendererMain - out.rendererThreadPool;
    return out;
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
