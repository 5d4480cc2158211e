import { existsSync } from "node:fs";

/** Debian's Chromium where it exists (Playwright's own download cannot reach its host here);
 * otherwise Playwright's managed browser. Override with CHROMIUM_PATH. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p): p is string => !!p && existsSync(p));
}
