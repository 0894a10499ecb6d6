"""Parse-only benchmark of the standard-table parser: throughput and per-layout accuracy.

    .venv/bin/python bench/parse.py [--rounds 20] [--workers 2]

Throughput: the sample reports (and the real PDFs) are loaded once, then `parse_tables` runs over them
`--rounds` times, in one process and in `--workers` processes. Accuracy: each sample's gold facts are
rendered into every layout of tests/layouts.py, written to a temporary folder, loaded by the real loaders
and parsed back; a value counts when it equals the gold exactly. Real PDFs (no gold): how many of their
balance rules hold.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from index.loaders import load  # noqa: E402
from index.tables import parse_tables  # noqa: E402

GOLD = ROOT / "data" / "gold" / "seed_facts.json"
REAL = ROOT / "data" / "real-pdf"
DEV = ROOT.parent / "shared" / "dev-reports"


def _work(args: tuple[list[str], int]) -> tuple[int, float]:
    """Parses in a worker; the clock runs over parsing only (not the worker's start-up or loading)."""
    paths, rounds = args
    docs = [load(p) for p in paths]
    for d in docs:
        parse_tables(d)
    n, t0 = 0, time.perf_counter()
    for _ in range(rounds):
        for d in docs:
            parse_tables(d)
            n += 1
    return n, time.perf_counter() - t0


def throughput(paths: list[Path], rounds: int, workers: int) -> list[tuple[str, int, float]]:
    docs = [load(p) for p in paths]
    for d in docs:  # warm caches (label matches) as a long-running ingest would have them
        parse_tables(d)
    out = []
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for d in docs:
            parse_tables(d)
    out.append(("parse_tables, 1 process", rounds * len(docs), time.perf_counter() - t0))
    # CPU time: what a core costs per report, whatever else the shared machine is running
    out.append(("parse_tables, 1 process, CPU seconds", rounds * len(docs), time.process_time() - c0))
    if workers > 1:
        with ProcessPoolExecutor(workers) as ex:
            res = list(ex.map(_work, [([str(p) for p in paths], rounds)] * workers))
        out.append((f"parse_tables, {workers} processes", sum(n for n, _ in res), max(s for _, s in res)))
    for suffix in sorted({p.suffix for p in paths}):
        group = [p for p in paths if p.suffix == suffix]
        t0 = time.perf_counter()
        for p in group:
            parse_tables(load(p))
        out.append((f"load {suffix} + parse_tables, 1 process", len(group), time.perf_counter() - t0))
    return out


def accuracy(reports: list[dict]) -> list[tuple]:
    import layouts

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout in layouts.ALL_LAYOUTS:
            hit = total = exact = unc = fails = cwrong = 0
            secs = 0.0
            for r in reports:
                p = layouts.write(r, layout, Path(tmp))
                doc = load(p)
                t0 = time.perf_counter()
                res = parse_tables(doc)
                secs += time.perf_counter() - t0
                have = {f.key: f for f in res.facts}
                ok_all = True
                for f in r["facts"]:
                    total += 1
                    g = have.get((f["table"], f["row"], f["column"]))
                    ok = g is not None and g.value is not None and abs(g.value - f["value"]) < 0.01
                    hit += ok
                    ok_all &= ok
                    unc += bool(g and g.uncertain)
                    cwrong += bool(g is not None and g.value is not None and not ok and not g.uncertain)
                exact += ok_all
                fails += sum(c.status in ("fail", "not_assessable") for c in res.checks)
            rows.append((layout, hit, total, exact, len(reports), unc, cwrong, fails, secs / len(reports) * 1000))
    return rows


def synthetic(n: int) -> list[tuple]:
    """Reports made by bench/synth.py (a generator of new balanced numbers in 4 layouts)."""
    from bench.synth import generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        truth = generate(n, Path(tmp))
        per: dict[str, list] = {}
        for r in truth:
            doc = load(Path(tmp) / r["file"])
            t0 = time.perf_counter()
            res = parse_tables(doc)
            secs = time.perf_counter() - t0
            have = {f.key: f.value for f in res.facts}
            ok = sum(1 for f in r["facts"] if have.get((f["table"], f["row"], f["column"])) is not None
                     and abs(have[(f["table"], f["row"], f["column"])] - f["value"]) < 0.01)
            s = per.setdefault(r["layout"], [0, 0, 0, 0, 0.0])
            s[0] += ok
            s[1] += len(r["facts"])
            s[2] += ok == len(r["facts"])
            s[3] += 1
            s[4] += secs
        for layout, (hit, total, exact, n_rep, secs) in per.items():
            rows.append((f"synth:{layout}", hit, total, exact, n_rep, secs / n_rep * 1000))
    return rows


@click.command()
@click.option("--rounds", default=20, show_default=True, help="passes over the reports for throughput")
@click.option("--workers", default=2, show_default=True, help="processes for the parallel measurement")
@click.option("--synth", "n_synth", default=0, show_default=True,
              help="also score N synthetic reports of bench/synth.py (e.g. 200)")
def main(rounds, workers, n_synth):
    con = Console()
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    samples = [ROOT / "data" / "sample" / r["file"] for r in gold["reports"]]
    reals = sorted(REAL.glob("*.pdf"))

    t = Table(title="parse-only throughput (target ≥ 50 reports/s)")
    for c in ("what", "reports", "seconds", "reports/s"):
        t.add_column(c, justify="right" if c != "what" else "left")
    for name, n, secs in throughput(samples + reals, rounds, workers):
        t.add_row(name, str(n), f"{secs:.2f}", f"{n / secs:.0f}")
    con.print(t)

    t = Table(title="per-layout accuracy (gold facts rendered, loaded, parsed back)")
    for c in ("layout", "values exact", "reports exact", "uncertain cells", "wrong, unmarked", "rules failing",
              "ms/report"):
        t.add_column(c, justify="right" if c != "layout" else "left", no_wrap=(c == "layout"))
    for layout, hit, total, exact, n, unc, cw, fails, ms in accuracy(gold["reports"]):
        t.add_row(layout, f"{hit}/{total}", f"{exact}/{n}", str(unc), str(cw), str(fails), f"{ms:.1f}")
    # the 2021 template: the real PDFs' facts (their balance rules hold) as the truth to render
    reports_2021 = []
    for p, agency in ((REAL / "huaian_2024.pdf", "淮安市人民政府"), (REAL / "hongze_2024.pdf", "淮安市洪泽区人民政府")):
        if p.exists():
            res = parse_tables(load(p))
            reports_2021.append({"file": p.name, "agency": agency, "year": 2024, "facts": [
                {"table": f.table, "row": f.row, "column": f.column, "value": f.value} for f in res.facts]})
    for layout, hit, total, exact, n, unc, cw, fails, ms in (accuracy(reports_2021) if reports_2021 else []):
        t.add_row(f"{layout} (2021)", f"{hit}/{total}", f"{exact}/{n}", str(unc), str(cw), str(fails), f"{ms:.1f}")
    con.print(t)

    if (DEV / "gold.json").exists():  # the real portal report, as saved page and as crawler text
        t = Table(title="real report as its portal published it (../shared/dev-reports, every cell's gold)")
        for c in ("file", "cells exact", "uncertain", "wrong, unmarked", "agency", "year", "ms"):
            t.add_column(c)
        dev = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))["reports"][0]
        for name in ("pingtan_2024.txt", "pingtan_2024.html"):
            from index.metadata import infer_metadata
            doc = load(DEV / name)
            t0 = time.perf_counter()
            res = parse_tables(doc)
            ms = (time.perf_counter() - t0) * 1000
            have = {f.key: f for f in res.facts}
            ok = unc = cw = 0
            for f in dev["facts"]:
                g = have.get((f["table"], f["row"], f["column"]))
                good = g is not None and g.value is not None and abs(g.value - f["value"]) < 0.01
                ok += good
                unc += bool(g and g.uncertain)
                cw += bool(g is not None and not good and not g.uncertain)
            m = infer_metadata(doc)
            t.add_row(name, f"{ok}/{len(dev['facts'])}", str(unc), str(cw), str(m.agency), str(m.year), f"{ms:.0f}")
        con.print(t)

    if n_synth:
        t = Table(title=f"{n_synth} synthetic reports (bench/synth.py truth)")
        for c in ("layout", "values exact", "reports exact", "ms/report"):
            t.add_column(c, justify="right" if c != "layout" else "left", no_wrap=(c == "layout"))
        for layout, hit, total, exact, n, ms in synthetic(n_synth):
            t.add_row(layout, f"{hit}/{total}", f"{exact}/{n}", f"{ms:.1f}")
        con.print(t)

    t = Table(title="real 2021-template PDFs (no gold: their own balance rules)")
    for c in ("file", "template", "facts", "rules pass", "fail", "not assessable", "uncertain"):
        t.add_column(c)
    for p in reals:
        res = parse_tables(load(p))
        st = [c.status for c in res.checks]
        t.add_row(p.name, str(res.template), str(len(res.facts)), str(st.count("pass")), str(st.count("fail")),
                  str(st.count("not_assessable")), str(st.count("uncertain")))
    con.print(t)


if __name__ == "__main__":
    main()
