"""Benchmark the app: cold start to first page served with a built store (target ≤ 15 s), first answer, and the
server's resident memory with the local LLM loaded (target ≤ 1.5 GB). Prints a table.

    .venv/bin/python bench/app.py --store data/store          # ingests data/sample first if the store is empty
    .venv/bin/python bench/app.py --store data/store --no-llm # skip the local-LLM run
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import AppServer  # noqa: E402  (the same launcher the browser tests use)

QUESTION = "2020年福建省人社厅新收政府信息公开申请多少件？"
# a text question: the LLM phrases it (table answers may be template-only), so the model is really exercised
TEXT_QUESTION = "福建省人社厅2020年如何推进政策解读？"


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children, MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def ask(url: str, backend: str, question: str = QUESTION) -> tuple[float, str, str]:
    """Seconds, the answer with its sources, and the status line (which names the model that answered)."""
    from gradio_client import Client

    t0 = time.perf_counter()
    out = Client(url, verbose=False).predict(question, backend, api_name="/chat")
    return time.perf_counter() - t0, out[-1], out[-2]


def run(store: Path, llm: str, home: Path) -> dict:
    app = AppServer(store, home, ["--llm", llm, "--no-first-run"])
    t0 = time.perf_counter()
    app.start(timeout=300)
    res = {"start_s": time.perf_counter() - t0, "rss_page_mb": rss_mb(app.proc.pid)}
    try:
        res["answer_s"], plain, _ = ask(app.url, llm)
        res["has_68"] = "68" in plain
        res["answer2_s"], _, _ = ask(app.url, llm)
        res["text_s"], _, status = ask(app.url, llm, TEXT_QUESTION)
        res["model"] = status.split("模型：")[1].split(" ·")[0].strip() if "模型：" in status else "?"
        res["rss_mb"] = rss_mb(app.proc.pid)
    finally:
        app.stop()
    return res


@click.command()
@click.option("--store", default=None, help="Built store (default ASSISTANT_STORE or data/store).")
@click.option("--no-llm", is_flag=True, help="Skip the run with the local LLM.")
def main(store, no_llm):
    from index.config import SAMPLE_DIR, store_dir

    store = store_dir(store)
    from index.db import connect

    if not (store / "library.sqlite").exists() or not connect(store / "library.sqlite").execute(
            "SELECT COUNT(*) FROM reports").fetchone()[0]:
        from index.pipeline import Ingestor

        Console(stderr=True).print(f"ingesting {SAMPLE_DIR} into {store} (not timed)…")
        Ingestor(store).ingest([SAMPLE_DIR])
    home = Path(tempfile.mkdtemp(prefix="bench-app-"))
    rows = [("none", run(store, "none", home / "none"))]
    if not no_llm:
        from assistant.llm import local as llm_local

        if llm_local.available():
            rows.append(("local", run(store, "local", home / "local")))
        else:
            Console(stderr=True).print("local LLM not assembled: run `python -m assistant.llm.local --assemble`")
    t = Table(title=f"app benchmark (store {store})")
    for col in ("backend", "cold start → first page (s)", "target", "first answer (s)", "next answer (s)",
                "answer has 68", "text question (s)", "answered by", "RSS page (MB)", "RSS after answers (MB)",
                "target"):
        t.add_column(col)
    for kind, r in rows:
        t.add_row(kind, f"{r['start_s']:.1f}", "≤ 15 s" + (" ✓" if r["start_s"] <= 15 else " ✗"),
                  f"{r['answer_s']:.1f}", f"{r['answer2_s']:.1f}", str(r["has_68"]), f"{r['text_s']:.1f}", r["model"],
                  f"{r['rss_page_mb']:.0f}",
                  f"{r['rss_mb']:.0f}",
                  ("≤ 1.5 GB" + (" ✓" if r["rss_mb"] <= 1536 else " ✗")) if kind == "local" else "—")
    Console(width=200).print(t)


if __name__ == "__main__":
    main()
