#!/usr/bin/env bash
# Runs every test of Upscale Portal: unit, component (bUnit), integration (WebApplicationFactory on SQLite),
# engine/model tests with the real ONNX models, and browser tests (Playwright driving Debian's Chromium).
# Installs what the tests need first. Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium with apt-get."; echo "0 passed, 1 failed"; exit 1; }
fi
# BRISQUE (the evaluation's naturalness metric) reads OpenCV's LIVE model from Debian's opencv-data.
if [ ! -f /usr/share/opencv4/quality/brisque_model_live.yml ]; then
  echo "Installing opencv-data for the BRISQUE metric..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq opencv-data >/dev/null \
    || { echo "Could not install opencv-data with apt-get."; echo "0 passed, 1 failed"; exit 1; }
fi
# The multi-node tests relay job events through Debian's redis-server (started by the tests on a free port).
if [ ! -x /usr/bin/redis-server ]; then
  echo "Installing redis-server for the multi-node tests..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null \
    || { echo "Could not install redis-server with apt-get."; echo "0 passed, 1 failed"; exit 1; }
fi
# The blob-storage tests run against Azurite (the Azure Storage emulator from npm, pinned in tools/azurite);
# the tests start it themselves on a free loopback port and stop it when they end.
if [ ! -x tools/azurite/node_modules/.bin/azurite-blob ]; then
  echo "Installing Azurite for the blob-storage tests..."
  npm ci --prefix tools/azurite --no-audit --no-fund --loglevel=error >/dev/null \
    || { echo "Could not install Azurite with npm."; echo "0 passed, 1 failed"; exit 1; }
fi
export PORTAL_CHROMIUM="${PORTAL_CHROMIUM:-$(command -v chromium)}"

dotnet tool restore >/dev/null
if ! dotnet build Portal.sln -nologo -clp:ErrorsOnly; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
# The tests start Azurite and redis-server themselves and stop them when their test host exits; a host the
# runner kills cannot, so every such process is listed here and stopped when this script ends.
export PORTAL_TEST_SERVICE_PIDS=$(mktemp)
trap 'xargs -r kill < "$PORTAL_TEST_SERVICE_PIDS" 2>/dev/null; rm -f "$PORTAL_TEST_SERVICE_PIDS"' EXIT
# One test assembly at a time (-m:1): the browser tests time a live server, so they should not share
# two cores with the engine's inference tests.
dotnet test Portal.sln --no-build -nologo -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 40, Skipped: 0, Total: 40").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { gsub(",", "", $(i+1)); f += $(i+1) }
      if ($i == "Passed:")  { gsub(",", "", $(i+1)); p += $(i+1) }
      if ($i == "Skipped:") { gsub(",", "", $(i+1)); s += $(i+1) }
    }
  }
  END { print p+0, f+0, s+0 }' "$log")
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner itself failed (a crashed test host counts as a failure)
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
