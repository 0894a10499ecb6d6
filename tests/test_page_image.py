"""The source viewer's pages (index/page_image.py, Library.page_image): the cited page of a real PDF, of a sample
written as a PDF (tests/layouts.py) and of a scan of it (tests/scans.py, real OCR) rendered with the cited cell or
line boxed. A box is checked against the page itself: the characters pdfplumber finds inside it are the cited
value, and the rendered pixels inside it hold ink where the unboxed page has the printed figure."""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

import layouts
import scans
from index import page_image as pi
from index.loaders import load, ocr
from index.pipeline import parse_report

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "real-pdf"
GOLD = {r["file"]: r for r in json.loads((ROOT / "data" / "gold" / "seed_facts.json").read_text("utf-8"))["reports"]}
SAMPLE = "003_445335a71f9baff7.txt"


def _norm(s: str) -> str:
    return pi._norm(s)


def _text_in(pdf: Path, page: int, box) -> str:
    """What pdfplumber prints inside a box (points) of a page: the characters whose centre lies in it."""
    import pdfplumber

    x0, y0, x1, y1 = box
    with pdfplumber.open(str(pdf)) as d:
        chars = [c for c in d.pages[page - 1].chars
                 if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and y0 <= (c["top"] + c["bottom"]) / 2 <= y1]
    return "".join(c["text"] for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])))


def _png(data: bytes):
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img.convert("RGB")


def _ink(img, box) -> float:
    """Share of dark pixels inside a pixel box of an image."""
    import numpy as np

    a = np.asarray(img.crop(tuple(int(v) for v in box)).convert("L"))
    return float((a < 128).mean()) if a.size else 0.0


def _red_on_border(img, box) -> bool:
    import numpy as np

    x0, y0, x1, y1 = (int(v) for v in box)
    a = np.asarray(img).astype(int)
    ring = np.concatenate([a[max(0, y0 - 6):y0, x0:x1].reshape(-1, 3), a[y1:y1 + 6, x0:x1].reshape(-1, 3)])
    red = (ring[:, 0] > 170) & (ring[:, 1] < 90) & (ring[:, 2] < 90)
    return bool(red.mean() > 0.2)


def _red_width(img) -> int:
    """Width in pixels of the red the box is drawn in (one box on the image)."""
    import numpy as np

    a = np.asarray(img).astype(int)
    xs = np.nonzero(((a[..., 0] > 170) & (a[..., 1] < 90) & (a[..., 2] < 90)).any(axis=0))[0]
    return int(xs.max() - xs.min() + 1) if xs.size else 0


def _cell_box(pdf: Path, facts, f):
    """cell_box for fact f as Library.page_image calls it: the facts of f's line in their stored order."""
    import pdfplumber

    on_line = [(i, x.printed or "") for i, x in enumerate(facts)
               if x.source and (x.source.page, x.source.line) == (f.source.page, f.source.line)]
    with pdfplumber.open(str(pdf)) as d:
        tp = pi.TextPage(d.pages[f.source.page - 1])
        return pi.cell_box(tp, f.source.line, f.printed or "", on_line, facts.index(f))


# ---------------------------------------------------------------- text-layer pages, no store
@pytest.mark.parametrize("name", ["hongze_2023.pdf", "hongze_2024.pdf", "huaian_2024.pdf"])
def test_numbered_lines_are_the_loaders_lines(name):
    """TextPage numbers a page's lines exactly as the PDF loader does, so 第4页第15行 is the same line."""
    import pdfplumber

    doc = load(REAL / name)
    with pdfplumber.open(str(REAL / name)) as d:
        pages = {p: pi.TextPage(d.pages[p - 1]) for p in {ln.page for ln in doc.lines}}
    for ln in doc.lines:
        assert _norm(pages[ln.page].text(ln.line)) == _norm(ln.text), (name, ln.page, ln.line)


@pytest.mark.parametrize("name", ["hongze_2024.pdf", "huaian_2024.pdf"])
def test_every_cell_box_holds_the_printed_value(name):
    """Each fact of a real PDF's tables: its box holds exactly its printed value (where a value repeats on
    its row, 0 0 0 …, only the alignment with the row's other facts tells which one; a wrong pick would show
    up as another cell's text here only if the values differ, so the count of found boxes is checked too)."""
    pdf = REAL / name
    p = parse_report(pdf)
    facts = [f for f in p.tables.facts if f.source and f.source.page]
    printed = [f for f in facts if _norm(f.printed or "")]
    assert len(printed) > 100
    found, wrong = 0, []
    for f in printed:
        box = _cell_box(pdf, facts, f)
        if box is None:
            continue
        found += 1
        got = _norm(_text_in(pdf, f.source.page, box))
        if got != _norm(f.printed):
            wrong.append((f.key, f.printed, got))
    assert not wrong, wrong[:5]
    assert found >= 0.97 * len(printed), (found, len(printed))


