/**
 * A decode worker: turns a batch of files into the proxy's input tensor (decode + the shared
 * preprocessing) while the proxy worker infers the previous batch, so that decoding is off the
 * inference thread. The client keeps a small pool of these (client.ts). The tensor's buffer is
 * transferred, not copied.
 */
import * as Comlink from "comlink";
import { prepareBatch, type EmbedItem, type PreparedBatch } from "./prepare.ts";

/** Batches of runs older than this are dropped between images (the person cancelled). */
let current = 0;

const api = {
  async prepare(items: EmbedItem[], run: number): Promise<PreparedBatch> {
    const batch = await prepareBatch(items, () => run < current);
    return Comlink.transfer(batch, [batch.input.buffer]);
  },
  /** Every batch of a run before `run` stops at its next image. */
  supersede(run: number): void {
    current = Math.max(current, run);
  },
};

export type PrepareWorkerApi = typeof api;
Comlink.expose(api);
