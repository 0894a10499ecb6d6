"""Load -> metadata -> sections/chunks time per report (no table parsing, no embedding). Prints a table.

    .venv/bin/python bench/load_chunk.py [PATH ...]      (default: data/sample and data/real-pdf)

Where time goes on this machine: pdfplumber's text extraction (~0.2 s per PDF page); text files, metadata and
chunking take a few milliseconds each.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index.chunking import make_chunks, split_sections  # noqa: E402
from index.loaders import SUPPORTED, load  # noqa: E402
from index.metadata import infer_metadata  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [ROOT / "data" / "sample", Path(__file__).resolve().parents[1].joinpath("data/real-pdf")]
    files = []
    for r in roots:
        files += sorted(f for f in r.rglob("*") if f.suffix.lower() in SUPPORTED) if r.is_dir() else [r]
    t = Table(title="load / metadata / chunks (ms)")
    for col in ("file", "format", "lines", "load", "metadata", "chunks", "n chunks", "agency", "year"):
        t.add_column(col, justify="left" if col in ("file", "agency", "format") else "right")
    totals = [0.0, 0.0, 0.0]
    for f in files:
        t0 = time.perf_counter()
        doc = load(f)
        t1 = time.perf_counter()
        meta = infer_metadata(doc)
        t2 = time.perf_counter()
        chunks = make_chunks(doc, meta, split_sections(doc), [])
        t3 = time.perf_counter()
        for k, v in enumerate((t1 - t0, t2 - t1, t3 - t2)):
            totals[k] += v
        t.add_row(f.name[:28], doc.format, str(len(doc.lines)), f"{(t1 - t0) * 1e3:.0f}", f"{(t2 - t1) * 1e3:.0f}",
                  f"{(t3 - t2) * 1e3:.0f}", str(len(chunks)), meta.agency or "—", str(meta.year or "—"))
    t.add_row("total", "", "", *(f"{x * 1e3:.0f}" for x in totals), "", "", "")
    Console(width=150).print(t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
