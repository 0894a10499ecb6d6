"""assistant/ui/render.py: answer links, citations, highlighted source panels (escaped)."""
from assistant.ui import render


def test_answer_links_only_known_citations_and_escapes_html():
    md = render.answer_markdown("共68件[1]，见[3]<script>x</script>", turn=2, n_citations=1)
    assert 'href="#nb-cite-2-1">[1]</a>' in md
    assert "[3]" in md and "nb-cite-2-3" not in md
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_citation_text_has_title_part_section_line_and_quote():
    t = render.citation_text("福建省人力资源和社会保障厅", 2020, "f.txt", "一、总体情况 > （三）创新公开形式",
                             315, 316, None, "开发“人社福精灵智能机器人”互动问答系统")
    assert t.startswith("《福建省人力资源和社会保障厅2020年政府信息公开工作年度报告》")
    assert "一、总体情况" in t and "（三）创新公开形式" in t and "第315–316行" in t
    assert t.endswith("：“开发“人社福精灵智能机器人”互动问答系统”")
    assert "第3页第7行" in render.citation_text("机关", 2021, "f.pdf", "", 7, 7, 3, "")


def test_highlight_crosses_line_breaks():
    html = render._highlight("开发“人社福\n精灵智能机器人”", "人社福精灵")
    assert "<mark>人社福\n精灵</mark>" in html


def test_passage_panel_marks_quote_and_shows_context():
    lines = [(f"第{i}行文字", i, None) for i in range(1, 21)]
    c = {"n": 1, "file": "f.txt", "agency": "某厅", "year": 2020, "kind": "passage", "quote": "第10行",
         "line_start": 10, "line_end": 10, "section": "一、总体情况"}
    html = render.passage_panel(c, lines)
    assert "<mark>第10行</mark>" in html
    assert "第6行文字" in html and "第14行文字" in html and "第2行文字" not in html


def test_table_panel_highlights_cited_cell():
    facts = [{"tbl": "依申请公开", "row_name": r, "col_name": col, "value": v, "printed": None}
             for r, col, v in [("本年新收", "自然人", 63), ("本年新收", "总计", 68), ("上年结转", "总计", 1)]]
    c = {"n": 1, "file": "f.txt", "agency": "某厅", "year": 2020, "kind": "cell", "table": "依申请公开",
         "row": "本年新收", "column": "总计", "value": 68, "quote": "63 3 0 0 0 2 68", "line_start": 760}
    html = render.table_panel(c, facts)
    assert '<td class="nb-hit">68</td>' in html
    assert html.count("nb-hit\"") == 1
    assert "<mark>68</mark>" in html
