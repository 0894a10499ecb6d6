"""OCR of scanned reports (index/loaders/ocr.py, pdf.py, image.py): real rapidocr on scans made from real PDFs
(tests/scans.py) — the samples through the PDF writer of tests/layouts.py and a real 2021-template PDF —
ingested through the real loader, table parser and balance rules, compared with the gold and with what the
text layer gives. OCR costs seconds a page on two cores, so the set here is small; bench/ocr.py runs all
five samples and three real PDFs in every rendering."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import layouts
import scans
from index.errors import IngestError
from index.loaders import load, ocr
from index.pipeline import parse_report

ROOT = Path(__file__).resolve().parent.parent
GOLD = {r["file"]: r for r in json.loads((ROOT / "data" / "gold" / "seed_facts.json").read_text("utf-8"))["reports"]}
REAL = ROOT / "data" / "real-pdf"

pytestmark = pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime not installed")


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    """One OCR cache for the module: a page is OCR'd once however many tests read it."""
    old = os.environ.get("NIANBAO_OCR_CACHE")
    os.environ["NIANBAO_OCR_CACHE"] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield Path(os.environ["NIANBAO_OCR_CACHE"])
    if old is None:
        os.environ.pop("NIANBAO_OCR_CACHE", None)
    else:
        os.environ["NIANBAO_OCR_CACHE"] = old


@pytest.fixture(autouse=True)
def _keep_cache(ocr_cache, monkeypatch):
    monkeypatch.setenv("NIANBAO_OCR_CACHE", str(ocr_cache))


def _facts(p):
    return {f.key: f for f in p.tables.facts}


def _score(report: dict, p) -> tuple[int, int, list]:
    """(exact, total, misses not marked uncertain) of a parse against a sample's gold."""
    have = _facts(p)
    exact, silent = 0, []
    for g in report["facts"]:
        f = have.get((g["table"], g["row"], g["column"]))
        if f is not None and f.value is not None and abs(f.value - g["value"]) < 0.01:
            exact += 1
        elif f is None or not f.uncertain:
            silent.append((g["table"], g["row"], g["column"], g["value"], f.value if f else "missing"))
    return exact, len(report["facts"]), silent


# ---------------------------------------------------------------- boxes -> lines (no OCR engine)
def _box(x0, y0, x1, y1, text, conf=0.99):
    return ([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], text, conf)


def test_boxes_become_rows_with_empty_cells_in_their_columns():
    boxes = [_box(10, 10, 120, 30, "规章"), _box(200, 10, 215, 30, "3"), _box(300, 10, 315, 30, "O"),
             _box(400, 10, 420, 30, "12", 0.6),
             _box(10, 50, 120, 70, "规范性文件"), _box(200, 50, 215, 70, "4"), _box(400, 50, 430, 70, "1 7"),
             _box(10, 100, 600, 120, "本年度我单位认真贯彻《条例》。")]
    lines = ocr.boxes_to_lines(boxes, page=3)
    # "1 7" inside one column is one number with a spaced digit
    assert [ln.cells for ln in lines[:2]] == [["规章", "3", "0", "12"], ["规范性文件", "4", "", "17"]]
    assert lines[0].uncertain_cells == [3] and lines[0].cell_boxes[3] == (400, 10, 420, 30)
    assert lines[1].cell_boxes[2] is None  # nothing was printed (or read) in that column
    assert lines[2].cells is None and lines[2].text.startswith("本年度")
    assert all(ln.ocr and ln.page == 3 for ln in lines) and [ln.line for ln in lines] == [1, 2, 3]
    assert lines[0].cell_ref.startswith("扫描件识别 第3页 框(")


def test_a_skewed_page_still_gives_one_row_per_table_row():
    import math

    a = math.radians(1.0)

    def turned(x0, y0, x1, y1, text):
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return ([[x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)] for x, y in pts], text, 0.99)

    boxes = []
    for r in range(6):
        y = 100 + r * 40
        boxes += [turned(50, y, 400, y + 22, f"第{r}行的标签文字很长很长"), turned(900, y, 915, y + 22, str(r)),
                  turned(1100, y, 1115, y + 22, str(r + 1))]
    lines = ocr.boxes_to_lines(boxes, page=1)
    assert len(lines) == 6 and all(len(ln.cells) == 3 for ln in lines)
    assert [ln.cells[1:] for ln in lines] == [[str(r), str(r + 1)] for r in range(6)]


