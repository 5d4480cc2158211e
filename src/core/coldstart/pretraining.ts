/**
 * How a checkpoint was pre-trained, as four yes/no facts the cold-start regressor can use, plus
 * readable words for the model panel. Parsed from timm's pretrained tags (the part of a timm model
 * name after the dot: `augreg_in21k_ft_in1k`, `clip_laion2b_ft_in12k_in1k`, `mae_in1k_ft_in1k`, …).
 */

export interface Pretraining {
  /** The final weights were trained (or fine-tuned) with ImageNet-1k labels. */
  labelledIn1k: boolean;
  /** A self-supervised objective (contrastive, clustering, masked image modelling) was used. */
  selfSupervised: boolean;
  /** Data beyond ImageNet-1k was seen (ImageNet-21k/22k/12k, JFT, Instagram, LAION, …). */
  extraData: boolean;
  /** Image–text (CLIP-style) pre-training. */
  imageText: boolean;
  /** Readable summary, e.g. "supervised: ImageNet-21k → ImageNet-1k". */
  words: string;
}

/** Tag token → data set name, in the order the tag lists them. */
const DATA_TOKENS: Record<string, string> = {
  in1k: "ImageNet-1k",
  in12k: "ImageNet-12k",
  in21k: "ImageNet-21k",
  in22k: "ImageNet-22k",
  jft: "JFT-300M (unlabelled, Noisy Student)",
  ig1b: "Instagram-1B",
  yfcc100m: "YFCC-100M",
  laion2b: "LAION-2B",
  laiona: "LAION-Aesthetics",
  openai: "OpenAI CLIP data (WIT-400M)",
  webli: "WebLI",
  m38m: "Merged-38M",
  m30m: "Merged-30M",
  "6m": "Baidu 6M (SSLD)",
  swag: "Instagram-3.6B hashtags (SWAG)",
  seer: "Instagram-1B (SEER)",
};

const EXTRA = new Set(["in12k", "in21k", "in22k", "jft", "ig1b", "yfcc100m", "laion2b", "laiona", "openai", "webli", "m38m", "m30m", "6m", "swag", "seer"]);
const IMAGE_TEXT = new Set(["clip", "laion2b", "laiona", "openai", "webli"]);
/** Self-supervised objectives named in tags; SEER is self-supervised on Instagram images. */
const SELF_SUP = new Set(["mae", "fcmae", "mim", "seer", "dino"]);
/** Architectures whose every timm checkpoint starts from masked image modelling (BEiT, EVA). */
const MIM_ARCH = /^(beit|beitv2|beit3|eva|eva02)_/;

/** Parses a timm pretrained tag (with the arch name, which marks BEiT/EVA's MIM pre-training). */
export function parseTimmTag(tag: string, arch = ""): Pretraining {
  const tokens = tag.toLowerCase().split("_");
  const has = (set: Set<string>) => tokens.some((t) => set.has(t));
  const selfSupervised = has(SELF_SUP) || MIM_ARCH.test(arch);
  const imageText = has(IMAGE_TEXT);
  const extraData = has(EXTRA) || tokens.includes("indomain");
  const data: string[] = [];
  for (const t of tokens) {
    const name = DATA_TOKENS[t];
    if (name && data[data.length - 1] !== name) data.push(name);
  }
  if (!data.includes("ImageNet-1k") && tokens.some((t) => t.startsWith("in1k"))) data.push("ImageNet-1k");
  const objective = imageText
    ? "CLIP image–text pre-training, then supervised"
    : selfSupervised
      ? `${tokens.find((t) => SELF_SUP.has(t))?.toUpperCase() ?? "masked image modelling"} self-supervised pre-training, then supervised`
      : tokens.includes("swsl")
        ? "semi-weakly supervised"
        : tokens.includes("ssl") || tokens.includes("ns")
          ? "semi-supervised"
          : "supervised";
  const dist = tokens.some((t) => t.startsWith("dist") || t === "distilled" || t === "teacher" || t === "ssld") ? ", distilled" : "";
  return {
    labelledIn1k: true,
    selfSupervised,
    extraData,
    imageText,
    words: `${objective}: ${data.join(" → ") || "ImageNet-1k"}${dist}`,
  };
}

/** Supervised ImageNet-1k training only (torchvision weights, DeiT, PVT, Swin …). */
export const SUPERVISED_IN1K: Pretraining = {
  labelledIn1k: true,
  selfSupervised: false,
  extraData: false,
  imageText: false,
  words: "supervised: ImageNet-1k",
};

/** A self-supervised backbone never trained with labels (BYOL, MoCo, DINO, …). */
export const SELF_SUPERVISED_IN1K: Pretraining = {
  labelledIn1k: false,
  selfSupervised: true,
  extraData: false,
  imageText: false,
  words: "self-supervised: ImageNet-1k images, no labels",
};
