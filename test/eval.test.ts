// The served evaluation (src/core/eval/served.ts): it ranks a folder exactly as `npm run rank`
// does, and its nested choice never looks at the held-out task's results.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { computeSamples, readSamples } from "../cli/node/samples.ts";
import { servedZooData } from "../cli/node/servedData.ts";
import { REPO } from "../cli/node/repoData.ts";
import { evaluateServedZoo, PRIOR_SETTING, servedCandidates, type ServedZooData } from "../src/core/eval/served.ts";
import { weightedTau } from "../src/core/metrics.ts";
import { folderSample, subsampleFiles, STORED } from "../src/core/eval/samples.ts";

/** A zoo's data cut down to a few tasks, so a test runs in seconds. */
function cut(zoo: string, tasks: string[]): ServedZooData {
  const d = servedZooData(zoo);
  return { ...d, tasks: d.tasks.filter((t) => tasks.includes(t.task)) };
}

describe("served evaluation", () => {
  it("ranks a stored folder exactly as `npm run rank --exclude-task` does", () => {
    const data = cut("hub", ["kitti", "dtd", "flowers"]);
    const r = evaluateServedZoo(data, { candidates: [data.configured, PRIOR_SETTING] });
    const out = execFileSync("npx", ["tsx", "cli/rank.ts", resolve(REPO, "../shared/data/images/kitti"), "--zoo", "hub", "--exclude-task", "kitti", "--json"], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const cli = JSON.parse(out) as { ranking: { model: string; score: number; backbone: string }[]; task: { warnings: string[] } };
    const served = r.rankings.get("kitti")!.served;
    expect(cli.ranking.map((x) => x.model)).toEqual(served.map((x) => x.model));
    const truth = data.tasks.find((t) => t.task === "kitti")!.truth;
    const measured = cli.ranking.filter((x) => truth.has(x.model));
    const cliTau = weightedTau(measured.map((x) => x.score), measured.map((x) => truth.get(x.model)!));
    expect(Math.abs(cliTau - r.tasks.find((t) => t.task === "kitti")!.stored.weightedTau)).toBeLessThan(0.002);
    expect(cli.ranking.every((x) => typeof x.backbone === "string")).toBe(true);
  }, 120_000);

  it("chooses each task's setting without looking at that task's results", () => {
    const data = cut("classic", ["dtd", "pets", "flowers", "cars"]);
    const candidates = servedCandidates(false);
    const a = evaluateServedZoo(data, { candidates });
    const reversed: ServedZooData = {
      ...data,
      tasks: data.tasks.map((t) => {
        if (t.task !== "dtd") return t;
        const values = [...t.truth.values()];
        return { ...t, truth: new Map([...t.truth.keys()].map((k, i) => [k, values[values.length - 1 - i]])) };
      }),
    };
    const b = evaluateServedZoo(reversed, { candidates });
    expect(b.tasks.find((t) => t.task === "dtd")!.chosen).toEqual(a.tasks.find((t) => t.task === "dtd")!.chosen);
    for (const t of a.tasks) {
      expect(Number.isFinite(t.stored.weightedTau) && Number.isFinite(t.stored.prior) && Number.isFinite(t.stored.nested)).toBe(true);
      expect(Object.keys(t.small).length).toBeGreaterThan(0);
    }
  }, 120_000);

  it("makes small folders of at most 10 classes, and no small folder the size of the whole", () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ path: `t/c${i % 30}/${i}.jpg`, size: 1 }));
    const small = subsampleFiles(files, { id: "n40-s1", n: 40, seed: 1 })!;
    expect(small.length).toBe(40);
    expect(new Set(small.map((f) => f.path.split("/")[1])).size).toBe(10);
    expect(subsampleFiles(files, { id: "n400-s1", n: 400, seed: 1 })).toBeNull();
    const whole = folderSample(files, STORED)!;
    expect(whole.rows.length).toBe(300);
    expect(whole.usable).toBe(300);
  });

  it("data/derived/samples.json is what the stored embeddings give (npm run describe-samples)", async () => {
    expect(await computeSamples()).toEqual(readSamples());
  }, 60_000);
});
