import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ExampleIndex } from "../src/dataset/example.ts";
import { emptyColumns, mainColumn, phoneColumns } from "../src/ui/table/columns.tsx";
import type { ZooModel } from "../src/core/bundle/schema.ts";

const root = resolve(import.meta.dirname, "..");

describe("the bundled example folder", () => {
  const index = ExampleIndex.parse(JSON.parse(readFileSync(resolve(root, "public/example/index.json"), "utf8")));
  it("lists 32 photos in 8 class folders, each present and identical to the CC BY fixture it was copied from", () => {
    expect(index.files).toHaveLength(32);
    expect(new Set(index.files.map((f) => f.split("/")[1])).size).toBe(8);
    for (const f of index.files) {
      const served = resolve(root, "public/example", f);
      expect(existsSync(served), f).toBe(true);
      expect(readFileSync(served).equals(readFileSync(resolve(root, "e2e/fixtures", f))), f).toBe(true);
    }
  });
  it("carries its attribution", () => {
    const text = readFileSync(resolve(root, "public/example/ATTRIBUTION.md"), "utf8");
    expect(text).toContain("CC BY 4.0");
    expect(text).toContain("Caltech-101");
  });
});

describe("table columns", () => {
  const zoo = (file: string) => (JSON.parse(readFileSync(resolve(root, "public/bundles", file), "utf8")) as { models: ZooModel[] }).models;
  it("leave out ImageNet top-1 where no model of the zoo has one, and keep it where they do", () => {
    expect(emptyColumns(zoo("zoo-hub.json"))).toEqual(["top1"]);
    expect(emptyColumns(zoo("zoo-classic.json"))).toEqual(["top1"]);
    expect(emptyColumns(zoo("zoo-timm.json"))).toEqual([]);
    // A zoo without a calibrated predicted result (timm) has no predicted column.
    expect(emptyColumns(zoo("zoo-timm.json"), false)).toEqual(["predicted"]);
  });
  it("show rank, name and the main result column on a phone: the predicted result where calibrated", () => {
    expect(phoneColumns(mainColumn(true))).toEqual(["rank", "model", "predicted"]);
    expect(phoneColumns(mainColumn(false))).toEqual(["rank", "model", "score"]);
  });
});