def test_letters_read_in_a_number_are_digits():
    assert ocr.fix_digits("1O2") == "102" and ocr.fix_digits("〇") == "0" and ocr.fix_digits("l,234") == "1234"
    assert ocr.fix_digits("Office") == "Office" and ocr.fix_digits("规章") == "规章"


def test_a_citation_of_an_ocrd_place_says_so_with_page_and_box():
    from index.records import Citation, Line

    lines = [Line("一、总体情况", 1, page=2, ocr=True, box=(100, 50, 300, 80)),
             Line("本年度我单位认真贯彻《条例》。", 2, page=2, ocr=True, box=(90, 90, 700, 120)),
             Line("文字层的一行", 1, page=3)]
    assert ocr.passage_ref(lines, 2, 1, 2) == "扫描件识别 第2页 框(90,50,700,120)"
    assert ocr.passage_ref(lines, 3, 1) is None  # a text-layer line is cited as before
    c = Citation(n=1, file="a.pdf", agency=None, year=None, kind="passage", quote="本年度…", line_start=1,
                 line_end=2, page=2, scan=ocr.passage_ref(lines, 2, 1, 2))
    assert c.where == "第2页第1–2行（扫描件识别 第2页 框(90,50,700,120)）"


# ---------------------------------------------------------------- scans of the samples (gold)
@pytest.fixture(scope="module")
def sample_scans(tmp_path_factory, ocr_cache):
    """Two samples (2019 template; one with a 万元-free money column), scanned plain, one also 1° askew and
    one with JPEG artefacts: (name, rendering) -> (gold report, ParsedReport)."""
    d = tmp_path_factory.mktemp("scans")
    out = {}
    for name, renderings in (("000_a1db54b6d4824c27.txt", ("plain", "rot1")), ("003_445335a71f9baff7.txt",
                                                                                ("plain", "jpeg"))):
        report = GOLD[name]
        text_pdf = layouts.write_pdf(report, d / f"{name[:3]}.pdf")
        for r in renderings:
            scan = scans.scan_of(text_pdf, d / f"{name[:3]}_{r}.pdf", r)
            out[(name, r)] = (report, parse_report(scan))
    return out


def test_sample_scans_match_the_gold(sample_scans):
    for (name, r), (report, p) in sample_scans.items():
        assert p.doc.format == "pdf" and all(ln.ocr for ln in p.doc.lines)
        exact, total, silent = _score(report, p)
        assert exact / total >= 0.99, (name, r, exact, total)
        assert silent == [], (name, r)  # every miss is marked uncertain
        assert (p.meta.agency, p.meta.year) == (report["agency"], report["year"]), (name, r)


def test_facts_from_a_scan_cite_the_page_and_the_cells_box(sample_scans):
    _, p = sample_scans[("003_445335a71f9baff7.txt", "plain")]
    f = next(f for f in p.tables.facts if f.key == ("依申请公开", "本年新收", "总计"))
    ref = f.source.cell_ref
    assert ref.startswith(f"扫描件识别 第{f.source.page}页 框(")
    x0, y0, x1, y1 = map(int, ref[ref.index("(") + 1:-1].split(","))
    assert 0 <= x0 < x1 and 0 <= y0 < y1 and x1 - x0 < 200  # one cell, not the row
    assert any(w.code == "ocr" and "扫描件" in w.message for w in p.warnings)


def test_a_cell_read_below_the_bar_is_uncertain_unless_a_balance_rule_confirms_it(sample_scans):
    """The same scan with the confidence bar raised above every reading: table 1 (no balance rule) comes out
    all uncertain; tables 2 and 3, whose sums all hold, keep their facts."""
    from dataclasses import replace

    _, p = sample_scans[("003_445335a71f9baff7.txt", "plain")]
    doc = p.doc
    lines = [replace(ln, uncertain_cells=list(range(len(ln.cells)))) if ln.cells else ln for ln in doc.lines]
    from index.tables import parse_tables

    low = replace(doc, lines=lines)
    res = ocr.settle_uncertain(low, parse_tables(low))
    t1 = [f for f in res.facts if f.table == "主动公开"]
    assert t1 and all(f.uncertain for f in t1)
    t2 = [f for f in res.facts if f.table == "依申请公开" and f.row == "总计"]
    assert t2 and not any(f.uncertain for f in t2)


# ---------------------------------------------------------------- a real PDF, scanned and mixed
@pytest.fixture(scope="module")
def real_text():
    return parse_report(REAL / "hongze_2024.pdf")


