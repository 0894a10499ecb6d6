"""The 数据 tab's charts as matplotlib figures for gr.Plot: applications per report, 复议/诉讼 per report, the
办理结果 mix, and a per-agency trend over the years the library holds.

The figures follow the 简报's charts (assistant/brief/charts.py): the same CJK font, palette and the one scale
rule (over 20× apart: a log axis that says so). Every bar and point carries its value, because a log axis
or a stacked share cannot be read off the axis. Quantities are the lexicon's (the table rows a figure adds up),
read through Services.facts, so a chart shows exactly the cells an answer would cite.

gr.Plot saves the figure after the handler returns, outside any rc_context: each figure is drawn once inside
the context so its tick labels are created with the CJK font (later ticks copy the first one's font).
"""
from __future__ import annotations

import math
import textwrap
from functools import lru_cache
from typing import Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from assistant.brief.charts import PALETTE, scale_axis, style, wide_range  # noqa: E402
from index.naming import short_agency  # noqa: E402

# picker label -> lexicon quantity id
TREND = {"本年新收": "新收申请", "予以公开": "予以公开", "部分公开": "部分公开", "不予公开": "不予公开",
         "办理总计": "办理总计", "结转下年度继续办理": "结转下年", "行政复议": "行政复议", "行政诉讼": "行政诉讼"}
OUTCOMES = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]  # lexicon ids, the template's order
REVIEW = ["行政复议", "行政诉讼"]
SEGMENT_LABEL_MIN = 0.08  # a stacked segment under 8% of its bar is too thin for its number


@lru_cache(maxsize=1)
def _lexicon():
    from assistant.answering.lexicon import load_lexicon

    return load_lexicon()


def per_report(svc, qid: str) -> list[tuple[Optional[str], Optional[int], float]]:
    """(agency, year, value) per current report for one lexicon quantity: the sum of its rows' cells in its
    first column; a report whose cells are all unread is left out rather than shown as 0."""
    q = _lexicon().quantities[qid]
    sums: dict[str, list] = {}
    for f in svc.facts(table=q.table, column=q.columns[0]):
        row = f["row_name"]
        if not (row in q.rows or (q.row_prefix and row.startswith(q.row_prefix))) or f["value"] is None:
            continue
        s = sums.setdefault(f["file"], [f["agency"], f["year"], 0.0])
        s[2] += float(f["value"])
    return [tuple(v) for v in sums.values()]


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def wrap_name(name: str, width: int = 7) -> list[str]:
    """A long agency name on two lines, cut after its region (淮安市洪泽区 / 人民政府) rather than mid-word."""
    if len(name) <= width:
        return [name]
    cuts = [i + 1 for i, ch in enumerate(name[:-2]) if ch in "省市区县州旗盟"]
    if cuts:
        return [name[: cuts[-1]]] + wrap_name(name[cuts[-1]:], width)
    return textwrap.wrap(name, width)


def _report_label(agency, year) -> str:
    # a long name wraps instead of running into its neighbour's; the year on its own line
    return "\n".join(wrap_name(short_agency(agency)) + [f"{year}年" if year else "年度未识别"])


