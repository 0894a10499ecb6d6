"""index/report_gate.py: only annual reports get into the library (issue 15 item 2)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.pipeline import parse_report
from index.report_gate import not_a_report, outline_parts

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _gate(path: Path):
    p = parse_report(path)
    ev = p.meta.evidence.get("year")
    return not_a_report(p.doc, ev is not None and ev.source == "title", len({f.table for f in p.tables.facts}))


def test_the_projects_own_readme_is_not_a_report():
    why = _gate(ROOT / "README.md")
    assert why and why.startswith("不是政府信息公开工作年度报告")


@pytest.mark.skipif(not (SHARED / "spec" / "report-format.md").exists(), reason="../shared absent")
def test_a_spec_that_describes_the_outline_and_quotes_a_table_is_not_a_report():
    # it names all six parts in prose and prints table-2 rows as examples: neither makes it a report
    assert _gate(SHARED / "spec" / "report-format.md")


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "data" / "sample").glob("*.txt")))
def test_every_sample_is_a_report(name):
    assert _gate(ROOT / "data" / "sample" / name) is None


@pytest.mark.skipif(not (SHARED / "dev-reports").exists(), reason="../shared absent")
def test_a_crawlers_one_line_page_shows_its_outline():
    p = parse_report(SHARED / "dev-reports" / "pingtan_2024.txt")
    assert outline_parts(p.doc) == 6 and _gate(SHARED / "dev-reports" / "pingtan_2024.txt") is None


def test_a_report_whose_tables_are_lost_still_passes_by_title(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("厦门市人力资源和社会保障局2020年政府信息公开工作年度报告\n\n本年度我局认真贯彻《条例》。\n", encoding="utf-8")
    assert _gate(f) is None
