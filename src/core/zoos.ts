/**
 * Which records make each zoo, and how their dataset names meet the image samples. Task ids are
 * the dataset names as the records spell them (DESIGN.md interfaces).
 */
export interface ZooDefinition {
  id: string;
  name: string;
  description: string;
  metric: string;
  sources: { file: string; metric: string }[];
  /** Record columns left out of the zoo, each with the reason (shown in docs and provenance). */
  dropTasks?: Record<string, string>;
  /** Task id → key of its image sample (folder name in shared/data/images). */
  imageTasks: Record<string, string>;
  rank: number;
  mapper: { tau: number; alpha: number };
}

export const ZOO_DEFINITIONS: ZooDefinition[] = [
  {
    id: "classic",
    name: "Classic",
    description: "11 torchvision ImageNet CNNs, 12 self-supervised ResNet-50s and 13 ViT-family models, fully fine-tuned on 11 datasets (SFDA, EMMS).",
    metric: "fine-tuning score (%)",
    sources: [
      { file: "sfda_group1_supervised_finetune.csv", metric: "finetune_score_pct" },
      { file: "sfda_group2_selfsup_finetune.csv", metric: "finetune_score_pct" },
      { file: "emms_vit_finetune.csv", metric: "finetune_score_pct" },
    ],
    imageTasks: { caltech101: "caltech101", cifar10: "cifar10", dtd: "dtd", cars: "stanford_cars", flowers: "flowers102" },
    rank: 5,
    mapper: { tau: 0.02, alpha: 0 },
  },
  {
    id: "hub",
    name: "Hugging Face hub",
    description: "180 Hugging Face image classifiers fully fine-tuned on 12 datasets (TransferGraph; its food101 column is left out: failed runs).",
    metric: "fine-tuning test accuracy (0–1)",
    sources: [{ file: "transfergraph_image.csv", metric: "finetune_test_acc_frac" }],
    dropTasks: {
      food101:
        "110 of its 112 runs end at chance accuracy (0.0099 = 1/101): failed runs, not transfer results; the two others were already fine-tuned on Food-101 and dominate the standardised column",
    },
    imageTasks: {
      caltech101: "caltech101",
      dtd: "dtd",
      stanfordcars: "stanford_cars",
      flowers: "flowers102",
      diabetic_retinopathy_detection: "diabetic_retinopathy",
    },
    rank: 5,
    mapper: { tau: 0.02, alpha: 0 },
  },
];

/** Number of classes of each historical dataset (full datasets, as measured in the records). */
export const TASK_CLASSES: Record<string, number> = {
  aircraft: 100,
  caltech101: 101,
  cars: 196,
  stanfordcars: 196,
  cifar10: 10,
  cifar100: 100,
  dtd: 47,
  flowers: 102,
  food: 101,
  food101: 101,
  pets: 37,
  sun397: 397,
  voc2007: 20,
  diabetic_retinopathy_detection: 5,
  eurosat: 10,
  kitti: 4,
  smallnorb_label_azimuth: 18,
  smallnorb_label_elevation: 9,
  svhn: 10,
};

export function zooDefinition(id: string): ZooDefinition {
  const def = ZOO_DEFINITIONS.find((z) => z.id === id);
  if (!def) throw new Error(`unknown zoo "${id}"; known zoos: ${ZOO_DEFINITIONS.map((z) => z.id).join(", ")}`);
  return def;
}
