"""OCR benchmark: pages per second and cell accuracy of scanned reports, per rendering and OCR resolution.

    .venv/bin/python bench/ocr.py [--renderings plain,jpeg,rot1] [--dpi 150] [--scan-dpi 200] [--only samples|real]
                                  [--limit N]

The five samples (through the PDF writer of tests/layouts.py) and the three real PDFs are scanned
(tests/scans.py: every page rendered at --scan-dpi, plain / JPEG-artefacted / turned 1°, put back as an
image-only PDF), then ingested through the real loader (pages rendered again at each --dpi for OCR), table
parser and balance rules, with an empty OCR cache so every page is really OCR'd. Cells: samples against
their gold, real PDFs against the facts of their own text layer. `silent` counts wrong cells not marked
uncertain (the ones that matter); `meta` the reports whose agency and year came out right.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import layouts  # noqa: E402
import scans  # noqa: E402
from index.loaders import ocr  # noqa: E402
from index.pipeline import parse_report  # noqa: E402

GOLD = json.loads((ROOT / "data" / "gold" / "seed_facts.json").read_text("utf-8"))["reports"]
REAL = ROOT / "data" / "real-pdf"
REAL_NAMES = ("huaian_2024.pdf", "hongze_2023.pdf", "hongze_2024.pdf")


def _compare(want: dict, p) -> tuple[int, int, int]:
    """(exact, total, silent) of a parse against {key: value}."""
    have = {f.key: f for f in p.tables.facts}
    exact = silent = 0
    for k, v in want.items():
        f = have.get(k)
        if f is not None and f.value is not None and abs(f.value - v) < 0.01:
            exact += 1
        elif f is None or not f.uncertain:
            silent += 1
    return exact, len(want), silent


@click.command()
@click.option("--renderings", default=",".join(scans.RENDERINGS), show_default=True)
@click.option("--dpi", "dpis", default="150", show_default=True, help="OCR resolution(s), comma-separated")
@click.option("--scan-dpi", default=200, show_default=True, help="resolution the scans are made at")
@click.option("--only", type=click.Choice(["samples", "real"]), default=None)
@click.option("--limit", type=int, default=None, help="at most this many reports of each set (a quick run)")
def main(renderings: str, dpis: str, scan_dpi: int, only, limit):
    con = Console(width=170)
    work = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    sources = []  # (name, text pdf, {key: value} wanted, (agency, year))
    if only != "real":
        for r in GOLD[:limit]:
            pdf = layouts.write_pdf(r, work / f"{r['file'][:3]}.pdf")
            sources.append(("sample", pdf, {(f["table"], f["row"], f["column"]): f["value"] for f in r["facts"]},
                            (r["agency"], r["year"])))
    if only != "samples":
        for name in REAL_NAMES[:limit]:
            p = parse_report(REAL / name)
            sources.append(("real", REAL / name, {f.key: f.value for f in p.tables.facts if f.value is not None},
                            (p.meta.agency, p.meta.year)))
    table = Table(title=f"OCR: scans at {scan_dpi} dpi, {len(sources)} reports, {os.cpu_count()} cores, "
                        f"load {os.getloadavg()[0]:.1f} at start")
    for col in ("rendering", "ocr dpi", "set", "pages", "s", "pages/s", "cpu s/page", "cells exact", "silent", "meta"):
        table.add_column(col, justify="right" if col not in ("rendering", "set") else "left")
    for rendering in renderings.split(","):
        scanned = [(kind, scans.scan_of(pdf, work / f"{pdf.stem}_{rendering}.pdf", rendering, scan_dpi), want, meta)
                   for kind, pdf, want, meta in sources]
        for dpi in (int(d) for d in dpis.split(",")):
            ocr.OCR_DPI = dpi
            os.environ["NIANBAO_OCR_CACHE"] = tempfile.mkdtemp(prefix="cache-", dir=work)  # really OCR
            for kind in ("sample", "real"):
                rows = [s for s in scanned if s[0] == kind]
                if not rows:
                    continue
                pages = secs = cpu = exact = total = silent = meta_ok = 0
                for _, scan, want, meta in rows:
                    t0, c0 = time.perf_counter(), time.process_time()
                    p = parse_report(scan)
                    secs += time.perf_counter() - t0
                    cpu += time.process_time() - c0  # all threads: what the pages cost on an idle machine
                    pages += len({ln.page for ln in p.doc.lines})
                    e, t, s = _compare(want, p)
                    exact, total, silent = exact + e, total + t, silent + s
                    meta_ok += (p.meta.agency, p.meta.year) == meta
                table.add_row(rendering, str(dpi), kind, str(pages), f"{secs:.1f}", f"{pages / secs:.2f}", f"{cpu / pages:.1f}",
                              f"{exact}/{total} ({100 * exact / total:.2f}%)", str(silent),
                              f"{meta_ok}/{len(rows)}")
                con.print(f"[dim]{rendering} {dpi} {kind}: {exact}/{total} in {secs:.0f} s[/dim]")
    con.print(table)


if __name__ == "__main__":
    main()
