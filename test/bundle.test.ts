import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { validateManifest, validateZoo, BundleError } from "../src/core/bundle/validate.ts";
import { withHash } from "../src/core/bundle/hash.ts";
import { validateByo } from "../src/core/bundle/byo.ts";

const dir = resolve(import.meta.dirname, "../public/bundles");
const read = (f: string) => JSON.parse(readFileSync(resolve(dir, f), "utf8"));

describe("bundle validation", () => {
  it("accepts the committed bundle", () => {
    const manifest = validateManifest(read("manifest.json"));
    for (const z of manifest.zoos) expect(validateZoo(read(z.file), z.file).hash).toBe(z.hash);
  });

  it("rejects a corrupted number (hash mismatch)", () => {
    const zoo = read("zoo-classic.json");
    zoo.models[0].vector[0] += 0.5;
    expect(() => validateZoo(zoo, "zoo-classic.json")).toThrow(/content hash does not match/);
  });

  it("rejects a wrong schema even with a matching hash", () => {
    const zoo = read("zoo-classic.json");
    zoo.models[0].vector = ["x"];
    expect(() => validateZoo(withHash(zoo), "zoo-classic.json")).toThrow(BundleError);
    const noModels = withHash({ ...read("zoo-hub.json"), models: [] });
    expect(() => validateZoo(noModels)).toThrow(/models/);
  });

  it("rejects vectors of the wrong dimension and non-JSON objects", () => {
    const zoo = read("zoo-classic.json");
    zoo.tasks[0].vector = zoo.tasks[0].vector.slice(1);
    expect(() => validateZoo(withHash(zoo))).toThrow(/expected/);
    expect(() => validateManifest("nope")).toThrow(/not a JSON object/);
  });

  it("the committed bundle is what build-bundle makes from data/", async () => {
    const { buildBundle, buildByo } = await import("../cli/node/repoData.ts");
    const built = buildBundle();
    expect(built.manifest.hash).toBe(read("manifest.json").hash);
    const classic = built.zoos.find((z) => z.zoo === "classic")!;
    expect(buildByo(classic, ["timm"]).hash).toBe(read("byo.json").hash);
  });

  it("the bring-your-own-model file validates and names the classic space it predicts into", () => {
    const manifest = validateManifest(read("manifest.json"));
    const byo = validateByo(read("byo.json"));
    expect(byo.spaceHash).toBe(manifest.zoos.find((z) => z.id === byo.space)!.hash);
    const tampered = read("byo.json");
    tampered.coldStart.intercept[0] += 1;
    expect(() => validateByo(tampered)).toThrow(/hash/);
  });
});