def test_equal_values_on_one_row_are_told_apart_by_their_column():
    """A row printing 0 in several columns: each fact's box is its own column's 0, left to right."""
    pdf = REAL / "hongze_2024.pdf"
    p = parse_report(pdf)
    facts = [f for f in p.tables.facts if f.source and f.source.page]
    rows = {}
    for f in facts:
        rows.setdefault((f.source.page, f.source.line), []).append(f)
    row = next(r for r in rows.values() if sum(_norm(f.printed or "") == "0" for f in r) >= 3)
    zeros = [f for f in row if _norm(f.printed or "") == "0"]
    xs = [_cell_box(pdf, facts, f)[0] for f in zeros]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_a_page_is_rendered_with_the_box_on_the_figure(tmp_path):
    pdf = REAL / "huaian_2024.pdf"
    p = parse_report(pdf)
    facts = [f for f in p.tables.facts if f.source and f.source.page]
    f = next(f for f in facts if f.key == ("依申请公开", "本年新收", "总计"))
    box = _cell_box(pdf, facts, f)
    img = pi.render_page(pdf, f.source.page, [box], zoom=True)
    plain = pi.render_page(pdf, f.source.page, [])
    assert img.page == f.source.page and img.pages == pi.page_count(pdf) and len(img.boxes) == 1
    shown, unboxed = _png(img.png), _png(plain.png)
    assert shown.size == (img.width, img.height) == unboxed.size
    # the box sits where the unboxed page has ink (the digits), and is drawn in red around it
    assert _ink(unboxed, img.boxes[0]) > 0.05
    assert _red_on_border(shown, img.boxes[0])
    # the same spot a little away from the figure is blank paper on the unboxed page (not a box over a table rule)
    x0, y0, x1, y1 = img.boxes[0]
    assert _ink(unboxed, (x0 + 1, y0 + 1, x1 - 1, y1 - 1)) > _ink(unboxed, (x0, y1 + 40, x1, y1 + 40 + (y1 - y0))) \
        or _ink(unboxed, (x0, y1 + 40, x1, y1 + 40 + (y1 - y0))) < 0.05
    # the close-up: a band of the page around the box (wider than high) in which the box is drawn larger
    zoom = _png(img.zoom)
    assert zoom.size[1] < zoom.size[0] <= pi.ZOOM_DPI / pi.DPI * shown.size[0]
    assert _red_width(zoom) > 1.4 * _red_width(shown)


def test_a_bad_page_is_a_clear_error():
    pdf = REAL / "hongze_2023.pdf"
    n = pi.page_count(pdf)
    for bad in (0, n + 1):
        with pytest.raises(pi.PageError) as e:
            pi.render_page(pdf, bad)
        assert f"没有第{bad}页" in str(e.value) and f"共{n}页" in str(e.value)


def test_sample_written_as_pdf_boxes_its_cells(tmp_path):
    """The PDF writer's tables (labels wrapped in narrow cells, numbers vertically centred): most cells of
    a gold sample are boxed, each box on its printed value."""
    pdf = layouts.write_pdf(GOLD[SAMPLE], tmp_path / "003.pdf")
    p = parse_report(pdf)
    facts = [f for f in p.tables.facts if f.source and f.source.page]
    printed = [f for f in facts if _norm(f.printed or "")]
    boxes = [(f, _cell_box(pdf, facts, f)) for f in printed]
    hit = [(f, b) for f, b in boxes if b]
    assert len(hit) >= 0.95 * len(printed), (len(hit), len(printed))
    wrong = [(f.key, f.printed) for f, b in hit if _norm(_text_in(pdf, f.source.page, b)) != _norm(f.printed)]
    assert not wrong, wrong[:5]


# ---------------------------------------------------------------- through the library (a real store)
@pytest.fixture(scope="module")
def pdf_store(tmp_path_factory):
    """hongze_2024.pdf ingested into a store of its own (real parser, embedder, Chroma)."""
    from index.pipeline import Ingestor

    d = tmp_path_factory.mktemp("pdfstore")
    src = d / "hongze_2024.pdf"
    shutil.copy(REAL / "hongze_2024.pdf", src)
    res = Ingestor(d / "store").ingest([src])
    assert res[0].status in ("ok", "warning"), res[0]
    src.unlink()  # the store's own copy must be what is rendered
    return d / "store"


