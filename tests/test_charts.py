"""Charts: drawn with a CJK font from Debian when one is installed, still drawn (with a warning) without one."""
from __future__ import annotations

import warnings

import pytest
from matplotlib import font_manager

from assistant.brief import charts

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_cjk_font_is_found():
    charts.find_cjk_font.cache_clear()
    fam = charts.find_cjk_font()
    assert fam and ("CJK" in fam or "Hei" in fam)


def test_bar_chart_writes_a_png(tmp_path):
    p = charts.bar_chart(["山东省人社厅", "江苏省人社厅", "福建省人社厅"], [159, 129, 52], "本年新收申请（件）",
                         tmp_path / "bar.png")
    data = p.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000


def test_stacked_chart_writes_a_png(tmp_path):
    p = charts.stacked_chart(["2019年", "2020年"], {"予以公开": [34, 39], "部分公开": [2, 24], "无法提供": [16, 6]},
                             "办理结果构成（件）", tmp_path / "stack.png")
    assert p.read_bytes().startswith(PNG)


def test_no_cjk_font_warns_and_still_draws(tmp_path, monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if "DejaVu" in f.name])
    charts.find_cjk_font.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="fonts-noto-cjk"):
            assert charts.find_cjk_font() is None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert charts.bar_chart(["a"], [1], "t", tmp_path / "x.png").exists()
    finally:
        charts.find_cjk_font.cache_clear()


def test_one_large_agency_does_not_flatten_the_rest(tmp_path, monkeypatch):
    seen = {}
    real = charts._finish

    def spy(fig, ax, title, path):
        seen["scale"] = ax.get_yscale()
        seen["labels"] = [t.get_text() for t in ax.texts]
        return real(fig, ax, title, path)
    monkeypatch.setattr(charts, "_finish", spy)
    charts.bar_chart(["淮安市政府", "洪泽区政府", "福建省人社厅"], [3119, 95, 52], "本年新收申请（件）", tmp_path / "a.png")
    assert seen["scale"] == "log" and seen["labels"] == ["3119", "95", "52"]  # every bar keeps its value label
    charts.bar_chart(["山东省人社厅", "江苏省人社厅"], [159, 129], "本年新收申请（件）", tmp_path / "b.png")
    assert seen["scale"] == "linear"
