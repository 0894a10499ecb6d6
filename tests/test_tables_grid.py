"""Lines → cells and table regions (index/tables/grid.py), on the real samples."""
from pathlib import Path

from index.loaders import load
from index.records import Document, Line
from index.tables.grid import find_regions, grid_lines

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _doc(lines, cells=None):
    return Document("t.txt", "t.txt", "", "txt",
                    [Line(t, i + 1, cells=(cells or {}).get(i)) for i, t in enumerate(lines)])


def test_layouts_become_label_and_value_cells():
    doc = _doc(["规范性文件\t11\t11\t23", "规章 | 0 | 0 | 0 | |", "行政许可 5 -1 0", "\t\u300021",
                "- 3 -", "2020 年，我厅收到和处理政府信息公开申请情况见下图。", "（七）总计5210000153"])
    g = grid_lines(doc)
    assert [c.printed for c in g[0].texts] == ["规范性文件"] and [c.value for c in g[0].values] == [11, 11, 23]
    assert [c.kind for c in g[1].values] == ["zero", "zero", "zero", "empty", "empty"]
    assert [c.value for c in g[2].values] == [5, -1, 0]
    assert [c.value for c in g[3].values] == [21]  # one cell per line: the tab is indentation
    assert g[4].blank  # a page footer is no cell
    assert not g[5].values  # prose carries no cells
    assert g[6].texts[0].printed == "（七）总计" and g[6].values[0].printed == "5210000153"


def test_docx_html_rows_use_their_cells():
    doc = _doc(["", "x"], cells={0: ["", "", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]})
    g = grid_lines(doc)[0]
    assert [c.printed for c in g.texts] == ["1.属于国家秘密"] and len(g.values) == 7


def test_regions_of_each_sample_are_ordered_and_found():
    for p in sorted(SAMPLE.glob("*.txt")):
        r = find_regions(load(p))
        assert r.t1 and r.t2 and r.t3, p.name
        assert r.t1[0] < r.t2[0] < r.t3[0] < r.t3[1], p.name


def test_prose_mentions_do_not_open_a_table():
    # 厦门 2020 names every part in one long sentence of its preamble (line 5)
    r = find_regions(load(SAMPLE / "001_0c9ceee508d7cea1.txt"))
    assert r.t2[0] + 1 == 81


def test_wrapped_prose_mentioning_the_headings_does_not_open_a_table():
    doc = _doc(["一、总体情况", "我厅按照《条例》第二十条的规定，", "收到和处理政府信息公开申请情况良好",
                "办理行政许可共计 95", "二、主动公开政府信息情况", "第二十条第（五）项", "行政许可\t5\t0\t19",
                "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1"])
    r = find_regions(doc)
    assert r.t1[0] == 4 and r.t2[0] == 7


def test_a_long_label_with_its_numbers_is_a_row_not_prose():
    doc = _doc(["（六）其他处理 1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请（含补正） 67 3 0 0 1 0 71",
                "全年共收到申请若干件，均在法定期限内答复，未发生因政府信息公开引起的行政复议和行政诉讼案件 12 3 4"
                "。"])
    g = grid_lines(doc)
    assert [c.value for c in g[0].values] == [67, 3, 0, 0, 1, 0, 71]
    assert not g[1].values
