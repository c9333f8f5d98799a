#!/usr/bin/env bash
# Install sitrep into ./.venv from hash-pinned requirements (PyPI only; nothing is
# downloaded at run time).  --test adds the test tools; --spark adds pyspark.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip==25.3" "setuptools==80.9.0" "wheel==0.45.1"
.venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements.lock
for arg in "$@"; do
  case "$arg" in
    --test) .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements-test.lock ;;
    --spark) .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements-spark.lock ;;
  esac
done
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
