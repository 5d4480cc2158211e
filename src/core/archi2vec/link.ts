/**
 * Which traced architecture stands for each model of the record zoos. Keys of the catalogue:
 * timm names as they are (`resnet50`), torchvision ones as `tv/<name>` (the two libraries share
 * names such as resnet50 and convnext_tiny), Hugging Face presets as `hf/<preset>`.
 */

export interface ArchInfo {
  lib: string;
  params: number;
  input: number;
  /** Input width of the classifier head (the backbone's feature size). */
  featureDim?: number;
  /** Classes of the traced head. */
  outDim?: number;
  /** `transformers` model type (hf presets only). */
  modelType?: string;
}

export type Catalogue = Record<string, ArchInfo>;

export interface LinkResult {
  links: Record<string, string>;
  rules: Record<string, string>;
  unlinked: string[];
}

export function archKey(lib: string, arch: string): string {
  return lib === "torchvision" ? `tv/${arch}` : arch;
}

// Classic zoo: SFDA group 1 are torchvision models; group 2 are ResNet-50s trained without labels
// (Ericsson et al.'s checkpoints); EMMS names its ViTs by paper.
const SSL_RESNET50 = ["byol", "deepcluster-v2", "infomin", "insdis", "moco-v1", "moco-v2", "pcl-v1", "pcl-v2", "sela-v2", "simclr-v1", "simclr-v2", "swav"];
const CLASSIC_TABLE: Record<string, [string, string]> = {
  deit_tiny: ["deit_tiny_patch16_224", "timm-equivalent"],
  deit_small: ["deit_small_patch16_224", "timm-equivalent"],
  deit_base: ["deit_base_patch16_224", "timm-equivalent"],
  // DINO and MoCo v3 train plain ViTs; dino_small is ViT-S/16.
  dino_small: ["vit_small_patch16_224", "timm-equivalent"],
  dino_base: ["vit_base_patch16_224", "timm-equivalent"],
  mocov3_small: ["vit_small_patch16_224", "timm-equivalent"],
  pvtv2_b2: ["pvt_v2_b2", "timm-equivalent"],
  pvtv2_b3: ["pvt_v2_b3", "timm-equivalent"],
  // PVT v1 is not in timm or torchvision: the PVT v2 model of the same size stands in
  // (tiny 13.2M ≈ b1 14.0M, small 24.5M ≈ b2 25.4M, medium 44.2M ≈ b3 45.2M parameters).
  pvt_tiny: ["pvt_v2_b1", "closest-available"],
  pvt_small: ["pvt_v2_b2", "closest-available"],
  pvt_medium: ["pvt_v2_b3", "closest-available"],
  swin_t: ["tv/swin_t", "torchvision"],
  swin_s: ["tv/swin_s", "torchvision"],
};

export function linkClassic(models: string[], cat: Catalogue): LinkResult {
  const res: LinkResult = { links: {}, rules: {}, unlinked: [] };
  for (const m of models) {
    let hit: [string, string] | undefined = CLASSIC_TABLE[m];
    if (!hit && SSL_RESNET50.includes(m)) hit = ["tv/resnet50", "self-supervised-resnet50"];
    if (!hit && cat[`tv/${m}`]) hit = [`tv/${m}`, "torchvision"];
    if (!hit && cat[m]) hit = [m, "timm-exact"];
    if (hit && cat[hit[0]]) {
      res.links[m] = hit[0];
      res.rules[m] = hit[1];
    } else res.unlinked.push(m);
  }
  return res;
}

export interface HubModelMeta {
  model: string;
  modelType: string;
  /** e.g. `['ViTForImageClassification']`, used when the model type is missing. */
  architectures?: string;
  numParameters?: number;
  numLabels?: number;
  inputSize?: number;
  featureDim?: number;
}

const HF_CLASS_TYPE: Record<string, string> = {
  ViT: "vit", DeiT: "deit", BeiT: "beit", Beit: "beit", Swin: "swin", ConvNext: "convnext",
  Data2VecVision: "data2vec-vision", ResNet: "resnet", Van: "van",
};

/** Parameters without the classifier head, so checkpoints with different label counts compare. */
export function backbone(params: number, featureDim?: number, labels?: number): number {
  const head = featureDim && labels ? (featureDim + 1) * labels : 0;
  return params > head ? params - head : params;
}

/**
 * Hub models: the `hf/<preset>` of the same model type, preferring the same feature width and
 * input size, nearest in log backbone parameters. Types without a traced preset (DeiT's class
 * failed to trace) fall back to timm/torchvision archs named after the family.
 */
export function linkHub(rows: HubModelMeta[], cat: Catalogue): LinkResult {
  const res: LinkResult = { links: {}, rules: {}, unlinked: [] };
  const keys = Object.keys(cat).sort();
  for (const r of rows) {
    const cls = /'?([A-Za-z0-9]+?)For/.exec(r.architectures ?? "")?.[1] ?? "";
    const type = r.modelType || HF_CLASS_TYPE[cls] || cls.toLowerCase();
    if (!type) {
      res.unlinked.push(r.model);
      continue;
    }
    let rule = "hf-preset";
    let pool = keys.filter((k) => cat[k].lib === "hf" && cat[k].modelType === type);
    if (pool.length === 0) {
      rule = "family-fallback";
      const fam = new RegExp(`^(tv/)?${type.replace(/[^a-z0-9]/g, "")}[_\\d]`);
      pool = keys.filter((k) => cat[k].lib !== "hf" && fam.test(k));
    }
    if (pool.length === 0) {
      res.unlinked.push(r.model);
      continue;
    }
    const narrow = (pred: (a: ArchInfo) => boolean) => {
      const p = pool.filter((k) => pred(cat[k]));
      if (p.length > 0) pool = p;
    };
    if (r.featureDim) narrow((a) => a.featureDim === r.featureDim);
    if (r.inputSize) narrow((a) => a.input === r.inputSize);
    const target = r.numParameters ? backbone(r.numParameters, r.featureDim, r.numLabels) : undefined;
    const dist = (k: string) => {
      const a = cat[k];
      return target ? Math.abs(Math.log(backbone(a.params, a.featureDim, a.outDim) / target)) : 0;
    };
    const best = pool.reduce((b, k) => (dist(k) < dist(b) ? k : b));
    res.links[r.model] = best;
    // Flag stand-ins of another width or more than 25% off in size (e.g. 40k-parameter test ViTs).
    const off = (r.featureDim !== undefined && cat[best].featureDim !== r.featureDim) || dist(best) > Math.log(1.25);
    res.rules[r.model] = off ? `${rule}-approx` : rule;
  }
  return res;
}

/** timm zoo: the row's `arch` is a timm name, traced under the same key. */
export function linkTimm(rows: { model: string; arch: string }[], cat: Catalogue): LinkResult {
  const res: LinkResult = { links: {}, rules: {}, unlinked: [] };
  for (const r of rows) {
    if (r.model in res.links || res.unlinked.includes(r.model)) continue;
    if (cat[r.arch] && cat[r.arch].lib === "timm") res.links[r.model] = r.arch;
    else res.unlinked.push(r.model);
  }
  return res;
}
