"""Safe answers when data is missing (issue 11 item 4): a library holding an unreadable or unnamed report next
to readable ones never answers a question with another agency's facts — a table question, a comparison and a
trend; an agency the library does not hold is refused even when the year matches other reports; a number that
is part of a run of cells printed together is not grounded; no "None", file names or English codes reach staff.

Real store, real parser, real reports: the five samples, the real 洪泽区 2024 PDF (a readable report of another
district, same year), the 平潭 2024 crawler text with its tables damaged (held, named, unreadable) and the
intact text with every name of its publisher removed (held, unnamed, readable: its 218 must never appear).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "dev-reports"
HONGZE = ROOT / "data" / "real-pdf" / "hongze_2024.pdf"
HASHED = re.compile(r"\d{3}_[0-9a-f]{16}|\.txt|\.pdf|\.html|None")


def damaged_tables(text: str) -> str:
    """The crawler text with every digit after the report's part two heading removed: labels stay, no cell."""
    cut = text.index("二、主动公开政府信息情况")
    return text[:cut] + re.sub(r"\d", "", text[cut:])


def unnamed(text: str) -> str:
    """The same report with its crawler header, its title and every name of its publisher removed."""
    body = text[text.index("==== 正文 ====") + len("==== 正文 ===="):].lstrip("=\n")
    for name in ("平潭综合实验区管委会办公室", "平潭综合实验区管委会", "平潭综合实验区", "综合实验区", "实验区", "平潭"):
        body = body.replace(name, "本区")
    return body


@pytest.fixture(scope="module")
def mixed_store(built_store, tmp_path_factory):
    """Samples + 洪泽区 2024 (readable) + 平潭 2024 with damaged tables (named, no facts) + an unnamed copy."""
    from index.library import Library
    from index.pipeline import Ingestor

    root = tmp_path_factory.mktemp("safe")
    store = root / "store"
    shutil.copytree(built_store, store)
    src = (DEV / "pingtan_2024.txt").read_text(encoding="utf-8")
    (root / "pingtan_damaged.txt").write_text(damaged_tables(src), encoding="utf-8")
    (root / "report_unnamed.txt").write_text(unnamed(src), encoding="utf-8")  # readable: 218 would show
    shutil.copy(HONGZE, root / "hongze_2024.pdf")
    results = Ingestor(store).ingest([root / "pingtan_damaged.txt", root / "report_unnamed.txt", root / "hongze_2024.pdf"])
    assert all(r.status in ("ok", "warning") for r in results), [(r.file, r.status, r.reason) for r in results]
    lib = Library(store)
    by = {r["file"] if isinstance(r, dict) else r.file: r for r in lib.reports()}
    info = {f: (getattr(r, "agency", None) if not isinstance(r, dict) else r.get("agency"),
                getattr(r, "year", None) if not isinstance(r, dict) else r.get("year")) for f, r in by.items()}
    # the premises of every test below: what the parser made of the three files
    assert info["pingtan_damaged.txt"][0] and "平潭" in info["pingtan_damaged.txt"][0], info
    assert not lib.facts(file="pingtan_damaged.txt")
    assert info["report_unnamed.txt"][0] is None and lib.facts(file="report_unnamed.txt"), info
    assert info["hongze_2024.pdf"][1] == 2024 and lib.facts(file="hongze_2024.pdf")
    return store


@pytest.fixture(scope="module")
def mixed(mixed_store):
    from assistant.answering.answer import Assistant

    return Assistant(mixed_store, llm="none", log=False).warm_up()


def _staff_clean(text: str) -> None:
    assert not HASHED.search(text), text


def test_table_question_about_an_unreadable_report_says_so(mixed):
    ans = mixed.ask("2024年平潭综合实验区新收政府信息公开申请多少件？")
    assert "平潭综合实验区" in ans.text and "未能读取" in ans.text, ans.text
    assert not any(c.file != "pingtan_damaged.txt" for c in ans.citations), ans.citations
    assert not re.search(r"\d+件", ans.text), ans.text  # no figure at all: the held report has none
    _staff_clean(ans.text)


def test_comparison_keeps_the_readable_agency_and_names_the_unreadable_one(mixed, mixed_store):
    from index.library import Library

    hongze = {f.value for f in Library(mixed_store).facts(file="hongze_2024.pdf")
              if f.table == "依申请公开" and f.row == "本年新收" and f.column == "总计"}
    ans = mixed.ask("2024年平潭综合实验区和洪泽区新收政府信息公开申请分别多少件？")
    assert "未能读取" in ans.text and "平潭" in ans.text, ans.text
    assert all(c.file == "hongze_2024.pdf" for c in ans.citations), ans.citations
    if ans.citations:  # 洪泽区 is answered from its own table, and only that
        assert any(str(int(v)) in ans.text for v in hongze), (ans.text, hongze)
    assert ans.unverified_numbers == []
    _staff_clean(ans.text)


