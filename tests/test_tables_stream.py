"""Run-together tables: the token-stream re-lining (index/tables/stream.py) and table 1's run splitting
(index/tables/runs.py), on the real dev report's crawler text and on rows as real pages print them."""
from __future__ import annotations

from index.records import Document, Line
from index.tables.numbers import parse_cell
from index.tables.runs import prose_numbers, read_run
from index.tables.stream import reline


def _doc(*texts: str) -> Document:
    return Document("x.txt", "x.txt", "0", "txt", [Line(t, i + 1) for i, t in enumerate(texts)])


def test_one_line_body_is_cut_before_every_row_label():
    body = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
            "行政规范性文件6233440三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计"
            "一、本年新收政府信息公开申请数量21710000218（三）不予公开1.属于国家秘密40000042.其他法律行政法规"
            "禁止公开0000000（七）总计21710000218四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持"
            "尚未审结总计21317000001324019五、存在的主要问题及改进情况无。")
    lines = [ln.text for ln in reline(_doc("标题", body)).lines]
    assert "规章000" in lines and "行政规范性文件6233440" in lines
    # the sub-row's numbering "2." is the next label's, not the last digit of the row before
    assert "1.属于国家秘密4000004" in lines and "2.其他法律行政法规禁止公开0000000" in lines
    assert "（七）总计21710000218" in lines
    # a header run followed by the table's digits: the digits stand alone as the values row
    assert "21317000001324019" in lines
    assert all(ln.line == 2 for ln in reline(_doc("标题", body)).lines[1:])


def test_ordinary_lines_are_not_relined():
    doc = _doc("（一）予以公开\t35\t2\t0\t0\t0\t2\t39", "一、本年新收政府信息公开申请数量 63 3 0 0 0 2 68",
               "全年新收申请68件，予以公开39件。")
    assert reline(doc) is doc


def test_run_split_by_prose_then_evenness_and_marked_uncertain():
    cells = [parse_cell("6233440", 0)]
    r = read_run(cells, ("本年制发件数", "本年废止件数", "现行有效件数"), {62})
    assert r.values == [62, 33, 440]
    assert 0 not in r.uncertain and r.uncertain  # 62 is stated in the prose; the rest is a best reading


def test_signed_change_only_in_its_column_and_never_below_zero_items():
    cells = [parse_cell("19", 0), parse_cell("-55652", 0)]
    r = read_run(cells, ("上一年项目数量", "本年增/减", "处理决定数量"), set())
    # 19 items cannot lose 56 or 565: only -5 leaves a possible count
    assert r.values == [19, -5, 5652] and not r.uncertain


def test_stock_not_below_made():
    r = read_run([parse_cell("4411", 0)], ("本年新制作数量", "本年新公开数量", "对外公开总数量"), set())
    assert r.values == [4, 4, 11] and not r.uncertain


def test_money_decimals_stay_with_the_amount():
    r = read_run([parse_cell("276659425.34", 0)], ("采购项目数量", "采购总金额(元)"), set())
    assert r.values[1] != int(r.values[1])  # .34 belongs to the amount, never to the count
    assert r.uncertain


def test_prose_numbers_near_the_row_word():
    text = "本年度制发行政规范性文件62件，并同步做好全真版上传等工作。全年办理申请218件。"
    assert 62 in prose_numbers(text, ("规范性文件",)) and 218 not in prose_numbers(text, ("规范性文件",))


def test_a_number_with_its_note_is_a_number():
    c = parse_cell("55（含自然失效 29 件）", 0)
    assert c.kind == "number" and c.value == 55
