import { useMemo } from "react";
import type { Zoo, ZooModel } from "../../core/bundle/schema.ts";
import { principalPlane, projectTo } from "../../core/math/project.ts";
import { paretoFront } from "../../core/pareto.ts";
import type { Ranking } from "../../core/ranking.ts";
import { useApp } from "../../store/appStore.ts";
import { Scatter, type Point } from "./Scatter.tsx";

const TOP = 10;

/** The transfer space in 2-D: historical tasks, this task, and the top models' directions. */
export function TransferMap({ zoo, models: all, result }: { zoo: Zoo; models: readonly ZooModel[]; result: Ranking }) {
  const points = useMemo(() => {
    const k = zoo.rank; // drop the constant trailing 1 of task vectors
    const plane = principalPlane(zoo.tasks.map((t) => t.vector.slice(0, k)));
    const tasks: Point[] = zoo.tasks.map((t) => {
      const [x, y] = projectTo(plane, t.vector.slice(0, k));
      return { id: `t:${t.id}`, x, y, label: t.id, kind: t.imageTask ? "task-img" : "task", title: `${t.id}${t.imageTask ? " (has images)" : ""}` };
    });
    const [nx, ny] = projectTo(plane, result.placement.vector.slice(0, k));
    const byId = new Map(all.map((m) => [m.id, m]));
    // Models point along their factor vectors; scale them into the tasks' range for display.
    const spread = Math.max(...tasks.map((t) => Math.hypot(t.x, t.y)), 1e-6);
    const top = result.ranking.slice(0, TOP).map((r) => byId.get(r.model)!);
    const raw = top.map((m) => projectTo({ mean: plane.mean.map(() => 0), axes: plane.axes }, m.vector.slice(0, k)));
    const mscale = spread / Math.max(...raw.map(([x, y]) => Math.hypot(x, y)), 1e-6);
    const models: Point[] = top.map((m, i) => ({ id: `m:${m.id}`, x: raw[i][0] * mscale, y: raw[i][1] * mscale, kind: "model", title: `#${i + 1} ${m.name}`, label: i < 3 ? `#${i + 1}` : undefined }));
    const moved = result.placement.vector.some((v, i) => Math.abs(v - result.placement.priorVector[i]) > 1e-9);
    const [px, py] = projectTo(plane, result.placement.priorVector.slice(0, k));
    // The prior is drawn only when the task left it, with an arrow: how far the placement moved it.
    const prior: Point[] = moved ? [{ id: "prior", x: px, y: py, label: "prior", kind: "task-prior", title: "the task-agnostic prior (where a task with no image information sits)" }] : [];
    return [...tasks, ...models, ...prior, { id: "new", x: nx, y: ny, label: "your task", kind: "task-new", title: "your task" }];
  }, [zoo, all, result]);
  const hasPrior = points.some((p) => p.id === "prior");
  return (
    <Scatter
      points={points}
      xLabel="first principal direction"
      yLabel="second principal direction"
      testid="transfer-map"
      arrow={hasPrior ? ["prior", "new"] : undefined}
      tableLabel="Points of the transfer map as a table"
      caption={`The ${zoo.name} transfer space: historical tasks (filled: with images), your task${hasPrior ? " (the arrow: how the placement moved it from the prior)" : ""}, and the directions of the top ${TOP} models (a model scores high on tasks that lie along its direction).`}
    />
  );
}

/** Predicted score against parameter count, with the Pareto front (best score for its size). */
export function ScoreVsSize({ models: all, result }: { models: readonly ZooModel[]; result: Ranking }) {
  const setView = useApp((s) => s.setView);
  const { points, front } = useMemo(() => {
    const byId = new Map(all.map((m) => [m.id, m]));
    const pts = result.ranking
      .map((r, i) => ({ r, i, m: byId.get(r.model)! }))
      .filter(({ m }) => m.params !== null)
      .map(({ r, i, m }) => ({ id: m.id, x: m.params!, y: r.score, kind: "model", title: `#${i + 1} ${m.name}: ${(m.params! / 1e6).toFixed(1)}M params, score ${r.score.toFixed(3)}` }));
    const f = paretoFront(pts.map((p) => ({ id: p.id, cost: p.x, score: p.y })));
    return { points: pts.map((p) => ({ ...p, kind: f.has(p.id) ? "model front" : "model" })), front: [...f] };
  }, [all, result]);
  if (points.length < 2) return null;
  return (
    <Scatter
      points={points}
      xLabel="parameters (log scale)"
      yLabel="predicted score"
      logX
      line={front}
      testid="pareto-plot"
      xFormat={(x) => `${(x / 1e6).toFixed(1)}M`}
      tableLabel="Score and size of every model as a table"
      onPick={(id) => setView({ open: id })}
      caption={`Predicted score against size. The line joins the ${front.length} models that no smaller model beats: the best choice for each budget. Click a point for its details.`}
    />
  );
}
