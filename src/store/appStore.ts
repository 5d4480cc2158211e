import { create } from "zustand";
import type { Manifest, Zoo, ZooModel } from "../core/bundle/schema.ts";
import { DEFAULT_SAMPLE, planDataset, type DatasetPlan, type SampleOptions, type SkippedFile } from "../core/sampling.ts";
import { checkShareAgainst, decodeShare, ShareLinkError, type ShareState } from "../core/share/codec.ts";
import { cleanFilters, type ModelFilters } from "../core/filters.ts";
import { describeTask, type TaskDescriptor } from "../core/task/descriptor.ts";
import { loadByo, loadManifest, loadZoo } from "../bundle/load.ts";
import type { ByoBundle } from "../core/bundle/byo.ts";
import { priorTaskVector } from "../core/task/mapper.ts";
import { checkObservation, observationValue, ObservationError, validateObservations, type Observation } from "../core/task/observed.ts";
import { userModel } from "../core/userModel.ts";
import { readOnnxModel } from "../model/onnxFile.ts";
import type { BrowserFile, Listing } from "../dataset/walk.ts";
import { listExample, loadExampleIndex } from "../dataset/example.ts";
import { classSeparabilityInWorker, embedAll, proxyStage, resetProxy, warmProxy, type EmbedProgress } from "../worker/client.ts";
import type { ImageStats } from "../core/task/imageStats.ts";
import type { Backend, BackendChoice } from "../worker/embed.worker.ts";

export type Phase = "loading" | "ready" | "listing" | "embedding" | "ranked";

export interface TableView {
  q: string;
  sort: { id: string; desc: boolean } | null;
  open: string | null;
  filters: ModelFilters;
}

export interface AppState {
  phase: Phase;
  manifest: Manifest | null;
  zoos: Record<string, Zoo>;
  zooId: string;
  /** Messages for the person, newest last: what went wrong and what to do. */
  errors: string[];
  /** What happened that is not an error (a cancelled run), shown apart from `errors`. */
  notice: string | null;
  listed: number;
  plan: DatasetPlan<BrowserFile> | null;
  skipped: SkippedFile[];
  progress: EmbedProgress | null;
  backend: Backend | null;
  backendChoice: BackendChoice;
  sampleOptions: SampleOptions;
  descriptor: TaskDescriptor | null;
  /** The sample's embeddings (this session only; never in links). */
  embedded: { path: string; label: string; embedding: Float32Array }[];
  source: "images" | "link" | null;
  timings: { dropToTableMs: number; embedMs: number } | null;
  view: TableView;
  abort: AbortController | null;
  /** Models the person dropped as ONNX files, placed in `byo.space` (and the zoos sharing it). */
  userModels: ZooModel[];
  /** Results the person measured on this task, in the current zoo's metric (links carry them). */
  observed: Observation[];
  /** Why the last entered result was refused (null: none). */
  observedError: string | null;
  byo: ByoBundle | null;
  modelBusy: boolean;
  /** A folder was chosen before the model repository arrived: it is kept and ranked once it has. */
  queued: boolean;
  /** The step a run is in and when it last made progress (null: no run), for the watchdog. */
  activity: { step: string; at: number } | null;
  /** The step a run has made no progress in for STALL_MS (null: none). */
  stalled: string | null;
  /** Whether the folder being ranked (or ranked) is the bundled example. */
  example: boolean;

  init(): Promise<void>;
  ingest(listing: Promise<Listing>, opts?: { example?: boolean }): Promise<void>;
  /** Ranks the bundled example folder (public/example), fetched from the app's own origin. */
  ingestExample(): Promise<void>;
  /** Starts a stalled run again with the same folder, on fresh workers. */
  retry(): void;
  cancel(): void;
  selectZoo(id: string): Promise<void>;
  openShare(hash: string): Promise<void>;
  setView(view: Partial<TableView>): void;
  setSampleOptions(opts: Partial<SampleOptions>): void;
  setBackendChoice(choice: BackendChoice): void;
  dismissErrors(): void;
  addUserModels(files: readonly File[]): Promise<void>;
  /** Records a measured result for a model of the current zoo; a bad one changes nothing and
   * sets observedError. Returns whether it was kept. */
  addObserved(model: string, value: string): boolean;
  removeObserved(model: string): void;
}

export const DEFAULT_ZOO = "hub";
/** A run that makes no progress for this long says so in the page, naming its step. */
export const STALL_MS = 20_000;
/** The step names the watchdog reports (shown in the page as "… while <step>"). */
export const STEPS = {
  repository: "loading the model repository",
  reading: "reading the folder",
  example: "downloading the example images",
  session: "starting the proxy model",
  embedding: "embedding the images",
  separability: "measuring how separable the classes are",
  zoo: "loading the model zoo",
} as const;
const DEFAULT_VIEW: TableView = { q: "", sort: null, open: null, filters: {} };

