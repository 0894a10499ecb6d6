"""Charts for the 简报 (matplotlib, Agg backend, PNG files).

Chinese labels need a CJK font: we look for one Debian ships (fonts-noto-cjk, fonts-wqy-microhei/zenhei,
…) through matplotlib's font manager. Without one the chart is still drawn and a warning says so, because
the labels would come out as empty boxes.
"""
from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

log = logging.getLogger(__name__)

# Families in order of preference; the first installed one wins.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "AR PL UMing CN", "Droid Sans Fallback")
PALETTE = ("#1f5fa8", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4a017")


@lru_cache(maxsize=1)
def find_cjk_font() -> Optional[str]:
    """The family name of an installed CJK font, or None (with a warning)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in names:
            return fam
    for f in font_manager.fontManager.ttflist:  # any other CJK family, e.g. a newly installed one
        if "CJK" in f.name or "Hei" in f.name or "Song" in f.name:
            return f.name
    warnings.warn("No CJK font found for charts (install fonts-noto-cjk): Chinese labels will show as boxes.",
                  RuntimeWarning, stacklevel=2)
    return None


def style() -> dict:
    """matplotlib rc settings with the CJK font (for plt.rc_context)."""
    fam = find_cjk_font()
    rc = {"axes.unicode_minus": False, "font.size": 10}
    if fam:
        rc["font.family"] = [fam, "DejaVu Sans"]
    return rc


def _finish(fig, ax, title: str, path: Path) -> Path:
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, path: Path | str,
              unit: str = "件") -> Path:
    """One bar per label with its value printed on top."""
    path = Path(path)
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.4))
        bars = ax.bar(list(labels), list(values), color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))])
        for b, v in zip(bars, values):
            ax.annotate(_num(v), (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom",
                        xytext=(0, 2), textcoords="offset points")
        scale_axis(ax, values, unit)
        ax.margins(y=0.15)
        ax.tick_params(axis="x", labelrotation=20 if max(map(len, labels), default=0) > 6 else 0)
        return _finish(fig, ax, title, path)


def wide_range(values: Sequence[float], ratio: float = 20.0) -> bool:
    """Values that differ by more than `ratio` between the largest and the smallest non-zero one."""
    pos = [float(v) for v in values if v and v > 0]
    return len(pos) >= 2 and max(pos) / min(pos) > ratio


def scale_axis(ax, values: Sequence[float], unit: str = "件", axis: str = "y") -> bool:
    """The one scale rule for amounts shown side by side (the 简报 and the 数据 tab): over 20× apart, a log
    axis that says so, because one large agency would flatten the rest to slivers. True when log."""
    log_scale = wide_range(values)
    set_scale, set_label = (ax.set_yscale, ax.set_ylabel) if axis == "y" else (ax.set_xscale, ax.set_xlabel)
    if log_scale:
        set_scale("log")
        set_label(f"{unit}（对数刻度）")
        # 1, 10, 100, 1000 as staff write them, not 10⁰ … 10³
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        low = max(min(float(v) for v in values if v and v > 0) / 2, 0.5)
        if axis == "y":
            ax.set_ylim(bottom=low)
        else:
            ax.set_xlim(left=low)
    else:
        set_label(unit)
    return log_scale


def stacked_chart(groups: Sequence[str], series: dict[str, Sequence[float]], title: str, path: Path | str,
                  unit: str = "件") -> Path:
    """Stacked bars: one bar per group (year or agency), one colour per series (e.g. 办理结果)."""
    path = Path(path)
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        bottom = [0.0] * len(groups)
        for i, (name, vals) in enumerate(series.items()):
            vals = [float(v or 0) for v in vals]
            ax.bar(list(groups), vals, bottom=bottom, label=name, color=PALETTE[i % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, vals)]
        for x, total in enumerate(bottom):
            ax.annotate(_num(total), (x, total), ha="center", va="bottom", xytext=(0, 2), textcoords="offset points")
        ax.set_ylabel(unit)
        ax.margins(y=0.12)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _finish(fig, ax, title, path)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"
