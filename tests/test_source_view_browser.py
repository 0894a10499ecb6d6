"""The source viewer in headless Chromium (issue 15 item 4, issue 14 item 3) against the real app in a subprocess
(`python -m assistant serve`, as README command (a) runs it) on a store holding a real text-layer PDF
(hongze_2024) and a scan of another (huaian_2024 rendered to an image-only PDF, read by real OCR), both under
hash-like file names as downloaded reports have. A question about each is answered with a cited table cell; the
citation's panel shows the page image, which the browser decodes, whose red box surrounds the cited value on the
printed page, and whose text names the report as staff know it: no file name and no English word."""
from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

import scans
from tests.browser import CHROMIUM, AppServer, chromium_page, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium (apt install chromium)")]

REAL = Path(__file__).resolve().parent.parent / "data" / "real-pdf"
TEXT_PDF, SCAN_PDF = "007_1a2b3c4d5e6f7a8b.pdf", "008_9f8e7d6c5b4a3f2e.pdf"
HASH_NAME = re.compile(r"\d{3}_[0-9a-f]{16}|\.pdf")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from index.loaders import ocr
    from index.pipeline import Ingestor

    if not ocr.available():
        pytest.skip("rapidocr-onnxruntime not installed")
    root = tmp_path_factory.mktemp("source_view_browser")
    src = root / "src"
    src.mkdir()
    shutil.copy(REAL / "hongze_2024.pdf", src / TEXT_PDF)
    scans.scan_of(REAL / "huaian_2024.pdf", src / SCAN_PDF)
    with pytest.MonkeyPatch.context() as mp:  # OCR for real: no cached boxes from an earlier run
        mp.setenv("NIANBAO_OCR_CACHE", str(root / "ocr-cache"))
        res = Ingestor(root / "store").ingest(sorted(src.glob("*.pdf")))
    assert [r.status for r in res] == ["ok", "warning"], res  # the scan's warning: 扫描件识别
    for f in src.glob("*.pdf"):
        f.unlink()  # what the app shows is the store's own copy
    server = AppServer(root / "store", root / "home", ["--llm", "none", "--no-first-run"]).start()
    yield server
    server.stop()


def _png(src: str):
    from PIL import Image

    assert src.startswith("data:image/png;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert img.format == "PNG"
    return img.convert("RGB")


def _red_box(img):
    """The drawn box's outline in pixels (x0, y0, x1, y1): the bounding box of the box's red."""
    import numpy as np

    a = np.asarray(img).astype(int)
    red = (a[..., 0] > 170) & (a[..., 1] < 90) & (a[..., 2] < 90)
    ys, xs = np.nonzero(red)
    assert xs.size > 40, "no red box drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _printed_in(pdf: Path, page: int, box_pt) -> str:
    """The characters the original PDF prints inside a box (points), by their centres."""
    import pdfplumber

    x0, y0, x1, y1 = box_pt
    with pdfplumber.open(str(pdf)) as d:
        chars = [c for c in d.pages[page - 1].chars
                 if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and y0 <= (c["top"] + c["bottom"]) / 2 <= y1]
    return "".join(c["text"] for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"]))).replace(" ", "")


def _ask(page, question, answer_has):
    page.locator("#chat-input textarea").fill(question)
    page.locator("#chat-send").click()
    expect(page.locator("#chat-bot .message-row").last).to_contain_text(answer_has, timeout=180_000)


def _check_panel(page, original: Path, value: str, scan: bool, name: str):
    """The open citation's page image: decoded by the browser, its box around `value` on `original`'s page."""
    from index.page_image import DPI

    panel = page.locator("#cite-panel")
    zoom, full = panel.locator("img.nb-page-zoom"), panel.locator("img.nb-page-full")
    expect(zoom).to_be_visible(timeout=60_000)
    assert zoom.evaluate("i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0")  # Chromium decoded it
    panel.locator("details.nb-page-more summary").click()  # 查看整页
    expect(full).to_be_visible()
    assert full.evaluate("i => i.complete && i.naturalWidth > 0")
    _red_box(_png(zoom.get_attribute("src")))
    # the whole page is rendered at DPI: the red outline's inside, in points, holds the printed value
    x0, y0, x1, y1 = _red_box(_png(full.get_attribute("src")))
    inner = tuple(v * 72 / DPI for v in (x0 + 3, y0 + 3, x1 - 3, y1 - 3))
    head = panel.locator(".nb-panel-head").inner_text()
    page_no = int(re.search(r"第(\d+)页", head).group(1))
    assert _printed_in(original, page_no, inner) == value, (inner, head)
    text = panel.inner_text()
    assert f"依申请公开 · 本年新收 · 总计 = {value}" in text
    assert ("扫描件识别" in text) == scan
    assert not HASH_NAME.search(page.locator("body").inner_text()), HASH_NAME.search(page.locator("body").inner_text())
    chat = page.locator("#cite-panel, #cite-list, #chat-bot").all_inner_texts()
    assert not any(ENGLISH.search(t) for t in chat), [ENGLISH.findall(t) for t in chat]
    shot(page, name)


def test_the_cited_cells_page_opens_with_its_box(app):
    with chromium_page() as page:
        page.goto(app.url)
        page.get_by_role("tab", name="问答").wait_for()
        # the scanned report: the answer's one citation is the cell OCR read, opened with the answer
        _ask(page, "2024年淮安市人民政府新收政府信息公开申请多少件？", "3119")
        page.locator("#chat-bot a.nb-cite[href='#nb-cite-0-1']").click()
        _check_panel(page, REAL / "huaian_2024.pdf", "3119", scan=True, name="source_scan")
        # the text-layer report: [1] is the text's 17 that disagrees, [2] the table's 95
        _ask(page, "2024年洪泽区人民政府新收政府信息公开申请多少件？", "95")
        page.locator("#chat-bot a.nb-cite[href='#nb-cite-1-2']").click()
        expect(page.locator("#cite-panel")).to_contain_text("总计 = 95")
        _check_panel(page, REAL / "hongze_2024.pdf", "95", scan=False, name="source_pdf")
        # the passage [1]: the same page view above its lines
        page.locator("#chat-bot a.nb-cite[href='#nb-cite-1-1']").click()
        expect(page.locator("#cite-panel")).to_contain_text("文字版原文")
        expect(page.locator("#cite-panel img.nb-page-zoom")).to_be_visible()
        assert "受理政府信息公开申请" in re.sub(r"\s", "", page.locator("#cite-panel mark").first.inner_text())
