import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { heldOutFold as buildFold, type HeldOutFold as Fold } from "../cli/node/servedData.ts";
import type { Zoo } from "../src/core/bundle/schema.ts";
import { foldInMarkdown, foldInReport } from "../src/core/eval/foldIn.ts";
import { exportRows, rankingCsv } from "../src/core/export.ts";
import { rankZoo, type Ranking } from "../src/core/ranking.ts";
import { decodeShare, encodeShare } from "../src/core/share/codec.ts";
import { checkObservation, observationValue, foldIn, foldInSpace, ObservationError, settingsFor, validateObservations, type Observation } from "../src/core/task/observed.ts";
import { tryFirst } from "../src/core/task/tryFirst.ts";

// Zoos built from the repository's data without the held-out task (as the evaluation does), so
// these tests do not depend on which bundle is committed at the moment.
let classic: Fold;
let hub: Fold;
beforeAll(() => {
  classic = buildFold("classic", "dtd");
  hub = buildFold("hub", "dtd");
}, 120_000);

const order = (r: Ranking, skip: ReadonlySet<string> = new Set()) => r.ranking.map((x) => x.model).filter((m) => !skip.has(m));
const fit = (zoo: Zoo, base: Ranking, obs: Observation[]) => foldIn(foldInSpace(zoo, base, settingsFor(zoo.zoo).strength), base, obs);

