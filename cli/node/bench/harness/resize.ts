/** How an image reaches 256 pixels on its shorter side before the centre crop, in the harness's
 * `embed` request (npm run resize-effect): the app's shared `preprocessInto` (what ships), or one
 * of the browser's own resizes (`createImageBitmap` with `resizeQuality` high / medium / low, or an
 * `OffscreenCanvas` `drawImage` at the target size with `imageSmoothingQuality: "high"`), which the
 * shared code then only crops and normalises. Its own module: Node reads the list without loading
 * the worker. */
export const RESIZE_VARIANTS = ["shared", "high", "medium", "low", "canvas"] as const;
export type ResizeVariant = (typeof RESIZE_VARIANTS)[number];
