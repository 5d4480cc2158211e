import { useCallback, useEffect, useMemo, useState, type MouseEvent } from "react";
import { useServed } from "../store/served.ts";
import { StatedFacts } from "./StatedFacts.tsx";
import { TryFirst } from "./observed/Observed.tsx";
import { AddModel } from "./AddModel.tsx";
import { useApp } from "../store/appStore.ts";
import { DatasetSummary } from "./DatasetSummary.tsx";
import { ModelDetail } from "./detail/ModelDetail.tsx";
import { DropZone } from "./DropZone.tsx";
import { Export } from "./Export.tsx";
import { Messages, SkippedFiles } from "./Messages.tsx";
import { ScoreVsSize, TransferMap } from "./plots/Plots.tsx";
import { PlacementExplanation } from "./placement/PlacementExplanation.tsx";
import { Progress } from "./Progress.tsx";
import { ShareBar } from "./ShareBar.tsx";
import type { Row } from "./table/columns.tsx";
import { RankTable } from "./table/RankTable.tsx";
import { formatDuration } from "./format.ts";

function ZooSwitch() {
  const manifest = useApp((s) => s.manifest);
  const zooId = useApp((s) => s.zooId);
  const selectZoo = useApp((s) => s.selectZoo);
  if (!manifest) return null;
  return (
    <fieldset className="zoo-switch">
      <legend>Model zoo</legend>
      {manifest.zoos.map((z) => (
        <label key={z.id}>
          <input type="radio" name="zoo" value={z.id} checked={z.id === zooId} onChange={() => void selectZoo(z.id)} data-testid={`zoo-${z.id}`} />
          {z.name} ({z.nModels}
          {z.predicted ? ", predicted from architecture" : ""})
        </label>
      ))}
    </fieldset>
  );
}

/** Scrolls to and focuses the placement panel without touching the address bar's hash, which
 * holds the share link. */
function toPlacement(e: MouseEvent) {
  e.preventDefault();
  const el = document.getElementById("placement");
  el?.scrollIntoView({ block: "start" });
  el?.focus();
}

