/** Writes data/derived/samples.json: the samples of each stored folder (whole and small) that
 * the evaluation scores and the placement model is fitted on.  npm run describe-samples */
import { computeSamples, samplesFile, writeSamples } from "./node/samples.ts";

const samples = await computeSamples();
writeSamples(samples);
console.log(`wrote ${Object.values(samples).reduce((s, l) => s + l.length, 0)} samples of ${Object.keys(samples).length} folders to ${samplesFile()}`);
