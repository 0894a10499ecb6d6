"""Answer latency, warm, many repetitions: table answers, all no-LLM answers, local LLM time to first token and
total. Prints a table with p50/p95 against the targets (table p95 ≤ 150 ms, no-LLM ≤ 500 ms, TTFT ≤ 4 s).

    .venv/bin/python bench/answer.py --store data/store [--reps 20] [--llm-reps 3] [--no-llm]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from assistant.eval import gold as ev  # noqa: E402
from assistant.answering.answer import Assistant  # noqa: E402


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=None)
    ap.add_argument("--questions", default=None)
    ap.add_argument("--reps", type=int, default=20, help="repetitions of every no-LLM question")
    ap.add_argument("--llm-reps", type=int, default=2, help="repetitions of every question with the local LLM")
    ap.add_argument("--no-llm", action="store_true", help="skip the local LLM rows")
    a = ap.parse_args(argv)
    gold = [g for g in ev.load_questions(a.questions)]
    rows = []
    none = Assistant(a.store, llm="none", log=False).warm_up()
    for g in gold:  # warm caches (jieba, embedder, source files)
        none.ask(g["question"])
    by_route: dict[str, list[float]] = {}
    all_ms: list[float] = []
    for _ in range(a.reps):
        for g in gold:
            t = time.perf_counter()
            ans = none.ask(g["question"])
            ms = (time.perf_counter() - t) * 1000
            all_ms.append(ms)
            by_route.setdefault(ans.route.kind, []).append(ms)
    rows.append(("table answers (route=table)", by_route.get("table", []), 150))
    rows.append(("text answers (route=text)", by_route.get("text", []), 500))
    rows.append(("all no-LLM answers", all_ms, 500))
    if not a.no_llm:
        from assistant.llm import local as llm_local

        if llm_local.available():
            loc = Assistant(a.store, llm="local", log=False).warm_up()
            loc.ask(gold[0]["question"])
            ttft, total = [], []
            for _ in range(a.llm_reps):
                for g in gold:
                    t = time.perf_counter()
                    first = None
                    for piece in loc.ask_stream(g["question"]):
                        if first is None and isinstance(piece, str) and piece:
                            first = (time.perf_counter() - t) * 1000
                    ans = piece
                    if ans.llm == "none":  # refusals never reach the model
                        continue
                    ttft.append(first or 0.0)
                    total.append((time.perf_counter() - t) * 1000)
            rows.append(("local LLM: time to first token", ttft, 4000))
            rows.append(("local LLM: total", total, None))
        else:
            print("local LLM not assembled: run `python -m assistant.llm.local --assemble`", file=sys.stderr)
    t = Table(title=f"answer latency (ms), {len(gold)} questions, warm")
    for c in ("what", "n", "p50", "p95", "max", "target p95", "ok"):
        t.add_column(c, justify="right" if c not in ("what",) else "left")
    for name, xs, target in rows:
        p95 = pct(xs, 0.95)
        t.add_row(name, str(len(xs)), f"{statistics.median(xs):.0f}" if xs else "-", f"{p95:.0f}",
                  f"{max(xs):.0f}" if xs else "-", f"≤ {target}" if target else "-",
                  ("yes" if p95 <= target else "NO") if target and xs else "-")
    Console().print(t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
