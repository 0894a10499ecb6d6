"""Labels paired with their value cells (index/tables/rows.py)."""
from index.records import Document, Line
from index.tables.grid import grid_lines
from index.tables.labels import T2, row_specs
from index.tables.rows import bind, find_hits, value_groups

SPECS = row_specs(T2, "2019")


def _bound(lines):
    doc = Document("t.txt", "t.txt", "", "txt", [Line(t, i + 1) for i, t in enumerate(lines)])
    gl = grid_lines(doc)
    rows = bind(gl, find_hits(gl, SPECS), value_groups(gl, 7))
    return {b.spec.name: [c.printed for c in b.group.cells] if b.group else None for b in rows}


def test_values_printed_above_their_wrapped_label():
    # hongze 2023: pdfplumber prints a tall cell's numbers before (or between) the label's pieces
    got = _bound(["（二）部分公开（区分处理的，只计这一情 形，不", "4 0 0 0 0 0 4", "计其他情形）",
                  "1 0 0 0 0 0 1", "1.属于国家秘密", "三 2.其他法律行政止公开 0 0 0 0 0 0 0", "、",
                  "2 0 0 0 0 0 2", "本 3.危及“三安全一稳定”"])
    assert got["部分公开"][0] == "4"
    assert got["不予公开-属于国家秘密"][0] == "1"
    assert got["不予公开-其他法律行政法规禁止公开"][0] == "0"
    assert got["不予公开-危及“三安全一稳定”"][0] == "2"


def test_label_broken_into_pieces_then_values():
    got = _bound(["（三）", "", "不予公", "", "开", "", "1.属于国家秘", "", "密", "", "3 0 0 0 0 0 3"])
    assert got == {"不予公开-属于国家秘密": ["3", "0", "0", "0", "0", "0", "3"]}


def test_label_continued_after_its_numbers_is_one_row():
    # 厦门 2020: "5. 要求行政机关" + values, then "确认或重新出具 已获取信息" with empty cells
    got = _bound(["\t\t5. 要求行政机关\t0\t0\t0\t0\t0\t0\t0", "", "\t确认或重新出具 已获取信息\t\t\t\t\t\t\t\t"])
    assert got == {"不予处理-要求行政机关确认或重新出具已获取信息": ["0"] * 7}


def test_one_cell_per_line_values_form_one_group():
    got = _bound(["\t（七）总计", "\t50", "\t1", "\t0", "\t0", "\t0", "\t1", "\t52", ""])
    assert got == {"总计": ["50", "1", "0", "0", "0", "1", "52"]}


def test_label_column_printed_apart_from_number_column_pairs_in_order():
    labels = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益"]
    nums = [f"{k} 0 0 0 0 0 {k}" for k in (1, 2, 3, 4)]
    got = _bound(labels + ["（说明文字）"] * 10 + nums)
    assert [got[r][0] for r in ("不予公开-属于国家秘密", "不予公开-其他法律行政法规禁止公开",
                                "不予公开-危及“三安全一稳定”", "不予公开-保护第三方合法权益")] == ["1", "2", "3", "4"]


def test_one_cell_per_line_empty_cells_are_tab_lines():
    # zeros left empty in a Word table flattened one cell per line: each empty cell is a lone tab
    got = _bound(["\t（六）其他处理", "\t5", "\t", "\t", "\t", "\t", "\t", "\t5", "", "\t", "\t",
                  "\t1.属于国家秘密", "\t", "\t", "\t", "\t", "\t", "\t", "\t", ""])
    assert got["其他处理"] == ["5", "", "", "", "", "", "5"]
    assert got["不予公开-属于国家秘密"] == [""] * 7  # the two tabs before the label are its spacer columns
