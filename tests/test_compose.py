"""The composer: exact quotes located in the report files, numbered citations, template answers, refusals,
prompt files, and LLM phrasing with scripted replies."""
from __future__ import annotations

import re

import pytest

from assistant.answering import compose, notes, phrasing, table_tool
from assistant.answering.compose import Citations, SourceFiles, load_prompt, squash
from assistant.answering.question import library_reports, understand
from index.errors import ConfigError


def _flat(s):
    return re.sub(r"\s+", "", s)


def test_locate_maps_a_sentence_to_its_exact_line_span(library):
    src = SourceFiles(library)
    # 002 is a PDF extraction: this sentence is hard-wrapped over two lines
    ls, le, page, quote, _page_end = src.locate("002_6b472aee8860b578.txt", "开发“人社福精灵智能机器人”互动问答系统，通过语音")
    lines = [t for t, n, p in src.lines("002_6b472aee8860b578.txt") if ls <= n <= le]
    assert le >= ls and _flat(quote) in _flat("".join(lines))
    assert quote == squash(quote)


def test_locate_returns_none_for_text_not_in_the_file(library):
    assert SourceFiles(library).locate("002_6b472aee8860b578.txt", "这句话不在报告里") is None


def test_table_citations_quote_the_cell_line(library):
    reports = library_reports(library)
    cites = Citations(SourceFiles(library), reports)
    ta = table_tool.run(understand("2020年福建省人社厅新收政府信息公开申请多少件？", library, reports=reports), library)
    d = compose.table_draft(ta, cites)
    assert "68件[1]" in d.text and d.key_numbers == ["68"]
    [c] = cites.items
    assert c.kind == "cell" and (c.table, c.row, c.column) == ("依申请公开", "本年新收", "总计")
    file_text = _flat("".join(t for t, _n, _p in SourceFiles(library).lines(c.file)))
    assert _flat(c.quote) in file_text and "68" in c.quote


def test_refusal_names_the_holdings(library):
    reports = library_reports(library)
    q = understand("广东省人社厅2020年收到多少申请？", library, reports=reports)
    d = notes.refusal(q, reports, "agency")
    assert d.refused and "广东省人社厅" in d.text and "厦门市人力资源和社会保障局（2020年）" in d.text


def test_prompt_placeholders_are_checked():
    assert "{question}" not in load_prompt("answer_user", question="问", material="[1] 材料")
    with pytest.raises(ConfigError, match="material"):
        load_prompt("answer_user", question="问")
    with pytest.raises(ConfigError, match="missing"):
        load_prompt("no_such_prompt")


def test_llm_messages_carry_numbered_material():
    msgs = phrasing.llm_messages("问题？", phrasing.fact_lines(["2020年新收68件[1]。增加16件（68 − 52 = 16）[1][2]。"]), [])
    assert msgs[0]["role"] == "system" and msgs[-1]["role"] == "user"
    assert "[1] 2020年新收68件。" in msgs[-1]["content"] and "[1][2] 增加16件" in msgs[-1]["content"]


def test_loop_guard_stops_a_repeating_model():
    from assistant.llm.backends import ScriptedBackend

    out = "".join(phrasing.stream_llm(ScriptedBackend(["答案[1]" + "[1]" * 200]), []))
    assert len(out) < 120


def test_holdings_say_when_a_year_is_unknown():
    from assistant.answering.question import ReportInfo

    text = notes.holdings([ReportInfo("a.txt", "甲局", None, None, 2020), ReportInfo("b.txt", "甲局", None, None, None),
                             ReportInfo("c.pdf", None, None, None, None)])
    # an unknown publisher is said in words, not by its file name (often a hash: 001_0c9ceee508d7cea1.txt)
    assert text == "甲局（2020年、年度未知）；发布机关未能识别的报告（年度未知）"


def test_a_quote_does_not_keep_the_pages_line_wrap_inside_chinese_text():
    lines = [("2024 年，市政府网站主动公开各类政", 15, 1), ("府信息 5500 余条。", 16, 1)]
    quote = SourceFiles._exact(lines, 0, 1, "2024年，市政府网站主动公开各类政府信息5500余条。")
    assert quote == "2024 年，市政府网站主动公开各类政府信息 5500 余条。"


def test_a_heading_line_stays_apart_from_the_sentence_after_it():
    lines = [("五、存在的主要问题及改进情况", 32, 5), ("对照上级新要求，还有一些需要加强和改进的", 33, 5), ("地方。", 1, 6)]
    quote = SourceFiles._exact(lines, 0, 2, "五、存在的主要问题及改进情况对照上级新要求，还有一些需要加强和改进的地方。")
    assert quote == "五、存在的主要问题及改进情况 对照上级新要求，还有一些需要加强和改进的地方。"


def test_a_place_in_a_report_is_named_as_staff_cite_it():
    from index.records import span_label

    assert span_label(33, 33, 5) == "第5页第33行"
    assert span_label(33, 35, 5) == "第5页第33–35行"
    assert span_label(33, 1, 5, 6) == "第5页第33行至第6页第1行"  # was '第5页第33–1行'
    assert span_label(120, 122) == "第120–122行"
