import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chooseFolder, FIXTURES, topModels } from "./helpers.ts";

const MINI = resolve(FIXTURES, "caltech-mini");
const zooFile = (id: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../public/bundles/zoo-${id}.json`), "utf8"));

/** Bounding boxes of the rendered labels of a plot, as the browser laid them out. */
function labelBoxes(plot: Locator) {
  return plot.getByTestId("point-label").evaluateAll((els) =>
    els.map((e) => {
      const b = (e as SVGGraphicsElement).getBBox();
      return { text: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
    }),
  );
}

test("the page explains the placement: neighbours, descriptor values, shift; plots have ticks and no overlapping labels", async ({ page, browser }) => {
  await page.goto("/?backend=wasm");
  await chooseFolder(page, MINI);
  const top = await topModels(page, 10);

  for (const zooId of ["hub", "classic"]) {
    const zoo = zooFile(zooId);
    expect(zoo.placement, `${zooId} should ship a placement model`).toBeTruthy();
    if (zooId !== "hub") {
      await page.getByTestId(`zoo-${zooId}`).check();
      await topModels(page, 10);
    }
    const summary = page.getByTestId("task-summary");
    await expect(summary).toContainText("placement model");
    await expect(summary).not.toContainText("The ranking is this zoo's task-agnostic prior");
    // Similarities are cosines: the low-temperature mixture's weights (100% / 0% / 0%) are not shown.
    await expect(summary).toContainText(/cosine -?\d\.\d\d/);

    const panel = page.getByTestId("placement-explanation");
    await expect(panel).toBeVisible();
    const trained = new Set<string>(zoo.placement.train.map((t: { task: string }) => t.task));
    const neighbours = panel.getByTestId("placement-neighbour");
    await expect(neighbours).toHaveCount(Math.min(5, trained.size));
    const names = await neighbours.evaluateAll((els) => els.map((e) => e.getAttribute("data-task")!));
    expect(names.every((n) => trained.has(n))).toBe(true);
    // One story: the summary names the panel's nearest task with the panel's own weight.
    const firstWeight = (await neighbours.first().textContent())!.match(/(weight|closeness) (>99%|<1%|\d{1,3}%)/)![2];
    await expect(summary).toContainText(`Placed nearest to ${names[0]} (${firstWeight})`);
    await expect(neighbours.first()).toContainText(/distance \d+\.\d/);
    await expect(neighbours.first()).toContainText(/(weight|closeness) (>99%|<1%|\d{1,2}%)/);

    // Resolution, ImageNet-likeness and separability, each with the task's value and the historical range.
    // Counts are not among them: a folder's counts are not the dataset's (src/core/task/counts.ts).
    for (const f of ["logShorter", "top1", "entropy", "probe", "grey"]) {
      await expect(panel.locator(`[data-testid="placement-feature"][data-feature="${f}"]`)).toHaveCount(1);
    }
    const res = panel.locator('[data-testid="placement-feature"][data-feature="logShorter"]');
    await expect(res).toContainText(/^Resolution/);
    await expect(res.locator("td").first()).toHaveText(/^\d+ px$/);
    await expect(res).toContainText(/\d+ px \([a-z0-9_]+\) to \d+ px \([a-z0-9_]+\)/);
    await expect(panel.locator('[data-feature="logClasses"]')).toHaveCount(0);
    await expect(panel.locator('[data-feature="probe"] td').first()).toHaveText(/^0\.\d\d$|^1\.00$/);
    if (zoo.placement.kind === "ridge") await expect(panel.getByRole("columnheader", { name: "moved it by" })).toBeVisible();

    const shift = panel.getByTestId("placement-shift");
    await expect(shift).toContainText(/moved \d+\.\d\d from the prior/);
    await expect(shift.getByTestId("placement-agreement")).toContainText(/^\d+ of the top 10 are also the prior's top 10/);

    // Both plots carry value ticks; the transfer map shows where the prior was and its labels never overlap.
    for (const id of ["transfer-map", "pareto-plot"]) {
      const plot = page.getByTestId(id);
      expect(await plot.getByTestId("tick-x").count()).toBeGreaterThanOrEqual(2);
      expect(await plot.getByTestId("tick-y").count()).toBeGreaterThanOrEqual(2);
      await expect(plot.locator(".tick-label").first()).toHaveText(/\d/);
    }
    const map = page.getByTestId("transfer-map");
    await expect(map.locator(".pt.task-prior")).toHaveCount(1);
    const boxes = await labelBoxes(map);
    expect(boxes.map((b) => b.text)).toContain("your task");
    expect(boxes.length).toBeGreaterThanOrEqual(zoo.tasks.length);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const hit = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(hit, `labels "${a.text}" and "${b.text}" overlap`).toBe(false);
      }
    // Text alternative: every point of the map is in its table.
    await expect(map.locator(".plot-table tbody tr")).toHaveCount(await map.locator("circle").count());
  }
  expect(top).toHaveLength(10);

  // A share link carries the descriptor's domain statistics and separability: it explains the same placement.
  const explained = async (p: typeof page) => ({
    neighbours: await p.getByTestId("placement-neighbour").evaluateAll((els) => els.map((e) => e.textContent)),
    features: await p.getByTestId("placement-feature").evaluateAll((els) => els.map((e) => e.textContent)),
  });
  const here = await explained(page);
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await other.goto(await page.getByTestId("share-link").inputValue());
  await expect(other.getByTestId("placement-neighbour")).toHaveCount(here.neighbours.length);
  expect(await explained(other)).toEqual(here);
  await ctx.close();

  // Keyboard: the summary's link reaches the panel, and a point of the size plot opens its model.
  await page.getByRole("link", { name: "how it was placed" }).press("Enter");
  await expect(page.getByTestId("placement-explanation")).toBeFocused();
  await expect(page).toHaveURL(/#s=/); // the share link stays in the address bar
  const point = page.getByTestId("pareto-plot").getByRole("button").first();
  await point.focus();
  await point.press("Enter");
  await expect(page.getByTestId("model-detail")).toBeVisible();

  const axe = await new AxeBuilder({ page }).include('[data-testid="placement-explanation"]').include('[data-testid="transfer-map"]').include('[data-testid="pareto-plot"]').analyze();
  const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});
