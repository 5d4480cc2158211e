#!/usr/bin/env bash
# Every test: type check, unit tests (Vitest), production build, end-to-end tests (Playwright in
# Chromium, WASM and WebGPU-through-SwiftShader paths).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-browser.sh
npx tsc --noEmit -p .
npx vitest run
npx vite build --logLevel warn
npx playwright test
