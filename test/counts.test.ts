// The folder-count rule of the meta-score (src/core/task/counts.ts).
import { describe, expect, it } from "vitest";
import { readCommittedBundle } from "../cli/node/bundleFiles.ts";
import { COUNT_Z_LIMIT, taskCounts } from "../src/core/task/counts.ts";

const meta = readCommittedBundle().zoo("hub").meta!;

describe("task counts", () => {
  it("a small folder is read as a task of typical size, not a tiny one", () => {
    const c = taskCounts({ nImages: 120, nClasses: 10, size: 120 }, meta);
    expect(c.from).toEqual({ classes: "folder", size: "typical" });
    expect(c.size).toBeGreaterThan(1000);
    expect(c.z.every((z) => Math.abs(z) <= COUNT_Z_LIMIT)).toBe(true);
  });

  it("stated facts win, and values far outside the historical range are clipped", () => {
    const c = taskCounts({ nImages: 120, nClasses: 10, size: 120, stated: { size: 27000, classes: 10 } }, meta);
    expect(c.from).toEqual({ classes: "stated", size: "stated" });
    expect(c.size).toBe(27000);
    const huge = taskCounts({ nImages: 500, nClasses: 2, size: 500, stated: { size: 1e9, classes: 100000 } }, meta);
    expect(huge.clipped.length).toBeGreaterThan(0);
    expect(huge.z.every((z) => Math.abs(z) <= COUNT_Z_LIMIT)).toBe(true);
  });

  it("a large folder's own count is used", () => {
    const c = taskCounts({ nImages: 500, nClasses: 10, size: 200000 }, meta);
    expect(c.from.size).toBe("folder");
    expect(c.size).toBe(200000);
  });
});