def test_real_pdf_scan_gives_the_text_layers_facts(real_text, tmp_path_factory, ocr_cache):
    d = tmp_path_factory.mktemp("real")
    p = parse_report(scans.scan_of(REAL / "hongze_2024.pdf", d / "hongze_2024_scan.pdf"))
    want = {k: f.value for k, f in _facts(real_text).items()}
    got = {k: f.value for k, f in _facts(p).items()}
    wrong = [(k, v, got.get(k)) for k, v in want.items() if got.get(k) is None and v is not None
             or (v is not None and abs((got.get(k) or 0) - v) > 0.01)]
    unsure = {k for k, f in _facts(p).items() if f.uncertain}
    assert not [w for w in wrong if w[0] not in unsure], wrong
    assert len(wrong) <= len(want) // 100
    assert (p.meta.agency, p.meta.year) == (real_text.meta.agency, real_text.meta.year)


def test_mixed_pdf_gives_the_same_facts_as_the_text_one(real_text, tmp_path, monkeypatch):
    pages = scans.table_pages(REAL / "hongze_2024.pdf")
    assert pages
    mixed = scans.mixed(REAL / "hongze_2024.pdf", {pages[0]}, tmp_path / "mixed.pdf")
    seen = []
    real_ocr = ocr.ocr_pages

    def counting(images, progress=None):
        items = list(images)
        seen.extend(p for p, _ in items)
        return real_ocr(items, progress)

    monkeypatch.setattr(ocr, "ocr_pages", counting)
    progress = []
    token = ocr.PROGRESS.set(lambda done, total: progress.append((done, total)))
    try:
        p = parse_report(mixed)
    finally:
        ocr.PROGRESS.reset(token)
    assert seen == [pages[0]] and progress == [(1, 1)]  # the text pages are never OCR'd
    assert {ln.page for ln in p.doc.lines if ln.ocr} == {pages[0]}
    assert {k: f.value for k, f in _facts(p).items()} == {k: f.value for k, f in _facts(real_text).items()}


def test_a_text_pdf_is_never_ocrd(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("OCR on a text page")

    monkeypatch.setattr(ocr, "ocr_image", boom)
    doc = load(REAL / "huaian_2024.pdf")
    assert doc.lines and not any(ln.ocr for ln in doc.lines)


def test_a_rescan_reads_from_the_cache(tmp_path, monkeypatch):
    pdf = layouts.write_pdf(GOLD["004_b7caf00a3cd44191.txt"], tmp_path / "004.pdf")
    scan = scans.images_pdf(scans.page_images(pdf, pages=[1]), tmp_path / "p1.pdf")
    first = load(scan)
    monkeypatch.setattr(ocr, "_get_engine", lambda: (_ for _ in ()).throw(AssertionError("OCR ran again")))
    again = load(scan)
    assert [ln.text for ln in again.lines] == [ln.text for ln in first.lines] and first.lines


# ---------------------------------------------------------------- page images
def test_page_images_are_one_report_in_order(tmp_path):
    pdf = layouts.write_pdf(GOLD["004_b7caf00a3cd44191.txt"], tmp_path / "004.pdf")
    imgs = scans.page_images(pdf, pages=[1, 2])
    paths = []
    for i, img in enumerate(imgs, start=1):
        paths.append(tmp_path / f"page{i}.{'png' if i == 1 else 'jpg'}")
        img.save(paths[-1])
    one = load(paths[0])
    assert one.format == "image" and one.lines and all(ln.ocr and ln.page == 1 for ln in one.lines)
    assert "年政府信息公开工作年度报告" in "".join(ln.text for ln in one.lines[:3])
    from index.loaders.image import images_to_pdf

    both = load(images_to_pdf(paths, tmp_path / "report.pdf"))
    assert {ln.page for ln in both.lines} == {1, 2}
    # page 1 is the first image (rendered back from the PDF the pixels may differ a little: OCR may too)
    first = [ln.text for ln in both.lines if ln.page == 1]
    assert sum(a == b for a, b in zip(first, [ln.text for ln in one.lines])) >= 0.9 * len(one.lines)


def test_a_scan_ocr_reads_nothing_in_is_refused(tmp_path):
    from PIL import Image

    blank = scans.images_pdf([Image.new("L", (1240, 1754), 255)] * 2, tmp_path / "blank.pdf")
    with pytest.raises(IngestError) as e:
        load(blank)
    assert "没有文字层" in e.value.problem and "OCR" in e.value.problem
