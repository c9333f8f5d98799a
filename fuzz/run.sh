#!/usr/bin/env bash
# Fuzz the ingest parsers for a fixed time: fuzz/run.sh SECONDS (default 30).
# Uses atheris (coverage-guided) when it is installed in the venv, else the random-bytes loop.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
py="${PYTHON:-.venv/bin/python}"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
"$py" fuzz/fuzz_ingest.py --write-seeds "$corpus"
if "$py" -c "import atheris" 2>/dev/null; then
  # -rss_limit_mb bounds memory per input; -timeout flags an input that takes over 20 s
  "$py" fuzz/fuzz_ingest.py -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
       -print_final_stats=1 "$corpus"
else
  echo "atheris not installed: running the random-bytes fallback" >&2
  "$py" fuzz/fuzz_ingest.py --seconds "$seconds"
fi
