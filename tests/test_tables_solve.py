"""Readings chosen by the balance rules (index/tables/solve.py)."""
from index.tables.numbers import parse_cell
from index.tables.solve import candidates, choose

SUM7 = [(list(range(6)), 6)]


def cells(*texts):
    return [parse_cell(t, 0) for t in texts]


def test_exact_row_is_read_as_printed():
    r = candidates(cells("31", "1", "0", "0", "0", "0", "32"), 7, SUM7)
    assert [x.values for x in r] == [(31, 1, 0, 0, 0, 0, 32)]


def test_edge_spacers_are_dropped_first():
    # 山东 2019: label, spacer column, values with empties, trailing cell
    r = candidates(cells("", "158", "", "1", "", "", "", "159", ""), 7, SUM7)
    assert r[0].values == (158, 0, 1, 0, 0, 0, 159)
    assert r[0].slots[1].kind == "empty"


def test_extra_cell_ambiguity_is_settled_by_column_rules():
    rows = {"a": candidates(cells("0", "1", "0", "0", "0", "0", "0", "1"), 7, SUM7)}
    assert {x.values for x in rows["a"]} == {(1, 0, 0, 0, 0, 0, 1), (0, 1, 0, 0, 0, 0, 1)}
    want_second = lambda v: int(v["a"][1] == 1)  # noqa: E731  a column rule that needs 商业企业 = 1
    ch = choose(rows, want_second)["a"]
    assert ch.reading.values == (0, 1, 0, 0, 0, 0, 1) and not ch.uncertain_cols


def test_ties_are_kept_but_marked_uncertain():
    rows = {"a": candidates(cells("0", "1", "0", "0", "0", "0", "0", "1"), 7, SUM7)}
    ch = choose(rows, lambda v: 0)["a"]  # no rule can tell the two readings apart
    assert ch.alternatives == 1 and ch.uncertain_cols == {0, 1}


def test_missing_cell_is_inferred_only_when_the_total_confirms_it():
    r = candidates(cells("12", "0", "0", "0", "0", "12"), 7, SUM7)
    assert r[0].row_ok and r[0].values[6] == 12
    assert any(s.cell is None for s in r[0].slots)  # the inferred cell has no printed source


def test_run_together_row():
    r = candidates(cells("640020470"), 7, SUM7)
    assert [x.values for x in r] == [(64, 0, 0, 2, 0, 4, 70)]


def test_inconsistent_row_is_kept_as_printed_and_flagged():
    r = candidates(cells("10", "1", "0", "0", "0"), 5, [([0, 1, 2, 3], 4)])
    assert r[0].values == (10, 1, 0, 0, 0) and not r[0].row_ok