function Results() {
  const zoo = useApp((s) => s.zoos[s.zooId]);
  const descriptor = useApp((s) => s.descriptor);
  const manifest = useApp((s) => s.manifest);
  const source = useApp((s) => s.source);
  const timings = useApp((s) => s.timings);
  const backend = useApp((s) => s.backend);
  const openId = useApp((s) => s.view.open);
  const [rows, setRows] = useState<Row[]>([]);
  const onRows = useCallback((r: Row[]) => setRows(r), []);
  const userModels = useApp((s) => s.userModels);
  const byo = useApp((s) => s.byo);
  const inSpace = !!zoo && !!byo && (byo.space === zoo.zoo || byo.sameSpace.includes(zoo.zoo));
  const observed = useApp((s) => s.observed);
  // The one pipeline call of the page lives in the store (src/store/served.ts).
  const served = useServed();
  const extra = served?.extra;
  const models = useMemo(() => (zoo ? [...zoo.models, ...(extra ?? [])] : []), [zoo, extra]);
  const result = served?.result ?? null;
  const folded = served ? { fit: served.fit, proposals: served.tryFirst } : null;
  const observedMap = useMemo(() => new Map(observed.map((o) => [o.model, o.value])), [observed]);
  if (descriptor && !zoo) return <p aria-live="polite">Loading the model zoo…</p>;
  if (!zoo || !descriptor || !served || !result || !folded) return null;
  const near = [...result.placement.weights].sort((a, b) => b.sim - a.sim).slice(0, 3);
  const explanation = zoo.placement ? result.placement.explanation : null;
  const open = openId ? models.find((m) => m.id === openId) : undefined;
  return (
    <section className="results" aria-label="Ranking" id="results" tabIndex={-1}>
      <h2 className="sr-only">Ranking</h2>
      <p className="summary" data-testid="task-summary">
        {source === "link" ? "Shared ranking" : "Your task"}: {descriptor.nImages} images
        {descriptor.nClasses ? `, ${descriptor.nClasses} classes` : ", unlabelled"}
        {descriptor.size && descriptor.size > descriptor.nImages ? ` (sampled from ${descriptor.size})` : ""}.{" "}
        {explanation
          ? "This zoo's placement model starts from the task-agnostic prior and moves it by what your images' descriptor says (ImageNet-likeness, resolution, grey share, class separability), fitted on samples of the historical tasks that have images. "
          : ""}
        {served.story.line}
        {explanation && (
          <>
            {" "}
            (<a href="#placement" onClick={toPlacement}>how it was placed</a>)
          </>
        )}
        {result.meta ? ` Each model's size, architecture and pre-training adjust the score too (meta-score, ${Math.round(result.meta.weight * 100)}%).` : ""}{" "}
        {/* Cosines, not the similarity mixture's weights: at its low temperature those read as 100% / 0% / 0%. */}
        Your images' proxy embeddings are most similar to: {near.map((w) => `${w.task} (cosine ${w.sim.toFixed(2)})`).join(", ") || "no historical task"}.
        {timings && source === "images" && ` Embedded on ${backend === "webgpu" ? "the GPU" : "the CPU"} in ${formatDuration(timings.embedMs)}; ranked ${formatDuration(timings.dropToTableMs)} after the drop.`}
      </p>
      {served.warnings.length > 0 && (
        <div className="input-warning" role="status" data-testid="input-warning">
          {served.warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      )}
      <StatedFacts />
      <div className="actions">
        <ShareBar />
        <Export zoo={zoo} rows={rows} observed={observedMap} tryFirst={folded.proposals} />
      </div>
      <TryFirst zoo={zoo} items={folded.proposals} nObserved={folded.fit.observed.length} />
      <AddModel placedHere={inSpace || userModels.length === 0} spaceName={byo?.space} />
      <div className={open ? "table-and-detail with-detail" : "table-and-detail"}>
        <div>
          <RankTable ranking={result.ranking} models={models} onRows={onRows} observed={observedMap} predicted={served.predicted} metric={zoo.metric} sims={descriptor.sims} />
        </div>
        {open && <ModelDetail
            zoo={zoo}
            result={result}
            model={open}
            predicted={folded.fit.predicted.get(open.id)}
            story={served.story}
            value={served.predicted?.get(open.id)}
            lift={served.base.finetune.find((l) => l.model === open.id)}
          />}
      </div>
      <p className="footnote">
        {zoo.description}{" "}
        {served.predicted
          ? `Predicted results are in ${zoo.metric}, with the range that held 80% of the results of held-out tasks (docs/EVALUATION.md); the hidden "Score (z)" column is the standardised score they come from (0 is an average model of this zoo).`
          : `Scores are predicted standardised fine-tuning results (higher is better; 0 is an average model of this zoo); the records measure ${zoo.metric}.`}
      </p>
      <PlacementExplanation zoo={zoo} descriptor={descriptor} manifest={manifest} />
      <div className="plots">
        <TransferMap zoo={zoo} models={models} result={result} />
        <ScoreVsSize models={models} result={result} />
      </div>
    </section>
  );
}

/** Skips the drop zone and settings: to the ranking's one tab stop (its active row) when there is
 * a ranking, else to the folder chooser. Focus only: the address bar's hash holds the share link. */
function SkipLink() {
  const ranked = useApp((s) => s.phase === "ranked");
  const skip = (e: MouseEvent) => {
    e.preventDefault();
    const target =
      document.querySelector<HTMLElement>('[data-testid="rank-table"] tbody tr[tabindex="0"]') ??
      document.getElementById("results") ??
      document.querySelector<HTMLElement>('[data-testid="dataset-input"]');
    target?.scrollIntoView({ block: "nearest" });
    target?.focus();
  };
  return (
    <a className="skip-link" href={ranked ? "#results" : "#dropzone"} onClick={skip} data-testid="skip-link">
      {ranked ? "Skip to the ranking" : "Skip to choosing a folder"}
    </a>
  );
}

/** What a first visit sees below the drop zone before anything is ranked. */
function Intro() {
  const show = useApp((s) => !s.descriptor && !s.queued && s.phase !== "listing" && s.phase !== "embedding");
  if (!show) return null;
  return (
    <section className="intro" aria-label="How it works" data-testid="intro">
      <h2>How it works</h2>
      <ol>
        <li>Choose a folder with one sub-folder of images per class (a few dozen images are enough), or press “Try an example”.</li>
        <li>A small vision model (MobileNetV2) describes a sample of them in this page; nothing is uploaded.</li>
        <li>Your task is placed among historical tasks with measured fine-tuning results, and every model of the chosen zoo gets a predicted score: a ranked table, with the reasons, a share link and downloads.</li>
      </ol>
    </section>
  );
}

export function App() {
  const init = useApp((s) => s.init);
  const phase = useApp((s) => s.phase);
  useEffect(() => {
    void init();
    const onHash = () => {
      const s = useApp.getState();
      if (s.source !== "images") void s.openShare(location.hash);
    };
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, [init]);
  return (
    <>
    <SkipLink />
    <main>
      <header>
        <h1>Fennec Web</h1>
        <p>Which pre-trained image model should you fine-tune? Drop your images, get a ranking in seconds, computed in this page.</p>
      </header>
      <DropZone />
      <Progress />
      <Messages />
      <SkippedFiles />
      <DatasetSummary />
      <ZooSwitch />
      {phase === "loading" ? <p>Loading model data…</p> : <Results />}
      <Intro />
    </main>
    </>
  );
}