def _figure(n_groups: int, height: float = 3.6) -> tuple[Figure, "matplotlib.axes.Axes"]:
    fig = Figure(figsize=(min(max(6.4, 1.0 * n_groups + 2.0), 14.0), height), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(ax, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "暂无数据", ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def _label_at(ax, x: float, v: float, text: str, log_scale: bool) -> None:
    y = v if v > 0 or not log_scale else ax.get_ylim()[0]  # a zero on a log axis sits on the axis
    ax.annotate(text, (x, y), ha="center", va="bottom", xytext=(0, 2), textcoords="offset points", fontsize=9)


def _integer_axis(ax, values, log_scale: bool) -> None:
    if not log_scale:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if not any(values):
            ax.set_ylim(0, 1)  # all zeros: keep a visible axis for the 0 labels
    ax.margins(y=0.18)


def _ticks(ax, positions, labels) -> None:
    ax.set_xticks(list(positions), labels)
    if len(labels) > 8:
        ax.tick_params(axis="x", labelrotation=30)
        for t in ax.get_xticklabels():
            t.set_ha("right")


def _done(fig: Figure) -> Figure:
    fig.draw_without_rendering()  # inside rc_context: tick labels get the CJK font now
    return fig


def agency_colors(agencies) -> dict[str, str]:
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(sorted({short_agency(a) for a in agencies}))}


def applications_figure(svc, title: str = "本年新收政府信息公开申请（件）") -> Figure:
    """One bar per report, coloured by agency, its value on top."""
    rows = per_report(svc, "新收申请")
    with plt.rc_context(style()):
        fig, ax = _figure(len(rows))
        if not rows:
            _empty(ax, title)
            return _done(fig)
        colors = agency_colors(a for a, _, _ in rows)
        values = [v for _, _, v in rows]
        ax.bar(range(len(rows)), values, color=[colors[short_agency(a)] for a, _, _ in rows])
        log_scale = scale_axis(ax, values)
        _integer_axis(ax, values, log_scale)
        for i, v in enumerate(values):
            _label_at(ax, i, v, _num(v), log_scale)
        _ticks(ax, range(len(rows)), [_report_label(a, y) for a, y, _ in rows])
        ax.set_title(title)
        return _done(fig)


def review_figure(svc, title: str = "行政复议与行政诉讼（件）") -> Figure:
    """Two bars per report (行政复议, 行政诉讼 = 未经复议直接起诉 + 复议后起诉), each with its value."""
    series = {k: {(a, y): v for a, y, v in per_report(svc, k)} for k in REVIEW}
    keys = list(dict.fromkeys(k for s in series.values() for k in s))
    with plt.rc_context(style()):
        fig, ax = _figure(len(keys))
        if not keys:
            _empty(ax, title)
            return _done(fig)
        width = 0.38
        values = [s.get(k, 0.0) for s in series.values() for k in keys]
        for j, (name, s) in enumerate(series.items()):
            ax.bar([i + (j - 0.5) * width for i in range(len(keys))], [s.get(k, 0.0) for k in keys], width,
                   label=name, color=PALETTE[j])
        log_scale = scale_axis(ax, values)
        _integer_axis(ax, values, log_scale)
        for j, s in enumerate(series.values()):
            for i, k in enumerate(keys):
                if k in s:
                    _label_at(ax, i + (j - 0.5) * width, s[k], _num(s[k]), log_scale)
        _ticks(ax, range(len(keys)), [_report_label(a, y) for a, y in keys])
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        return _done(fig)


def outcomes_figure(svc, title: str = "申请办理结果构成") -> Figure:
    """Stacked 办理结果 per report with the report's total on top. Totals over 20× apart (the one scale rule)
    are shown as shares of each report, and the axis says so: a log scale cannot stack."""
    parts = {k: {(a, y): v for a, y, v in per_report(svc, k)} for k in OUTCOMES}
    keys = list(dict.fromkeys(k for s in parts.values() for k, v in s.items()))
    totals = [sum(s.get(k, 0.0) for s in parts.values()) for k in keys]
    keep = [i for i, t in enumerate(totals) if t > 0]
    keys, totals = [keys[i] for i in keep], [totals[i] for i in keep]
    with plt.rc_context(style()):
        fig, ax = _figure(len(keys), height=4.0)
        if not keys:
            _empty(ax, title)
            return _done(fig)
        shares = wide_range(totals)
        bottom = [0.0] * len(keys)
        for j, (name, s) in enumerate(parts.items()):
            raw = [s.get(k, 0.0) for k in keys]
            shown = [100.0 * v / t for v, t in zip(raw, totals)] if shares else raw
            if not any(raw):
                continue
            ax.bar(range(len(keys)), shown, bottom=bottom, label=name, color=PALETTE[j % len(PALETTE)])
            top = 100.0 if shares else max(totals)
            for i, (v, h) in enumerate(zip(raw, shown)):
                if v and h / top >= SEGMENT_LABEL_MIN:
                    ax.text(i, bottom[i] + h / 2, _num(v), ha="center", va="center", fontsize=8, color="white")
            bottom = [b + h for b, h in zip(bottom, shown)]
        for i, (t, b) in enumerate(zip(totals, bottom)):
            _label_at(ax, i, b, f"共{_num(t)}件", False)
        if shares:
            ax.set_ylabel("占本报告办理结果的比例（%）")
            ax.set_ylim(0, 110)  # room for the totals above the full bars
            ax.set_yticks(range(0, 101, 20))
            title += "（各报告件数相差超过20倍，按比例显示）"
        else:
            ax.set_ylabel("件")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.margins(y=0.12)
            title += "（件）"
        _ticks(ax, range(len(keys)), [_report_label(a, y) for a, y in keys])
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        return _done(fig)


def trend_series(svc, label: str) -> tuple[list[int], dict[str, dict[int, float]]]:
    """(the library's years, short agency name -> {year: value}) for a picker label."""
    years = list(svc.years())
    lines: dict[str, dict[int, float]] = {}
    for agency, year, v in per_report(svc, TREND[label]):
        if year:
            lines.setdefault(short_agency(agency), {}).setdefault(int(year), v)
    return years, lines


def trend_figure(svc, label: str = "本年新收") -> Figure:
    """One line per agency over the years the library holds; a year without its report is a gap, not a 0."""
    years, lines = trend_series(svc, label)
    title = f"{label}：各机关历年变化（件）"
    with plt.rc_context(style()):
        fig, ax = _figure(len(years) + 2, height=3.8)
        if not lines:
            _empty(ax, title)
            return _done(fig)
        colors = agency_colors(lines)
        values = [v for pts in lines.values() for v in pts.values()]
        for name, pts in lines.items():
            ax.plot(years, [pts.get(y, math.nan) for y in years], marker="o", label=name, color=colors[name])
        log_scale = scale_axis(ax, values)
        _integer_axis(ax, values, log_scale)
        for name, pts in lines.items():
            for y, v in pts.items():
                _label_at(ax, y, v, _num(v), log_scale)
        ax.set_xticks(years, [f"{y}年" for y in years])
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        return _done(fig)
