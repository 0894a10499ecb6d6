"""The real report in ../shared/dev-reports, as its portal published it (saved page) and as a crawler took it
(the whole body on one line, every table cell run together): both give every gold cell, by the real loaders
and the real parser. Skipped only where the shared folder is absent (a clone outside the workspace)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.pipeline import parse_report

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "dev-reports"
pytestmark = pytest.mark.skipif(not (DEV / "gold.json").exists(), reason="../shared/dev-reports not present")


def _gold():
    return json.loads((DEV / "gold.json").read_text(encoding="utf-8"))["reports"]


@pytest.mark.parametrize("name", ["pingtan_2024.txt", "pingtan_2024.html"])
def test_every_gold_cell_exact(name):
    gold = next(r for r in _gold() if r["file"] == name)
    p = parse_report(DEV / name)
    have = {f.key: f.value for f in p.tables.facts}
    wrong = [(f["table"], f["row"], f["column"], f["value"], have.get((f["table"], f["row"], f["column"])))
             for f in gold["facts"]
             if have.get((f["table"], f["row"], f["column"])) is None
             or abs(have[(f["table"], f["row"], f["column"])] - f["value"]) > 0.01]
    assert wrong == []
    assert p.tables.template == "2021"
    failing = [c.message for c in p.tables.checks if c.status == "fail"]
    assert failing == []


def test_run_together_table1_is_read_with_the_prose_and_marked():
    """`行政规范性文件6233440` has no balance rule: the prose (制发行政规范性文件62件) fixes 62, and the rest
    (3 / 3440 against 33 / 440) is a best reading the fact says is uncertain."""
    p = parse_report(DEV / "pingtan_2024.txt")
    f = {x.key: x for x in p.tables.facts}
    made = f[("主动公开", "规范性文件", "本年制发件数")]
    assert made.value == 62 and not made.uncertain
    assert f[("主动公开", "规范性文件", "现行有效件数")].uncertain
    # the cited source is the file's own text around the row, not the whole one-line body
    assert "行政规范性文件6233440" in made.source.text and len(made.source.text) < 40


def test_run_together_rows_cite_their_own_segment():
    p = parse_report(DEV / "pingtan_2024.txt")
    f = {x.key: x for x in p.tables.facts}
    new = f[("依申请公开", "本年新收", "总计")]
    assert new.value == 218 and not new.uncertain
    assert new.source.text.startswith("一、本年新收") and new.source.line == 10
    review = f[("复议诉讼", "行政诉讼-复议后起诉", "总计")]
    assert review.value == 19 and not review.uncertain


@pytest.mark.parametrize("name", ["pingtan_2024.txt", "pingtan_2024.html"])
def test_publisher_region_level_and_year(name):
    """平潭综合实验区 is a zone, not a division: named by the title (the crawler's 标题 line for the text), its
    region and level from the zones the state set up as provincial bodies."""
    gold = next(r for r in _gold() if r["file"] == name.replace(".html", ".txt")) if name.endswith(".html") \
        else next(r for r in _gold() if r["file"] == name)
    meta = parse_report(DEV / name).meta
    assert (meta.agency, meta.region, meta.level, meta.year) == (gold["agency"], gold["region"], gold["level"],
                                                                gold["year"])
    assert not [w for w in meta.warnings if "未能" in w.message]


def test_crawler_header_is_evidence_not_text():
    from index.loaders import load
    doc = load(DEV / "pingtan_2024.txt")
    keys = {f.key: f.value for f in doc.header}
    assert keys["publisher"] == "平潭综合实验区管委会办公室" and keys["url"].startswith("https://www.pingtan.gov.cn/")
    assert not any("原文链接" in ln.text or "发布机构" in ln.text for ln in doc.lines)
    # line numbers still match the file: the header lines are blank, the body is on its own file line
    raw = (DEV / "pingtan_2024.txt").read_text(encoding="utf-8").splitlines()
    body = next(i for i, t in enumerate(raw) if t.startswith("本报告根据"))
    assert doc.lines[body].text.startswith("本报告根据") and doc.lines[body].line == body + 1
