#!/usr/bin/env bash
# Finds a Chromium for the end-to-end tests, installing one when none is found:
# Debian's package where we run as root with apt-get (Playwright's download host is unreachable
# on some machines), Playwright's own download elsewhere.
set -euo pipefail
for p in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$p" ] && [ -x "$p" ]; then echo "browser: $p"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: installing Debian's chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  echo "browser: $(command -v chromium)"
else
  echo "browser: installing Playwright's Chromium"
  npx playwright install chromium
fi
