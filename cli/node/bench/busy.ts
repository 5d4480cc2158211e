/**
 * CPU-bound busy-loop processes, to put a machine under load on purpose (the bench's
 * `load_slowdown` and e2e/load.spec.ts). Each is a separate Node process spinning one core; each
 * also ends itself after `maxMs`, so that a runner killed before stop() leaves nothing spinning.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface BusyLoops {
  pids: number[];
  stop(): Promise<void>;
}

export function startBusyLoops(count: number, maxMs: number): BusyLoops {
  const code = `const end = Date.now() + ${Math.round(maxMs)}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x * 1103515245 + 12345) | 0; }`;
  const children: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ["-e", code], { stdio: "ignore" }));
  return {
    pids: children.map((c) => c.pid ?? -1),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once("exit", () => resolve());
              c.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}
