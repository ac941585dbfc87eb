#!/usr/bin/env bash
# Web benchmarks of the core flow (upload memory, submit-to-start latency, gallery render); prints numbers.
# `scripts/bench-web.sh landing-visits 200`: idle memory and circuits held after 200 anonymous landing-page visits.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Portal.Bench -nologo -clp:ErrorsOnly
dotnet run --project tests/Portal.Bench --no-build -- "$@" 2>&1 | grep -vE '^(warn|info|fail):|^      '
