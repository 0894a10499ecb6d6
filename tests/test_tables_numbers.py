"""Cell values, units and run-together digits (index/tables/numbers.py)."""
import pytest

from index.tables.numbers import parse_cell, splits, to_yuan


@pytest.mark.parametrize("text,kind,value,unit", [
    ("\u3000 0", "zero", 0, None), ("5\u3000", "number", 5, None), ("\xa0-2", "number", -2, None),
    ("3435.54万元", "number", 3435.54, "万元"), ("6659425.34 元", "number", 6659425.34, "元"),
    ("1,234", "number", 1234, None), ("", "empty", None, None), ("\xa0", "empty", None, None),
    ("/", "slash", None, None), ("／", "slash", None, None), ("结果 维持", "text", None, None),
    ("１２", "number", 12, None),  # full-width digits
])
def test_parse_cell(text, kind, value, unit):
    c = parse_cell(text, 7)
    assert (c.kind, c.value, c.unit, c.line) == (kind, value, unit, 7)


def test_money_to_yuan():
    assert to_yuan(3435.54, "万元") == 34355400
    assert to_yuan(12178757, "元") == 12178757
    assert to_yuan(96171.6, "万元") == 961716000
    assert to_yuan(None, "万元") is None


def test_splits_of_run_together_digits():
    got = list(splits(["640020470"], 7))
    assert ["64", "0", "0", "2", "0", "4", "70"] in got
    assert all(len(p) == 7 and "".join(p) == "640020470" for p in got)
    assert all(not (x.startswith("0") and x != "0") for p in got for x in p)  # no leading zeros
    assert list(splits(["0000000"], 7)) == [["0"] * 7]


def test_splits_keep_printed_boundaries():
    # "12 34" never yields a piece spanning the space
    assert all("23" not in p for p in splits(["12", "34"], 3))
    assert list(splits(["12", "34"], 2)) == [["12", "34"]]


def test_splits_prune_by_group_sums():
    # huaian 2024's litigation row with its separators lost: 26 digits into 15 cells, three sums
    digits = "72641783735113481261211620"
    sums = [([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)]
    got = list(splits([digits], 15, sums))
    assert ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"] in got
    assert all(sum(map(int, p[0:4])) == int(p[4]) and sum(map(int, p[10:14])) == int(p[14]) for p in got)


def test_change_in_words():
    assert parse_cell("减少2", 0).value == -2 and parse_cell("增加3项", 0).value == 3
    assert parse_cell("减少", 0).kind == "text"