def test_trend_of_an_unreadable_agency_uses_no_other_report(mixed):
    ans = mixed.ask("平潭综合实验区历年新收政府信息公开申请的变化趋势？")
    assert "未能读取" in ans.text, ans.text
    assert all(c.file == "pingtan_damaged.txt" for c in ans.citations), ans.citations
    assert not re.search(r"\d+件", ans.text), ans.text
    _staff_clean(ans.text)


def test_an_agency_not_held_is_refused_though_its_year_is(mixed):
    for q in ("2024年雄安新区新收政府信息公开申请多少件？", "2024年某某县财政局新收政府信息公开申请多少件？"):
        ans = mixed.ask(q)
        assert ans.refused and ans.citations == [] and "库中没有" in ans.text, (q, ans.text)
        assert not re.search(r"\d+件", ans.text), ans.text
        assert "发布机关未能识别的报告" in ans.text  # the holdings list names the unnamed report in words
        _staff_clean(ans.text)


def test_a_follow_up_naming_another_agency_is_not_answered_for_the_first(mixed):
    first = "2024年洪泽区新收政府信息公开申请多少件？"
    ans = mixed.ask("那雄安新区呢？", history=[first])
    assert ans.refused and ans.citations == [], ans.text


def test_unnamed_report_found_by_its_title_is_named_not_used(mixed_store, tmp_path):
    """A readable report whose publisher the library does not know (agency cleared, as metadata leaves it):
    a question naming that publisher is told which report was found and why it is not used."""
    from assistant.answering.answer import Assistant
    from index import db

    store = tmp_path / "store"
    shutil.copytree(mixed_store, store)
    con = db.connect(store / "library.sqlite")
    with con:
        con.execute("UPDATE reports SET agency = NULL, region = NULL, level = NULL WHERE file = 'pingtan_damaged.txt'")
    con.close()
    a = Assistant(store, llm="none", log=False).warm_up()
    ans = a.ask("2024年平潭综合实验区新收政府信息公开申请多少件？")
    assert ans.refused and ans.citations == [], ans.text
    assert "《平潭综合实验区2024年度政府信息公开工作年度报告》" in ans.text and "发布机关" in ans.text, ans.text
    _staff_clean(ans.text)


def test_a_number_inside_a_run_of_cells_is_not_grounded():
    from assistant.answering.verify import verify

    src = {1: ["（一）行政规范性文件6233440规章000"]}
    assert verify("规范性文件6233440件[1]", [], cited_passages=src).unverified == ["6233440"]
    assert verify("规范性文件623件[1]", [], cited_passages=src).unverified == ["623"]
    assert verify("报告原文称规范性文件623件[1]", [], cited_passages=src).unverified == ["623"]
    # quoted verbatim, the run is the report's own text, not a figure the answer states
    assert verify("报告原文：“行政规范性文件6233440规章000”[1]", [], cited_passages=src).ok


def test_a_cited_cell_grounds_its_value_not_its_whole_line():
    """A crawler's page is one line: citing one cell must not make every number on that line grounded."""
    from assistant.answering.compose import Citations
    from assistant.answering.verify import verify
    from index.records import Citation

    line = "一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量000000"
    cites = Citations(sources=None, reports=[])
    cites.items.append(Citation(n=1, file="p.txt", agency="甲", year=2024, kind="cell", quote=line, line_start=11,
                                line_end=11, table="依申请公开", row="本年新收", column="总计", value=218))
    assert verify("新收申请218件[1]", [], cited_sources=cites.by_number()).ok
    assert verify("新收申请21710000218件[1]", [], cited_sources=cites.by_number()).unverified == ["21710000218"]


def test_verifier_does_not_flag_the_template_category_words():
    """Issue 16: "六" was flagged in "六类申请人之和" (the audit's own label of a balance rule)."""
    from assistant.answering.verify import verify

    res = verify("注意：该报告表格自身的勾稽关系不平（依申请公开/本年新收）：总计列 = 5，六类申请人之和 = 4，相差1。", [],
                 computed=[5, 4, 1])
    assert res.ok, res.unverified
    assert verify("召开新闻发布会六场。", []).unverified == ["六"]  # a real count in words is still checked
