/**
 * The timm zoo's predictor against ranking by ImageNet top-1 and by parameter count, on measured
 * fine-tuning results of timm checkpoints (cli/node/validateTimm.ts, docs/COLDSTART.md).
 * --lomo: the regressor's own leave-one-model-out evaluation on the classic zoo and its
 * sensitivity to its settings (evaluateColdStart, coldStartSensitivity; about a minute).
 *   npm run validate-timm -- [--json] [--lomo]
 */
import { parseCli } from "./node/args.ts";
import { coldStartSensitivity, evaluateColdStart } from "./node/coldstart.ts";
import { describeTimmZoo, RANKINGS, validateTimm } from "./node/validateTimm.ts";

const USAGE = "usage: npm run validate-timm -- [--json] [--lomo]";
const args = parseCli(
  { options: { json: { type: "boolean", default: false }, lomo: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } },
  USAGE,
);
if (args.values.lomo) {
  const lomo = { evaluation: evaluateColdStart(), spaceNotRefitted: evaluateColdStart({ refitSpace: false, randomDraws: 1 }).method.all, sensitivity: coldStartSensitivity() };
  if (args.values.json) console.log(JSON.stringify(lomo, null, 1));
  else {
    const e = lomo.evaluation;
    const t = (s: Record<string, number | null>) => `${s.kendallTau} | ${s.weightedTau} | ${s.mae ?? "—"}`;
    console.log("| | Kendall τ | weighted τ | MAE |\n|---|---|---|---|");
    console.log(`| leave-one-model-out | ${t(e.method.all)} |`);
    console.log(`| leave-one-architecture-out | ${t(e.leaveOneArchitectureOut!.all)} |`);
    console.log(`| graph only | ${t(e.graphOnlyInput!.all)} |`);
    console.log(`| space not refitted | ${t(lomo.spaceNotRefitted)} |`);
    console.log(`| random (${e.baselines.random.draws} draws) | ${e.baselines.random.kendallTau} (sd ${e.baselines.random.kendallTauSd}) | ${e.baselines.random.weightedTau} | — |`);
    console.log(`| every model = the task mean | — | — | ${e.baselines.taskMeanMae} |`);
    console.log(`| measured vectors (in-sample) | ${t(e.baselines.measuredVectorOracle)} |`);
    console.log(`| LOMO, the ${e.nWithImagenetTop1} with a top-1 | ${t(e.method.withImagenetTop1)} |`);
    console.log(`| ImageNet top-1 only, same ${e.nWithImagenetTop1} | ${t(e.baselines.imagenetTop1Only)} |`);
    console.log(`| parameter count only | ${t(e.baselines.paramsOnly)} |`);
    console.log(`| supervised only / self-supervised only (τ) | ${e.method.supervisedOnly.kendallTau} (${e.method.supervisedOnly.weightedTau}) / ${e.method.selfSupervisedOnly.kendallTau} | | |`);
    console.log("\n| task | τ | weighted τ | MAE | τ, subset | top-1-only τ, subset |\n|---|---|---|---|---|---|");
    for (const p of e.perTask) console.log(`| ${p.task} | ${p.kendallTau} | ${p.weightedTau} | ${p.mae} | ${p.withImagenetTop1.method} | ${p.withImagenetTop1.imagenetTop1Only} |`);
    console.log("\n| variant | LOMO | LOAO | graph only |\n|---|---|---|---|");
    for (const s of lomo.sensitivity) console.log(`| ${s.variant} | ${s.lomo} | ${s.loao} | ${s.graphOnly} |`);
  }
  process.exit(0);
}
const r = validateTimm();
const zoo = describeTimmZoo();
if (args.values.json) console.log(JSON.stringify({ ...r, zoo }, null, 1));
else {
  const row = (name: string, s: { nTasks: number; weightedTau: Record<string, number> }, n: string) =>
    `| ${name} | ${n} | ${s.nTasks} | ${RANKINGS.map((k) => s.weightedTau[k].toFixed(3)).join(" | ")} |`;
  console.log(`| set | models | tasks | ${RANKINGS.join(" | ")} |`);
  console.log("|---|---|---|---|---|---|");
  for (const [name, s] of Object.entries(r.sets)) console.log(row(name, s, String(s.models)));
  console.log(`| **mean of the sets** | | | ${RANKINGS.map((k) => r.overall[k].toFixed(3)).join(" | ")} |`);
  console.log(`\nverdict: the timm zoo ranks by ${r.verdict}`);
  console.log(`robustness: ${JSON.stringify(r.robustness)}`);
  console.log(`zoo: ${JSON.stringify(zoo)}`);
}
