"""The citation panel (assistant/ui/source_view.py, render.cell_row / page_view): real answers on real stores —
a PDF report (hongze_2024.pdf) shows the printed page with the cited cell or passage boxed above the text view;
a text report shows the text view only, as before; a page that cannot be shown says why in Chinese and the text
view still shows. The scanned report's page is in tests/test_source_view_browser.py (its OCR is slow)."""
from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pytest

from assistant.ui import render
from assistant.ui.services import Services
from assistant.ui.source_view import source_panel

ROOT = Path(__file__).resolve().parent.parent
HASHED = "007_1a2b3c4d5e6f7a8b.pdf"  # a file name like the downloaded reports': staff must never see it
IMG = re.compile(r'<img class="(nb-page-\w+)"[^>]*src="data:image/png;base64,([^"]+)"')


def _images(html: str) -> dict:
    from PIL import Image

    return {cls: Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB") for cls, b64 in IMG.findall(html)}


def _red(img) -> int:
    import numpy as np

    a = np.asarray(img).astype(int)
    return int(((a[..., 0] > 170) & (a[..., 1] < 90) & (a[..., 2] < 90)).sum())


def _visible(html: str) -> str:
    """The panel's text as shown: tags, attributes (the file name on hover) and image data dropped."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture(scope="module")
def pdf_svc(tmp_path_factory):
    from index.pipeline import Ingestor

    d = tmp_path_factory.mktemp("svpdf")
    src = d / HASHED
    shutil.copy(ROOT / "data" / "real-pdf" / "hongze_2024.pdf", src)
    assert Ingestor(d / "store").ingest([src])[0].status in ("ok", "warning")
    src.unlink()  # the store's own copy is what is shown
    return Services(d / "store", llm="none")


def _ask(svc, q):
    return svc.assistant("none").ask(q).to_dict()["citations"]


def test_a_cited_pdf_cell_shows_its_row_and_the_boxed_page(pdf_svc):
    cites = _ask(pdf_svc, "2024年洪泽区人民政府新收政府信息公开申请多少件？")
    c = next(c for c in cites if c["kind"] == "cell" and c["column"] == "总计")
    html = source_panel(pdf_svc, c)
    # the row with its labels, not the bare digits of the line it was read from
    assert "依申请公开 · 本年新收 · 总计 = <b>95</b>" in html
    row = html.split('class="nb-cell-row"')[1].split("</table>")[0]
    assert "<th>自然人</th>" in row and "<mark>95</mark>" in row and row.count("<td") == 7
    assert c["quote"] not in html  # '一、本年新收政府信息公开申请数量 95 0 0 0 0 0 95'
    imgs = _images(html)
    assert set(imgs) == {"nb-page-zoom", "nb-page-full"}
    assert _red(imgs["nb-page-zoom"]) > 100 and _red(imgs["nb-page-full"]) > 50
    assert f"原件第{c['page']}页" in html and "整张表" in html and '<td class="nb-hit">95</td>' in html
    text = _visible(html)
    assert HASHED not in text and not re.search(r"[A-Za-z]{3,}", text.replace("nb-", ""))


def test_a_cited_pdf_passage_shows_the_boxed_page_above_its_lines(pdf_svc):
    cites = _ask(pdf_svc, "2024年洪泽区人民政府新收政府信息公开申请多少件？")
    c = next(c for c in cites if c["kind"] == "passage")
    html = source_panel(pdf_svc, c)
    assert html.index("nb-page-zoom") < html.index("文字版原文") < html.index("nb-cited")
    assert "<mark>" in html and _red(_images(html)["nb-page-zoom"]) > 100


def test_a_page_that_cannot_be_shown_says_why_and_the_text_still_shows(pdf_svc, tmp_path):
    cites = _ask(pdf_svc, "2024年洪泽区人民政府新收政府信息公开申请多少件？")
    c = dict(next(c for c in cites if c["kind"] == "passage"), page=99)
    html = source_panel(pdf_svc, c)
    assert "没有第99页（共5页）" in html and "<img" not in html
    assert "文字版原文" in html and "<mark>" in html and HASHED not in _visible(html)
    # the stored copy gone (a fresh app, nothing rendered yet): the page cannot be shown, the table still can
    svc = Services(pdf_svc.store_dir, llm="none")
    stored = svc.library().source_path(c["file"])
    moved = tmp_path / "away.pdf"
    shutil.move(stored, moved)
    try:
        cell = next(x for x in cites if x["kind"] == "cell")
        html = source_panel(svc, cell)
        assert "<img" not in html and "原件副本" in html and '<td class="nb-hit">' in html
        assert HASHED not in _visible(html)
    finally:
        shutil.move(moved, stored)


def test_a_text_report_shows_its_lines_as_before(built_store):
    svc = Services(built_store, llm="none")
    cites = _ask(svc, "福建省人社厅如何推进政策解读？")
    c = next(c for c in cites if c["kind"] == "passage")
    html = source_panel(svc, c)
    assert "<img" not in html and "无法显示" not in html and "nb-cited" in html and "<mark>" in html
    cites = _ask(svc, "2020年福建省人社厅新收政府信息公开申请多少件？")
    html = source_panel(svc, cites[0])
    assert "<img" not in html and "<mark>68</mark>" in html and '<td class="nb-hit">68</td>' in html


def test_scan_citations_say_so():
    c = {"n": 2, "file": "x.pdf", "agency": "淮安市人民政府", "year": 2024, "kind": "cell", "table": "依申请公开",
         "row": "本年新收", "column": "总计", "value": 3119, "line_start": 14, "page": 4, "quote": "",
         "scan": "扫描件识别 第4页 框(1032,966,1071,989)"}
    assert render.citation_choice(c).endswith("扫描件识别")
    assert "扫描件识别" in render.table_panel(c, [])