describe("fold-in of measured results", () => {
  it("with one result moves only the level: the order stays, the predicted values shift", () => {
    for (const f of [classic, hub]) {
      const base = rankZoo(f.built, f.desc);
      const model = base.ranking[5].model;
      const one = fit(f.built, base, [{ model, value: f.truth.get(model)! }]);
      expect(order(one.result)).toEqual(order(base));
      const higher = fit(f.built, base, [{ model, value: f.truth.get(model)! * 0.95 + (f.built.metric.includes("%") ? 5 : 0.05) }]);
      const other = base.ranking[0].model;
      expect(higher.predicted.get(other)!).toBeGreaterThan(one.predicted.get(other)!);
      expect(one.predicted.get(model)).toBe(f.truth.get(model));
    }
  });

  it("with two or more results re-ranks the models not measured", () => {
    for (const f of [classic, hub]) {
      const base = rankZoo(f.built, f.desc);
      const obs = base.ranking.slice(0, 3).map((r) => ({ model: r.model, value: f.truth.get(r.model)! }));
      // Reverse what the ranking expects of the top two: the task must look different.
      const swapped = [
        { model: obs[0].model, value: obs[1].value },
        { model: obs[1].model, value: obs[0].value + (f.built.metric.includes("%") ? 3 : 0.03) },
      ];
      const two = fit(f.built, base, swapped);
      const measured = new Set(swapped.map((o) => o.model));
      expect(order(two.result, measured)).not.toEqual(order(base, measured));
      // Measured models rank by what was measured.
      const pos = (m: string) => two.result.ranking.findIndex((r) => r.model === m);
      expect(pos(swapped[1].model)).toBeLessThan(pos(swapped[0].model));
      for (const r of two.result.ranking) expect(Number.isFinite(r.score)).toBe(true);
    }
  });

  it("refuses bad values and unknown models with a message, changing nothing", () => {
    const zoo = classic.built;
    const model = zoo.models[0].id;
    expect(checkObservation(zoo, model, "91.5")).toBeNull();
    expect(checkObservation(zoo, model, "abc")).toMatch(/must be a number/);
    expect(checkObservation(zoo, model, "")).toMatch(/must be a number/);
    expect(checkObservation(zoo, model, "150")).toMatch(/between 0 and 100/);
    expect(checkObservation(zoo, model, -1)).toMatch(/between 0 and 100/);
    expect(checkObservation(zoo, "no-such-model", 90)).toMatch(/not a model of this zoo/);
    expect(checkObservation(hub.built, hub.built.models[0].id, 185)).toMatch(/between 0 and 1 \(or 0–100%\)/);
    // A percentage in a 0–1 zoo is read as one, and says so.
    expect(checkObservation(hub.built, hub.built.models[0].id, "85")).toBeNull();
    expect(observationValue(hub.built, "85")).toEqual({ value: 0.85, note: expect.stringContaining("read as 85%") });
    expect(observationValue(hub.built, "85%").value).toBe(0.85);
    expect(observationValue(hub.built, "0.85")).toEqual({ value: 0.85, note: null });
    expect(observationValue(zoo, "85%")).toEqual({ value: 85, note: null });
    expect(() => validateObservations(zoo, [{ model: "no-such-model", value: "90" }, { model, value: "NaN" }])).toThrow(ObservationError);
    expect(() => validateObservations(zoo, [{ model: "no-such-model", value: "90" }])).toThrow(/no-such-model/);
    expect(validateObservations(zoo, [{ model, value: "80" }, { model, value: "82" }])).toEqual([{ model, value: 82 }]);
  });

  it("never crashes on odd but valid inputs (equal values, range ends, many results)", () => {
    const f = classic;
    const base = rankZoo(f.built, f.desc);
    const ids = f.built.models.map((m) => m.id);
    const cases: Observation[][] = [
      ids.slice(0, 4).map((model) => ({ model, value: 50 })),
      [{ model: ids[0], value: 0 }, { model: ids[1], value: 100 }],
      [{ model: ids[0], value: 100 }, { model: ids[1], value: 0 }, { model: ids[2], value: 100 }],
      ids.map((model, i) => ({ model, value: (i * 37) % 101 })),
    ];
    for (const obs of cases) {
      const r = fit(f.built, base, obs);
      expect(r.result.ranking).toHaveLength(ids.length);
      for (const x of r.result.ranking) expect(Number.isFinite(x.score)).toBe(true);
      for (const v of r.result.placement.vector) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("works for the timm zoo through its predicted vectors", () => {
    const timm = JSON.parse(readFileSync(resolve(import.meta.dirname, "../public/bundles/zoo-timm.json"), "utf8")) as Zoo;
    const base = rankZoo(timm, classic.desc);
    const a = base.ranking[0].model;
    const b = base.ranking[40].model;
    const r = fit(timm, base, [{ model: a, value: 80 }, { model: b, value: 90 }]);
    expect(order(r.result, new Set([a, b]))).not.toEqual(order(base, new Set([a, b])));
    const pos = (m: string) => r.result.ranking.findIndex((x) => x.model === m);
    expect(pos(b)).toBeLessThan(pos(a));
  });
});

describe("try-first list", () => {
  it("proposes distinct models from the top, the best-scored first, and updates after a result", () => {
    const f = hub;
    const base = rankZoo(f.built, f.desc);
    const sp = foldInSpace(f.built, base, settingsFor("hub").strength);
    const list = tryFirst(f.built, sp, base.ranking, [], { pool: settingsFor("hub").pool });
    expect(list).toHaveLength(3);
    expect(new Set(list.map((t) => t.model)).size).toBe(3);
    expect(list[0].model).toBe(base.ranking[0].model);
    for (const t of list) expect(t.reason.length).toBeGreaterThan(20);
    const obs = [{ model: list[0].model, value: f.truth.get(list[0].model)! }];
    const after = foldIn(sp, base, obs);
    const next = tryFirst(f.built, sp, after.result.ranking, obs, { pool: settingsFor("hub").pool });
    expect(next.map((t) => t.model)).not.toContain(list[0].model);
    expect(next).toHaveLength(3);
  });
});

describe("share link and exports with measured results", () => {
  it("round-trips the results, reproduces the ranking and stays under 2,000 characters", () => {
    const f = hub;
    const base = rankZoo(f.built, f.desc);
    const observed = base.ranking.slice(0, 8).map((r) => ({ model: r.model, value: f.truth.get(r.model)! }));
    const code = encodeShare({ bundle: "c".repeat(64), zoo: "hub", descriptor: f.desc, view: { open: observed[0].model }, observed });
    expect(`https://example.org/fennec/#${code}`.length).toBeLessThan(2000);
    const back = decodeShare(`#${code}`);
    expect(back.observed).toEqual(observed);
    const again = fit(f.built, rankZoo(f.built, back.descriptor), validateObservations(f.built, back.observed!));
    expect(order(again.result)).toEqual(order(fit(f.built, base, observed).result));
    // A link without results has none.
    expect(decodeShare(`#${encodeShare({ bundle: "c".repeat(64), zoo: "hub", descriptor: f.desc })}`).observed).toBeUndefined();
  });

  it("marks the measured results in the CSV", () => {
    const base = rankZoo(classic.built, classic.desc);
    const m = base.ranking[2].model;
    const rows = exportRows(base.ranking, classic.built.models, new Map([[m, 77.5]]));
    expect(rows.find((r) => r.model === m)!.measured_by_you).toBe(77.5);
    expect(rows.filter((r) => r.measured_by_you !== null)).toHaveLength(1);
    expect(rankingCsv(rows).split("\n")[0]).toContain("measured_by_you");
  });
});

describe("fold-in evaluation library", () => {
  it("reports a curve r = 1..5 per zoo with nested settings, and renders markdown and SVG", () => {
    const folds = [classic, buildFold("classic", "pets")].map((f) => ({ zoo: f.zoo, task: f.task, built: f.built, desc: f.desc, truth: f.truth }));
    const report = foldInReport(folds, [{ strength: 0.1, pool: 0.25 }, { strength: 3, pool: 0.25 }]);
    const z = report.zoos[0];
    expect(z.tasks).toHaveLength(2);
    expect(z.mean.tryFirst.map((p) => p.r)).toEqual([1, 2, 3, 4, 5]);
    // r = 1 cannot re-rank: after equals before.
    expect(z.mean.tryFirst[0].gain).toBeCloseTo(0, 9);
    for (const t of z.tasks) expect(t.curves.tryFirst[2].revealed).toHaveLength(3);
    const { markdown, svg } = foldInMarkdown(report);
    expect(markdown).toContain("| r |");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(JSON.parse(JSON.stringify(report)).zoos[0].zoo).toBe("classic");
  }, 120_000);
});
