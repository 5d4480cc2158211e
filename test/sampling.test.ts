import { describe, expect, it } from "vitest";
import { planDataset, rejectReason } from "../src/core/sampling.ts";

const files = (paths: string[]) => paths.map((path) => ({ path, size: 100 }));

describe("dataset plan", () => {
  it("reads classes from root/<class>/<image> and samples with a fixed seed", () => {
    const list = files([...Array(80).keys()].flatMap((i) => [`ds/cat/${i}.jpg`, `ds/dog/${i}.png`]).concat(["ds/dog/deep/x.jpg"]));
    const a = planDataset(list, { perClass: 10, total: 15, seed: 1 });
    expect(a.labelled).toBe(true);
    expect(a.classes).toEqual([
      { name: "cat", count: 80 },
      { name: "dog", count: 81 },
    ]);
    expect(a.sample).toHaveLength(15);
    expect(a.sample.filter((s) => s.label === "cat").length).toBe(8);
    const b = planDataset([...list].reverse(), { perClass: 10, total: 15, seed: 1 });
    expect(b.sample.map((s) => s.file.path)).toEqual(a.sample.map((s) => s.file.path));
    const c = planDataset(list, { perClass: 10, total: 15, seed: 2 });
    expect(c.sample.map((s) => s.file.path)).not.toEqual(a.sample.map((s) => s.file.path));
  });

  it("treats a flat folder as unlabelled", () => {
    const p = planDataset(files(["pics/a.jpg", "pics/b.webp"]));
    expect(p.labelled).toBe(false);
    expect(p.sample.map((s) => s.label)).toEqual(["", ""]);
  });

  it("skips non-images, empty files and HEIC with a reason each", () => {
    const p = planDataset([
      { path: "d/c/readme.txt", size: 10 },
      { path: "d/c/empty.jpg", size: 0 },
      { path: "d/c/photo.HEIC", size: 10 },
      { path: "d/c/.DS_Store", size: 10 },
      { path: "d/c/ok.JPG", size: 10 },
    ]);
    expect(p.sample.map((s) => s.file.path)).toEqual(["d/c/ok.JPG"]);
    expect(Object.fromEntries(p.skipped.map((s) => [s.path, s.reason]))).toEqual({
      "d/c/readme.txt": expect.stringMatching(/\.txt/),
      "d/c/empty.jpg": expect.stringMatching(/0 bytes/),
      "d/c/photo.HEIC": expect.stringMatching(/HEIC/),
      "d/c/.DS_Store": expect.stringMatching(/hidden/),
    });
    expect(rejectReason({ path: "x/noext", size: 3 })).toMatch(/no file extension/);
  });

  it("an empty folder gives an empty sample", () => {
    expect(planDataset([]).sample).toEqual([]);
  });
});