def test_library_renders_a_cited_cell_boxed(pdf_store):
    from index.library import Library

    lib = Library(pdf_store)
    file = lib.reports()[0].file
    f = next(f for f in lib.facts(file=file) if f.key == ("依申请公开", "本年新收", "总计"))
    img = lib.page_image(file, cell=f.key)
    assert img.page == f.source.page and img.located and not img.scan and img.file == file
    stored = lib.source_path(file)
    # back from pixels (DPI) to points: the box holds the printed total
    box_pt = tuple(v * 72 / pi.DPI for v in img.boxes[0])
    assert _norm(_text_in(stored, img.page, box_pt)) == _norm(f.printed)
    assert _red_on_border(_png(img.png), img.boxes[0])


def test_library_renders_a_cited_passage_boxed(pdf_store):
    from index.library import Library

    lib = Library(pdf_store)
    file = lib.reports()[0].file
    ch = next(c for c in lib.chunks(file) if c.kind == "text" and c.page and c.page == c.page_end
              and c.line_end > c.line_start)
    lines = [ln for ln in lib.source_lines(file) if ln.page == ch.page and ch.line_start <= ln.line <= ch.line_end]
    img = lib.page_image(file, page=ch.page, line=ch.line_start, line_end=ch.line_end, quote=ch.text)
    assert img.page == ch.page and len(img.boxes) == len([ln for ln in lines if ln.text.strip()])
    stored = lib.source_path(file)
    first = _norm(_text_in(stored, img.page, tuple(v * 72 / pi.DPI for v in img.boxes[0])))
    assert first and first in _norm(ch.text)  # the first box holds the start of the quote, nothing before it
    with pytest.raises(pi.PageError) as e:
        lib.page_image(file, page=99, line=1)
    assert "没有第99页" in str(e.value)


def test_library_refuses_a_text_report_page(built_store):
    from index.library import Library

    lib = Library(built_store)
    with pytest.raises(pi.PageError) as e:
        lib.page_image(lib.reports()[0].file, page=1, line=3)
    assert "不是PDF" in str(e.value)


# ---------------------------------------------------------------- a scanned report (real OCR)
@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    old = os.environ.get("NIANBAO_OCR_CACHE")
    os.environ["NIANBAO_OCR_CACHE"] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield
    if old is None:
        os.environ.pop("NIANBAO_OCR_CACHE", None)
    else:
        os.environ["NIANBAO_OCR_CACHE"] = old


@pytest.fixture(scope="module")
def scan_store(tmp_path_factory, ocr_cache):
    """A gold sample written as a PDF, scanned to an image-only PDF (150 dpi) and ingested: (store, text PDF)."""
    if not ocr.available():
        pytest.skip("rapidocr-onnxruntime not installed")
    from index.pipeline import Ingestor

    d = tmp_path_factory.mktemp("scanstore")
    text_pdf = layouts.write_pdf(GOLD[SAMPLE], d / "003_text.pdf")
    scan = scans.scan_of(text_pdf, d / "003_scan.pdf")
    res = Ingestor(d / "store").ingest([scan])
    assert res[0].status in ("ok", "warning"), res[0]
    return d / "store", text_pdf


def test_a_scanned_cell_is_boxed_where_ocr_read_it(scan_store, monkeypatch, tmp_path):
    from index.library import Library

    monkeypatch.setenv("NIANBAO_OCR_CACHE", os.environ["NIANBAO_OCR_CACHE"])
    store, text_pdf = scan_store
    lib = Library(store)
    file = lib.reports()[0].file
    f = next(f for f in lib.facts(file=file) if f.key == ("依申请公开", "本年新收", "总计"))
    assert f.source.cell_ref.startswith("扫描件识别")
    img = lib.page_image(file, cell=f.key)
    assert img.scan and img.located and img.page == f.source.page
    # the scan was rendered from the text PDF at 150 dpi: the same box, in points, on the text PDF holds the value
    box_pt = tuple(v * 72 / pi.DPI for v in img.boxes[0])
    assert _norm(f.printed) in _norm(_text_in(text_pdf, img.page, box_pt))
    assert _red_on_border(_png(img.png), img.boxes[0]) and img.zoom
    # a passage quoted from the scan carries its box in the citation's 扫描件识别 text
    ln = next(ln for ln in lib.source_lines(file) if ln.ocr and ln.cells is None and len(ln.text) > 12)
    ref = ocr.passage_ref(lib.source_lines(file), ln.page, ln.line)
    img = lib.page_image(file, page=ln.page, line=ln.line, scan=ref)
    assert img.scan and img.page == ln.page
    box_pt = tuple(v * 72 / pi.DPI for v in img.boxes[0])
    assert _norm(ln.text)[:4] in _norm(_text_in(text_pdf, img.page, box_pt))


def test_scan_refs_parse():
    assert pi.parse_scan_ref("扫描件识别 第3页 框(120,340,188,362)") == (3, (120.0, 340.0, 188.0, 362.0))
    assert pi.parse_scan_ref("表2第5行") is None and pi.parse_scan_ref(None) is None
