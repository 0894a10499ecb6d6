"""Routing accuracy of the paraphrase suite (issue 13 item 5): how often question understanding reads the
quantity (and column), years, agencies, operation and grouping the way tests/paraphrases.py says the question
means them. Printed per quantity, per operation and per phrasing; exit 1 when the whole suite is under target.

    .venv/bin/python bench/routing.py [--store data/store] [--target 0.98] [--failures]

Without --store the library is the sample's reports as the gold file lists them (no store needed); with one,
its current reports (the suite is written for the sample library: other libraries will score lower).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from assistant.answering.question import library_reports, understand  # noqa: E402
from index.library import ReportInfo  # noqa: E402
from tests import paraphrases as P  # noqa: E402


def _reports(store):
    if store:
        from index.library import Library

        lib = Library(store)
        return lib, library_reports(lib)
    return None, [ReportInfo(r["file"], r["agency"], r["region"], r["level"], r["year"]) for r in P.gold()["reports"]]


def _table(title: str, rows: dict[str, list[bool]], target: float) -> Table:
    t = Table(title=title)
    for col, just in (("", "left"), ("cases", "right"), ("right", "right"), ("accuracy", "right")):
        t.add_column(col, justify=just)
    for key, oks in rows.items():
        acc = sum(oks) / len(oks)
        style = None if acc >= target else "red"
        t.add_row(key, str(len(oks)), str(sum(oks)), f"{acc:.1%}", style=style)
    return t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=None, help="a store to take the library's reports from")
    ap.add_argument("--target", type=float, default=0.98)
    ap.add_argument("--failures", action="store_true", help="list every case read wrong")
    a = ap.parse_args(argv)
    library, reports = _reports(a.store)
    cases = P.suite()
    by_q: dict[str, list[bool]] = defaultdict(list)
    by_op: dict[str, list[bool]] = defaultdict(list)
    by_style: dict[str, list[bool]] = defaultdict(list)
    wrong, readings = [], []
    t0 = time.perf_counter()
    for c in cases:
        q = understand(c.question, library, history=c.history, reports=reports)
        bad = P.mismatches(c, q)
        ok = not bad
        by_q[c.quantity].append(ok)
        by_op[c.operation + (f"·{c.by}" if c.operation in ("argmax", "argmin") else "")].append(ok)
        by_style[("追问·" if len(c.turns) > 1 else "") + c.style].append(ok)
        if bad:
            wrong.append((c, bad))
        if c.unsure or (c.style == "typo" and not P.still_named(c)):
            said = getattr(q, "reading", None)
            readings.append(said is not None and said.quantity == c.quantity.split("·")[0]
                            and len(getattr(q, "alternatives", [])) == 2)
    ms = (time.perf_counter() - t0) * 1000 / len(cases)
    console = Console(width=max(Console().width, 100))
    console.print(_table("按数量（quantity）", dict(sorted(by_q.items())), a.target))
    console.print(_table("按操作（operation）", dict(sorted(by_op.items())), a.target))
    console.print(_table("按问法（phrasing / follow-up）", dict(sorted(by_style.items())), a.target))
    right = len(cases) - len(wrong)
    acc = right / len(cases)
    console.print(f"routing accuracy {right}/{len(cases)} = {acc:.2%} (target ≥ {a.target:.0%}); "
                  f"unsure readings said with two alternatives {sum(readings)}/{len(readings)}; "
                  f"{ms:.1f} ms per question")
    if a.failures or acc < a.target:
        for c, bad in wrong:
            console.print(f"[red]{c.id}[/red] {' | '.join(c.turns)} {bad}")
    return 0 if acc >= a.target else 1


if __name__ == "__main__":
    sys.exit(main())
