"""assistant/ui/charts_view.py: the 数据 tab's figures on the real sample store and on two real PDFs 30× apart
(淮安市人民政府 3119 beside 洪泽区 95): a value on every bar and point, the 简报's log rule, one trend line per
agency with the library's years and values, tick labels in the CJK font, nothing outside the figure."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.brief.charts import find_cjk_font
from assistant.ui import charts_view as cv
from assistant.ui.services import Services
from index.naming import short_agency

REAL = Path(__file__).resolve().parents[1] / "data" / "real-pdf"
FUJIAN = "福建省人力资源和社会保障厅"


@pytest.fixture(scope="module")
def svc(built_store):
    return Services(built_store)


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """淮安 2024 and 洪泽 2024, the real PDFs, in a store of their own."""
    from index.pipeline import Ingestor

    files = [REAL / "huaian_2024.pdf", REAL / "hongze_2024.pdf"]
    if not all(f.exists() for f in files):
        pytest.skip("real PDFs missing")
    store = tmp_path_factory.mktemp("wide") / "store"
    results = Ingestor(store).ingest(files)
    assert all(r.status != "error" for r in results), [(r.file, r.reason) for r in results]
    return Services(store)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _inside(fig) -> None:
    """Every tick label, title and legend within the saved figure (gr.Plot saves without bbox_inches)."""
    fig.canvas.draw()
    box = fig.bbox
    ax = fig.axes[0]
    lo, hi = sorted(ax.get_ylim())
    shown = [t for t in ax.get_yticklabels() if lo <= t.get_position()[1] <= hi]  # ticks past the limits are not drawn
    for t in ax.get_xticklabels() + shown + [ax.title, ax.yaxis.label]:
        if t.get_text():
            e = t.get_window_extent()
            assert e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1 and e.y1 <= box.y1 + 1, t.get_text()
    if ax.get_legend():
        e = ax.get_legend().get_window_extent()
        assert e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1


def _cjk(fig) -> None:
    fam = find_cjk_font()
    if fam:
        fig.canvas.draw()  # as gr.Plot does, outside the rc_context
        assert fam in fig.axes[0].get_xticklabels()[0].get_fontfamily()


def test_applications_label_every_bar_and_stay_linear_when_close(svc, library):
    fig = cv.applications_figure(svc)
    ax = fig.axes[0]
    facts = library.facts(table="依申请公开", row="本年新收", column="总计")
    assert len(ax.patches) == len(facts)
    assert sorted(_texts(ax)) == sorted(cv._num(f.value) for f in facts)
    assert "68" in _texts(ax) and "52" in _texts(ax)  # 福建 2020, 2019
    assert ax.get_yscale() == "linear"  # the samples are within 20×
    _inside(fig)
    _cjk(fig)


def test_wide_range_goes_log_and_says_so(wide):
    fig = cv.applications_figure(wide)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "对数刻度" in ax.get_ylabel()
    assert {"3119", "95"} <= set(_texts(ax)) and len(ax.texts) == len(ax.patches) == 2
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any("淮安市人民政府" in t.replace("\n", "") for t in labels) and all("2024年" in t for t in labels)
    assert "淮安市洪泽区\n人民政府\n2024年" in labels  # cut after the region, not mid-word
    _inside(fig)
    mix = cv.outcomes_figure(wide)
    ax = mix.axes[0]
    assert "比例" in ax.get_ylabel() and "按比例显示" in ax.get_title()  # shares: a log axis cannot stack
    assert max(ax.get_yticks()) == 100 and ax.get_ylim()[1] > 100  # the totals above the bars, below the title
    assert sum(t.startswith("共") for t in _texts(ax)) == 2
    _inside(mix)
    trend = cv.trend_figure(wide, "本年新收")
    assert trend.axes[0].get_yscale() == "log"


def test_review_has_a_labelled_bar_per_kind_and_report(svc, library):
    fig = cv.review_figure(svc)
    ax = fig.axes[0]
    reports = {f.file for f in library.facts(table="复议诉讼", column="总计")}
    assert len(ax.patches) == 2 * len(reports)
    assert len(ax.texts) == len(ax.patches)  # a 0 is labelled too
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["行政复议", "行政诉讼"]
    _inside(fig)


def test_outcomes_total_on_every_bar(svc, library):
    fig = cv.outcomes_figure(svc)
    ax = fig.axes[0]
    totals = [t for t in _texts(ax) if t.startswith("共")]
    assert len(totals) == len(ax.get_xticks()) >= 4
    assert ax.get_ylabel() == "件"
    _inside(fig)


@pytest.mark.parametrize("label", ["本年新收", "予以公开", "行政复议", "行政诉讼"])
def test_trend_one_line_per_agency_with_the_librarys_values(svc, library, label):
    fig = cv.trend_figure(svc, label)
    ax = fig.axes[0]
    years = sorted({r.year for r in library.reports() if r.year})
    q = cv._lexicon().quantities[cv.TREND[label]]
    want: dict[str, dict[int, float]] = {}
    for f in library.facts(table=q.table, row=list(q.rows) or None, column=q.columns[0]):
        if f.value is not None and f.year and (f.row in q.rows or (q.row_prefix and f.row.startswith(q.row_prefix))):
            pts = want.setdefault(short_agency(f.agency), {})
            pts[f.year] = pts.get(f.year, 0.0) + f.value
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == set(want) and len(lines) == len(ax.get_lines())
    for name, ln in lines.items():
        assert list(ln.get_xdata()) == years
        got = {x: y for x, y in zip(ln.get_xdata(), ln.get_ydata()) if not math.isnan(y)}
        assert got == want[name], name
    assert len(ax.texts) == sum(len(p) for p in want.values())
    if label == "本年新收":
        assert lines["福建省人社厅"].get_ydata()[years.index(2020)] == 68
    _inside(fig)
    _cjk(fig)
