import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ZooSchema } from "../src/core/bundle/schema.ts";
import type { TaskDescriptor } from "../src/core/task/descriptor.ts";
import { labelWidth, linearTicks, logTicks, placeLabels, type Box } from "../src/ui/plots/layout.ts";
import { percent, placementView } from "../src/ui/placement/explain.ts";
import { rankTask } from "../src/core/pipeline.ts";
import { IMAGE_FEATURES } from "../src/core/task/placement.ts";

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("plot ticks", () => {
  it("linear ticks are round, cover the data and end on the frame", () => {
    const t = linearTicks(-1.37, 2.04);
    expect(t.values).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(t.lo).toBeLessThanOrEqual(-1.37);
    expect(t.hi).toBeGreaterThanOrEqual(2.04);
    expect(t.values.map(t.format)).toEqual(["-2", "-1", "0", "1", "2", "3"]);
    expect(linearTicks(0.12, 0.31).values.map(linearTicks(0.12, 0.31).format)).toEqual(["0.10", "0.15", "0.20", "0.25", "0.30", "0.35"]);
  });

  it("a single value still gets a readable axis", () => {
    const t = linearTicks(3, 3);
    expect(t.values.length).toBeGreaterThanOrEqual(2);
    expect(t.lo).toBeLessThan(3);
    expect(t.hi).toBeGreaterThan(3);
  });

  it("log ticks are decades written with SI prefixes", () => {
    const t = logTicks(1.2e6, 6.4e8);
    expect(t.values).toEqual([1e6, 1e7, 1e8, 1e9]);
    expect(t.values.map(t.format)).toEqual(["1M", "10M", "100M", "1G"]);
    // Within one decade the 2× and 5× steps give more than two ticks.
    expect(logTicks(3e6, 2.5e7).values.map((v) => v / 1e6)).toEqual([2, 5, 10, 20, 50]);
  });
});

describe("label placement", () => {
  const bounds = { x: 0, y: 0, w: 460, h: 300 };

  it("never overlaps two labels, even for a tight cluster, and stays inside the plot", () => {
    const pts = Array.from({ length: 14 }, (_, i) => ({ x: 200 + (i % 4) * 3, y: 150 + Math.floor(i / 4) * 3, r: 5 }));
    const reqs = pts.map((p, i) => ({ id: `t${i}`, text: `task-name-${i}`, ...p }));
    const placed = placeLabels(reqs, pts, bounds);
    expect(placed.length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < placed.length; i++) {
      const b = placed[i].box;
      expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= 460 && b.y + b.h <= 300).toBe(true);
      for (let j = i + 1; j < placed.length; j++) expect(overlap(b, placed[j].box), `${placed[i].id} / ${placed[j].id}`).toBe(false);
      for (const c of pts) {
        const nx = Math.max(b.x, Math.min(c.x, b.x + b.w));
        const ny = Math.max(b.y, Math.min(c.y, b.y + b.h));
        expect(Math.hypot(nx - c.x, ny - c.y)).toBeGreaterThanOrEqual(c.r - 1e-9);
      }
    }
    // Labels pushed away from a crowded point get a line back to it.
    expect(placed.some((p) => p.leader !== null)).toBe(true);
  });

  it("a label sits closer to its own point than to any other (or has a leader line to it)", () => {
    const a = { x: 200, y: 100, r: 5 };
    const b = { x: 262, y: 100, r: 5 }; // a long label right of `a` would end next to `b`
    const placed = placeLabels([{ id: "a", text: "smallnorb_label_elevation", ...a }], [a, b], bounds);
    const gap = (box: Box, c: typeof a) => Math.hypot(Math.max(box.x, Math.min(c.x, box.x + box.w)) - c.x, Math.max(box.y, Math.min(c.y, box.y + box.h)) - c.y) - c.r;
    expect(placed).toHaveLength(1);
    expect(placed[0].leader !== null || gap(placed[0].box, a) <= gap(placed[0].box, b)).toBe(true);
    expect(placed[0].box.x + placed[0].box.w).toBeLessThanOrEqual(a.x); // left of it: the right side leads to b
  });

  it("an isolated point keeps its label right beside it, without a leader", () => {
    const p = { x: 100, y: 100, r: 5 };
    const [l] = placeLabels([{ id: "a", text: "dtd", ...p }], [p], bounds);
    expect(l.leader).toBeNull();
    expect(l.box.x).toBeGreaterThan(p.x);
    expect(l.box.x - p.x).toBeLessThan(10);
    expect(l.box.w).toBeCloseTo(labelWidth("dtd", 10));
  });
});

describe("placement view", () => {
  it("percentages never read as all-or-nothing unless exact", () => {
    expect(percent(0.9983)).toBe(">99%");
    expect(percent(0.0004)).toBe("<1%");
    expect(percent(1)).toBe("100%");
    expect(percent(0)).toBe("0%");
    expect(percent(0.318)).toBe("32%");
  });

  for (const id of ["classic", "hub"]) {
    it(`${id}: features in display units beside the historical range, neighbours, shift`, () => {
      const zoo = ZooSchema.parse(JSON.parse(readFileSync(resolve(import.meta.dirname, `../public/bundles/zoo-${id}.json`), "utf8")));
      if (!zoo.placement) return expect(placementView(zoo, desc, rankTask(zoo, desc).base)).toBeNull();
      const v = placementView(zoo, desc, rankTask(zoo, desc).base)!;
      expect(v.neighbours.map((n) => n.task).sort()).toEqual(zoo.placement.train.map((t) => t.task).sort());
      expect(v.neighbours.reduce((s, n) => s + n.weight, 0)).toBeCloseTo(1, 9);
      const res = v.features.find((f) => f.name === "logShorter")!;
      expect(res.value).toBeCloseTo(188, 6); // back from log2 to pixels
      // Counts are not placement features: a folder's counts are not the dataset's.
      expect(v.features.map((f) => f.name)).toEqual(IMAGE_FEATURES);
      expect(res.history).toHaveLength(zoo.placement.train.length);
      // cifar10 is stored at 32 px: the historical range of the resolution reaches down to it.
      if (zoo.placement.train.some((t) => t.task === "cifar10")) expect(Math.min(...res.history.map((h) => h.value))).toBeCloseTo(32, 3);
      expect(v.gate).toBeGreaterThan(0);
      expect(v.shift).toBeGreaterThan(0);
      expect(v.sharedTop).toBeLessThanOrEqual(v.topN);
      expect(v.entered).toHaveLength(v.topN - v.sharedTop);
      if (zoo.placement.kind === "ridge") expect(v.features.every((f) => f.push !== null && f.push >= 0)).toBe(true);
    });
  }
});

/** The caltech-mini fixture's descriptor as the CLI computes it (e2e/fixtures). */
const desc: TaskDescriptor = {
  nImages: 32,
  nClasses: 8,
  size: 32,
  sims: { caltech101: 0.45, cifar10: 0.1, dtd: 0.05, stanford_cars: -0.1, flowers102: 0.02, pets: 0.12, food101: 0.0, sun397: 0.08, eurosat: -0.2, kitti: -0.1, diabetic_retinopathy: -0.3 },
  domain: { top1: 0.647, entropy: 0.209, shorter: 188, grey: 0.19 },
  probe: 0.96,
};
