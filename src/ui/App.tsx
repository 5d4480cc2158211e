import { useCallback, useEffect, useMemo, useState } from "react";
import { rankZoo, withExtraModels } from "../core/ranking.ts";
import { foldIn, foldInSpace, settingsFor } from "../core/task/observed.ts";
import { tryFirst } from "../core/task/tryFirst.ts";
import { TryFirst } from "./observed/Observed.tsx";
import { AddModel } from "./AddModel.tsx";
import { useApp } from "../store/appStore.ts";
import { DatasetSummary } from "./DatasetSummary.tsx";
import { ModelDetail } from "./detail/ModelDetail.tsx";
import { DropZone } from "./DropZone.tsx";
import { Export } from "./Export.tsx";
import { Messages, SkippedFiles } from "./Messages.tsx";
import { ScoreVsSize, TransferMap } from "./plots/Plots.tsx";
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

function Results() {
  const zoo = useApp((s) => s.zoos[s.zooId]);
  const descriptor = useApp((s) => s.descriptor);
  const source = useApp((s) => s.source);
  const timings = useApp((s) => s.timings);
  const backend = useApp((s) => s.backend);
  const openId = useApp((s) => s.view.open);
  const [rows, setRows] = useState<Row[]>([]);
  const onRows = useCallback((r: Row[]) => setRows(r), []);
  const userModels = useApp((s) => s.userModels);
  const byo = useApp((s) => s.byo);
  const inSpace = !!zoo && !!byo && (byo.space === zoo.zoo || byo.sameSpace.includes(zoo.zoo));
  const extra = useMemo(() => (inSpace ? userModels : []), [inSpace, userModels]);
  const models = useMemo(() => (zoo ? [...zoo.models, ...extra] : []), [zoo, extra]);
  const observed = useApp((s) => s.observed);
  // The person's measured results re-fit the task vector; dropped models are scored on the refit.
  const folded = useMemo(() => {
    if (!zoo || !descriptor) return null;
    const base = rankZoo(zoo, descriptor);
    const settings = settingsFor(zoo.zoo);
    const space = foldInSpace(zoo, base, settings.strength);
    const fit = foldIn(space, base, observed);
    return { fit, proposals: tryFirst(zoo, space, fit.result.ranking, fit.observed, { pool: settings.pool }) };
  }, [zoo, descriptor, observed]);
  const result = useMemo(() => (folded ? withExtraModels(folded.fit.result, extra) : null), [folded, extra]);
  const observedMap = useMemo(() => new Map(observed.map((o) => [o.model, o.value])), [observed]);
  if (descriptor && !zoo) return <p aria-live="polite">Loading the model zoo…</p>;
  if (!zoo || !descriptor || !result || !folded) return null;
  const near = [...result.placement.weights].sort((a, b) => b.weight - a.weight).slice(0, 3);
  const open = openId ? models.find((m) => m.id === openId) : undefined;
  return (
    <section className="results" aria-label="Ranking">
      <p className="summary" data-testid="task-summary">
        {source === "link" ? "Shared ranking" : "Your task"}: {descriptor.nImages} images
        {descriptor.nClasses ? `, ${descriptor.nClasses} classes` : ", unlabelled"}
        {descriptor.size && descriptor.size > descriptor.nImages ? ` (sampled from ${descriptor.size})` : ""}.{" "}
        {result.placement.alpha > 0
          ? `The ranking mixes this zoo's task-agnostic prior (${Math.round((1 - result.placement.alpha) * 100)}%) with the historical tasks your images resemble.`
          : "The ranking is this zoo's task-agnostic prior: in our leave-one-task-out evaluation the proxy's image similarity did not improve on it, so it is not used."}
        {result.meta ? ` It is adjusted for your task's size and class count and each model's size, architecture and pre-training (meta-score, ${Math.round(result.meta.weight * 100)}%).` : ""}{" "}
        Your images look most like: {near.map((w) => `${w.task} (${Math.round(w.weight * 100)}%)`).join(", ") || "no historical task"}.
        {timings && source === "images" && ` Embedded on ${backend === "webgpu" ? "the GPU" : "the CPU"} in ${formatDuration(timings.embedMs)}; ranked ${formatDuration(timings.dropToTableMs)} after the drop.`}
      </p>
      <div className="actions">
        <ShareBar />
        <Export zoo={zoo} rows={rows} observed={observedMap} tryFirst={folded.proposals} />
      </div>
      <TryFirst zoo={zoo} items={folded.proposals} nObserved={folded.fit.observed.length} />
      <AddModel placedHere={inSpace || userModels.length === 0} spaceName={byo?.space} />
      <div className={open ? "table-and-detail with-detail" : "table-and-detail"}>
        <div>
          <RankTable ranking={result.ranking} models={models} onRows={onRows} observed={observedMap} />
        </div>
        {open && <ModelDetail zoo={zoo} result={result} model={open} predicted={folded.fit.predicted.get(open.id)} />}
      </div>
      <p className="footnote">
        {zoo.description} Scores are predicted standardised fine-tuning results (higher is better; 0 is an average model of
        this zoo); the records measure {zoo.metric}.
      </p>
      <div className="plots">
        <TransferMap zoo={zoo} models={models} result={result} />
        <ScoreVsSize models={models} result={result} />
      </div>
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
    </main>
  );
}