function backendFromUrl(): BackendChoice {
  const b = new URLSearchParams(location.search).get("backend");
  return b === "wasm" || b === "webgpu" ? b : "auto";
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const useApp = create<AppState>()((set, get) => {
  const fail = (message: string) => set((s) => ({ errors: [...s.errors, message] }));
  /** Settles with the manifest once init has it, or null when its load failed (then replaced, so
   * that a later init can settle a fresh one). */
  let manifestReady = deferred<Manifest | null>();
  /** The current run; an older run's awaits come back to a different number and stop there. */
  let run = 0;
  let lastInput: { listing: Promise<Listing>; example: boolean } | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  const touch = (step: string) => set({ activity: { step, at: performance.now() }, stalled: null });
  const finish = () => {
    if (watchdog) clearInterval(watchdog);
    watchdog = null;
    set({ activity: null, stalled: null, queued: false });
  };
  const startWatchdog = () => {
    if (watchdog) return;
    watchdog = setInterval(() => {
      const { activity, stalled } = get();
      if (!activity || stalled || performance.now() - activity.at < STALL_MS) return;
      // While the proxy session starts, name what it waits on (the offline download, the session).
      set({ stalled: activity.step === STEPS.session ? (proxyStage() ?? activity.step) : activity.step });
    }, 1000);
  };

  const ensureZoo = async (id: string): Promise<Zoo> => {
    const have = get().zoos[id];
    if (have) return have;
    const zoo = await loadZoo(get().manifest!, id);
    set((s) => ({ zoos: { ...s.zoos, [id]: zoo } }));
    return zoo;
  };

  return {
    phase: "loading",
    manifest: null,
    zoos: {},
    zooId: DEFAULT_ZOO,
    errors: [],
    notice: null,
    listed: 0,
    plan: null,
    skipped: [],
    progress: null,
    backend: null,
    backendChoice: backendFromUrl(),
    sampleOptions: DEFAULT_SAMPLE,
    descriptor: null,
    embedded: [],
    source: null,
    timings: null,
    view: DEFAULT_VIEW,
    abort: null,
    userModels: [],
    byo: null,
    modelBusy: false,
    observed: [],
    observedError: null,
    queued: false,
    activity: null,
    stalled: null,
    example: false,

    async init() {
      try {
        const manifest = await loadManifest();
        set({ manifest, zooId: manifest.zoos.some((z) => z.id === DEFAULT_ZOO) ? DEFAULT_ZOO : manifest.zoos[0].id });
        manifestReady.resolve(manifest);
        if (location.hash.length > 1) await get().openShare(location.hash);
        else await ensureZoo(get().zooId);
        set((s) => ({ phase: s.phase === "loading" ? "ready" : s.phase }));
      } catch (e) {
        fail(`The model data could not be loaded: ${(e as Error).message}`);
        set((s) => ({ phase: s.phase === "loading" ? "ready" : s.phase }));
        if (!get().manifest) {
          const failed = manifestReady;
          manifestReady = deferred();
          failed.resolve(null);
        }
      }
    },

    async ingest(listingPromise, opts = {}) {
      const me = ++run;
      const example = opts.example === true;
      lastInput = { listing: listingPromise, example };
      get().abort?.abort();
      const abort = new AbortController();
      const t0 = performance.now();
      set({ errors: [], notice: null, abort, example });
      startWatchdog();
      try {
        let manifest = get().manifest;
        if (!manifest) {
          // A folder chosen while the page still loads is kept (never dropped in silence) and
          // ranked as soon as the repository is in; the proxy session starts meanwhile.
          set({ queued: true });
          touch(STEPS.repository);
          warmProxy(get().backendChoice);
          const waitFor = manifestReady.promise;
          if (get().phase !== "loading") {
            // The first load failed: try once more for this folder.
            set({ phase: "loading" });
            void get().init();
          }
          manifest = await waitFor;
          if (me !== run) return;
          set({ queued: false });
          if (!manifest) {
            fail(`Your ${example ? "example" : "folder"} was kept but cannot be ranked: the model repository did not load (see above). Check the connection, then choose it again.`);
            set({ abort: null });
            return;
          }
        }
        const { sampleOptions } = get();
        touch(example ? STEPS.example : STEPS.reading);
        set({ phase: "listing", listed: 0, plan: null, skipped: [], progress: null, descriptor: null, embedded: [], source: null, timings: null, view: DEFAULT_VIEW, observed: [], observedError: null });
        let listing: Listing;
        try {
          listing = await listingPromise;
        } catch (e) {
          if (me !== run) return;
          fail(example ? `The example could not be downloaded: ${(e as Error).message}` : `The folder could not be read: ${(e as Error).message}`);
          set({ phase: "ready", abort: null });
          return;
        }
        if (me !== run) return;
        const plan = planDataset(listing.files, sampleOptions);
        const skipped = [...listing.unreadable, ...plan.skipped];
        set({ plan, skipped, listed: listing.files.length });
        if (plan.sample.length === 0) {
          fail(
            listing.files.length === 0
              ? "The folder is empty. Drop a folder with one sub-folder of images per class (jpg, png, webp, gif or bmp)."
              : `None of the ${listing.files.length} files is an image we can read (see the skipped files below). Drop a folder of jpg, png, webp, gif or bmp images, one sub-folder per class.`,
          );
          set({ phase: get().descriptor ? "ranked" : "ready", abort: null });
          return;
        }
        set({ phase: "embedding" });
        touch(STEPS.session);
        let result;
        try {
          const tEmbed = performance.now();
          result = await embedAll(
            plan.sample.map((s) => s.file.file),
            {
              backend: get().backendChoice,
              signal: abort.signal,
              onProgress: (progress) => {
                if (me !== run) return;
                set({ progress, backend: progress.backend });
                touch(progress.backend ? STEPS.embedding : STEPS.session);
              },
            },
          );
          if (me !== run) return;
          set({ timings: { dropToTableMs: 0, embedMs: performance.now() - tEmbed } });
        } catch (e) {
          if (me !== run) return;
          fail(`The proxy model could not run in this browser: ${(e as Error).message}`);
          set({ phase: "ready", abort: null });
          return;
        }
        const used: { e: Float32Array; label: string; path: string; stats: ImageStats }[] = [];
        const decodeErrors: SkippedFile[] = [];
        for (const o of result.outcomes) {
          if ("error" in o) decodeErrors.push({ path: plan.sample[o.id].file.path, reason: o.error });
          else used.push({ e: o.embedding, label: plan.sample[o.id].label, path: plan.sample[o.id].file.path, stats: o.stats });
        }
        set({ skipped: [...skipped, ...decodeErrors], backend: result.backend, abort: null });
        if (result.cancelled) {
          set({ phase: "ready", notice: `Cancelled after ${result.outcomes.length} of ${plan.sample.length} images; nothing was ranked. Drop the folder again to restart.` });
          return;
        }
        if (used.length === 0) {
          fail("None of the sampled images could be decoded (see the skipped files below). Check that they are real, complete image files.");
          set({ phase: "ready" });
          return;
        }
        touch(STEPS.separability);
        // The same descriptor as the CLI's (cli/rank.ts): per-image statistics and separability too.
        const probe = await classSeparabilityInWorker(
          used.map((u) => u.e.slice()), // own buffers: a view would clone its whole batch's buffer
          used.map((u) => u.label),
          get().backendChoice,
        );
        if (me !== run) return;
        const descriptor = describeTask(
          used.map((u) => u.e),
          used.map((u) => u.label),
          manifest,
          plan.usable,
          { stats: used.map((u) => u.stats), probe },
        );
        touch(STEPS.zoo);
        await ensureZoo(get().zooId);
        if (me !== run) return;
        set((s) => ({
          descriptor,
          embedded: used.map((u) => ({ path: u.path, label: u.label, embedding: u.e })),
          source: "images",
          phase: "ranked",
          timings: { embedMs: s.timings?.embedMs ?? 0, dropToTableMs: performance.now() - t0 },
        }));
      } catch (e) {
        if (me !== run) return;
        fail(`Your ${example ? "example" : "folder"} could not be ranked: ${(e as Error).message}`);
        set((s) => ({ phase: s.descriptor ? "ranked" : "ready", abort: null }));
      } finally {
        if (me === run) finish();
      }
    },

    async ingestExample() {
      const listing = loadExampleIndex().then((index) => listExample(index, (n) => set({ listed: n })));
      // Settled here too, so a rejection is never left unhandled while ingest waits on the manifest.
      listing.catch(() => undefined);
      await get().ingest(listing, { example: true });
    },

    retry() {
      const last = lastInput;
      if (!last) return;
      const { queued, activity } = get();
      if (queued) {
        // Stuck on the repository: ask for it again; the kept folder follows when it arrives.
        touch(activity?.step ?? STEPS.repository);
        void get().init();
        return;
      }
      get().abort?.abort();
      resetProxy();
      void get().ingest(last.listing, { example: last.example });
    },

    cancel() {
      const { queued, stalled, abort } = get();
      abort?.abort();
      if (queued || stalled) {
        // Nothing to wait for: a run still waiting on the repository, or stuck, stops at once.
        run++;
        if (stalled) resetProxy();
        finish();
        set((s) => ({ phase: s.manifest ? (s.descriptor ? "ranked" : "ready") : "loading", abort: null, notice: `Cancelled while ${stalled ?? STEPS.repository}; nothing was ranked. Choose the folder again to restart.` }));
      }
    },

    async selectZoo(id) {
      const previous = get().zooId;
      // Switch at once (the radio follows the click); the zoo file arrives a moment later.
      // Measured results name the previous zoo's models, in its metric: they do not carry over.
      set({ zooId: id, view: { ...get().view, open: null, filters: {} }, observed: id === previous ? get().observed : [], observedError: null });
      try {
        await ensureZoo(id);
      } catch (e) {
        set({ zooId: previous });
        fail(`That model zoo could not be loaded: ${(e as Error).message}`);
      }
    },

    async openShare(hash) {
      const { manifest } = get();
      if (!manifest) return;
      let share: ShareState;
      let observed: Observation[];
      try {
        share = decodeShare(hash);
        checkShareAgainst(
          share,
          manifest.hash,
          manifest.zoos.map((z) => z.id),
          manifest.imageTasks.map((t) => t.key),
        );
        observed = validateObservations(await ensureZoo(share.zoo), share.observed ?? []);
      } catch (e) {
        const why = e instanceof ShareLinkError ? e.message : e instanceof ObservationError ? `its measured results do not fit this zoo (${e.message})` : `it could not be opened (${(e as Error).message})`;
        fail(`This share link cannot be shown: ${why}`);
        return;
      }
      set({
        zooId: share.zoo,
        descriptor: share.descriptor,
        source: "link",
        observed,
        observedError: null,
        phase: "ranked",
        view: { q: share.view?.q ?? "", sort: share.view?.sort ?? null, open: share.view?.open ?? null, filters: cleanFilters(share.view?.filters) },
      });
    },

    setView(view) {
      set((s) => ({ view: { ...s.view, ...view } }));
    },

    setSampleOptions(opts) {
      set((s) => ({ sampleOptions: { ...s.sampleOptions, ...opts } }));
    },

    setBackendChoice(backendChoice) {
      set({ backendChoice });
    },

    async addUserModels(files) {
      const { manifest } = get();
      if (!manifest) return;
      set({ modelBusy: true });
      try {
        const byo = get().byo ?? (await loadByo(manifest));
        set({ byo });
        const space = await ensureZoo(byo.space);
        const prior = priorTaskVector(space);
        for (const file of files) {
          if (!/\.onnx$/i.test(file.name)) {
            fail(`${file.name}: not an .onnx file. Export your model to ONNX (for example with torch.onnx.export) and drop the .onnx file.`);
            continue;
          }
          try {
            const graph = await readOnnxModel(file.name, new Uint8Array(await file.arrayBuffer()));
            const model = userModel(graph, byo, prior);
            set((s) => ({ userModels: [...s.userModels.filter((m) => m.id !== model.id), model], view: { ...s.view, open: model.id } }));
          } catch (e) {
            fail((e as Error).message);
          }
        }
      } catch (e) {
        fail(`Your model could not be placed: ${(e as Error).message}`);
      } finally {
        set({ modelBusy: false });
      }
    },

    addObserved(model, value) {
      const zoo = get().zoos[get().zooId];
      const problem = zoo ? checkObservation(zoo, model, value) : "the model zoo is not loaded yet";
      if (problem) {
        set({ observedError: `Not saved: ${problem}.` });
        return false;
      }
      // "87" in a 0–1 zoo is 87%: kept as 0.87, and the page says how it was read.
      const { value: v, note } = observationValue(zoo!, value);
      set((s) => ({ observed: [...s.observed.filter((o) => o.model !== model), { model, value: v }], observedError: null, ...(note && { notice: `Saved ${model}: ${note}.` }) }));
      return true;
    },

    removeObserved(model) {
      set((s) => ({ observed: s.observed.filter((o) => o.model !== model), observedError: null }));
    },

    dismissErrors() {
      set({ errors: [] });
    },
  };
});

// Read-only handle for end-to-end tests and the curious: the state lives in this tab only.
(globalThis as { __FENNEC__?: unknown }).__FENNEC__ = { getState: useApp.getState };
