/** Cold start: predicted transfer-space vectors for models without transfer records. */
export * from "./pretraining.ts";
export * from "./features.ts";
export * from "./model.ts";
export * from "./explain.ts";
