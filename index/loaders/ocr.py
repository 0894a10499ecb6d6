"""Offline OCR of page images: rapidocr-onnxruntime (the PP-OCR det/rec ONNX models ship in its wheel, so
nothing is downloaded at run time), the cache, and what OCR'd cells mean for the facts and citations.

The geometry — boxes to rows, columns and cells — is in ocr_layout.py. Every OCR Line has ocr=True, its page
and its box (x0, y0, x1, y1 in pixels of the page image: at OCR_DPI for a PDF page, as given for a .png/.jpg)
so a citation can point into the image; `conf` is the row's lowest box confidence, `cell_boxes` each cell's
box and `uncertain_cells` the cells read below LOW_CONF. `settle_uncertain` then marks the facts read from
those cells uncertain unless the table's balance rules confirm them. Boxes are cached by the page image's
hash (a page renders to the same pixels every time), so a re-ingest or a parser upgrade never OCRs again.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Optional

from index.records import Line

from .ocr_layout import LOW_CONF, SCAN, boxes_to_lines, fix_digits, scan_ref  # noqa: F401 (the module's API)

OCR_DPI = int(os.environ.get("NIANBAO_OCR_DPI", "150"))  # chosen by measurement: see bench/ocr.py
_engine = None
# progress(done, total) per OCR'd page for loads that pass none: the CLI and the app set it around an ingest
PROGRESS: contextvars.ContextVar[Optional[Callable[[int, int], None]]] = contextvars.ContextVar("ocr_progress",
                                                                                                default=None)


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
        return True
    except ImportError:
        return False


def _get_engine():
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR  # models load from site-packages, offline
        # box_thresh 0.3 (default 0.5): a lone thin digit in a table cell ("1", "0") scores below 0.5 and was
        # lost; on a 2019-template table page 0.3 finds 132 of 133 number cells (0.5: 110)
        _engine = RapidOCR(det_box_thresh=0.3)
    return _engine


def _cache_dir() -> Path:
    return Path(os.environ.get("NIANBAO_OCR_CACHE") or Path.home() / ".cache" / "nianbao" / "ocr")


def _key(img) -> str:
    return hashlib.sha256(img.tobytes() + repr(img.size).encode()).hexdigest()


def _read_json(path: Path):
    try:
        return json.loads(path.read_text("utf-8")) if path.is_file() else None
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs a re-OCR next time


def ocr_image(img) -> list[tuple[list[list[float]], str, float]]:
    """[(quad of 4 points, text, confidence)] for each text box of a PIL image, cached by the image's hash."""
    import numpy as np

    img = img.convert("RGB")
    cached = _cache_dir() / f"{_key(img)}.json"
    hit = _read_json(cached)
    if hit is not None:
        return [tuple(b) for b in hit]
    # the angle classifier is for upside-down text lines; pages are upright, and it costs a third of the time
    res, _ = _get_engine()(np.array(img), use_cls=False)
    boxes = [([[float(x), float(y)] for x, y in quad], text, float(conf)) for quad, text, conf in res or []]
    _write_json(cached, boxes)
    return boxes


def _clean_crop(a):
    """A cell's crop with the table's rules whitened (a rule beside a digit reads as 1 or as nothing) and a
    white margin, as the recogniser sees a text line."""
    import numpy as np

    dark = a.min(axis=2) < 200  # anti-aliased rules are grey
    a = a.copy()
    for axis in (0, 1):
        rule = dark.mean(axis=axis) > 0.6
        rule = rule | np.roll(rule, 1) | np.roll(rule, -1)  # and the grey pixel either side
        if axis == 0:
            a[:, rule] = 255
        else:
            a[rule, :] = 255
    pad = max(4, a.shape[0] // 3)  # white to the sides only: a glyph small in its line reads as 。
    return np.pad(a, ((0, 0), (pad, pad), (0, 0)), constant_values=255)


def skew(img) -> float:
    """The page's skew in radians, from the image: the angle whose horizontal projection of the dark pixels
    is sharpest (text lines and table rules line up). Boxes alone misjudge it: small boxes come out upright."""
    import numpy as np

    g = img.convert("L")
    scale = 800 / max(g.size)
    if scale < 1:
        g = g.resize((max(1, int(g.size[0] * scale)), max(1, int(g.size[1] * scale))))
    ys, xs = np.nonzero(np.asarray(g) < 160)
    if len(xs) < 50:
        return 0.0

    def sharpness(a):
        proj = np.round(-xs * np.sin(a) + ys * np.cos(a)).astype(np.int64)
        counts = np.bincount(proj - proj.min())
        return float((counts.astype(np.float64) ** 2).sum())

    best = max(np.radians(np.arange(-3, 3.01, 0.25)), key=sharpness)
    return float(max(best + np.radians(np.arange(-0.25, 0.26, 0.05)), key=sharpness))


class CellReader:
    """Recognition alone on one cell's crop of a page image, for a table cell the detector found nothing in
    (a lone thin digit on a blurred scan): (text, confidence), cached with the page's boxes."""

    def __init__(self, img):
        self.img = img.convert("RGB")
        self.path = _cache_dir() / f"{_key(self.img)}.cells.json"
        self.done = _read_json(self.path) or {}
        self.new = False

    def __call__(self, box) -> tuple[str, float]:
        import numpy as np

        k = ",".join(str(int(v)) for v in box)
        if k not in self.done:
            res, _ = _get_engine()(_clean_crop(np.array(self.img.crop(tuple(int(v) for v in box)))),
                                   use_det=False, use_cls=False, use_rec=True)
            text, conf = (res[0][0], float(res[0][1])) if res else ("", 0.0)
            self.done[k] = [text, conf]
            self.new = True
        return tuple(self.done[k])

    def save(self) -> None:
        if self.new:
            _write_json(self.path, self.done)


def ocr_pages(images, progress: Optional[Callable[[int, int], None]] = None) -> list[Line]:
    """OCR each (page_number, PIL image or a function returning one); progress(done, total) after each page."""
    items = list(images)
    lines: list[Line] = []
    for i, (pno, img) in enumerate(items, start=1):
        img = img() if callable(img) else img
        reader = CellReader(img)
        lines.extend(boxes_to_lines(ocr_image(img), pno, reader=reader, angle=skew(img)))
        reader.save()
        if progress:
            progress(i, len(items))
    return lines


# ---------------------------------------------------------------- facts read from OCR'd cells
def _keys_by_status(checks) -> tuple[set, set]:
    passed, failed = set(), set()
    for c in checks:
        keys = {k for side in (c.left, c.right) if side for k in side.cells}
        (passed if c.status == "pass" else failed if c.status == "fail" else set()).update(keys)
    return passed, failed


def _fill_unread(facts: list, unread: set) -> list:
    """A row of table 2 or 3 whose one OCR'd cell without a number (nothing read, or a dash) is its only unknown:
    the total minus the other cells (or their sum, for the total), when that is not negative. It is certain
    only if the column rules then hold, like any low-confidence cell."""
    from dataclasses import replace

    from index.tables import labels as L

    by_row: dict[tuple, dict[str, int]] = {}
    for i, f in enumerate(facts):
        by_row.setdefault((f.table, f.row), {})[f.column] = i
    out = list(facts)
    for (table, row), cols in by_row.items():
        groups = {"依申请公开": [L.APPLICANT_COLUMNS], "复议诉讼": [L.REVIEW_COLUMNS]}.get(table, [])
        for names in groups:
            idx = [cols.get(c) for c in names]
            if None in idx:
                continue
            missing = [i for i in idx if out[i].value is None]
            if len(missing) != 1 or missing[0] not in unread:
                continue
            rest = sum(out[i].value for i in idx[:-1] if i != missing[0])
            v = rest if missing[0] == idx[-1] else out[idx[-1]].value - rest
            if v >= 0:
                out[missing[0]] = replace(out[missing[0]], value=float(v), kind="zero" if v == 0 else "number")
    return out


def settle_uncertain(doc, tables):
    """Facts read from OCR'd cells. Each cites 扫描件识别 with its page and the cell's box. A row's one cell
    OCR read nothing in is its total minus the others; a cell read below the confidence bar (or not read) is
    uncertain unless a balance rule it takes part in then passes, and one in a failing rule is uncertain (OCR
    may have misread it: never a silent miss). Returns the TableResult with its checks recomputed."""
    from dataclasses import replace

    from index.audit import audit_facts
    from index.tables.numbers import clean

    by_pos = {(ln.page, ln.line): ln for ln in doc.lines if ln.ocr and ln.cells is not None}
    if not by_pos:
        return tables
    used: dict[tuple, set[int]] = {}
    facts, low, unread = [], set(), set()
    for f in tables.facts:
        ln = by_pos.get((f.source.page, f.source.line)) if f.source else None
        if ln is None:
            facts.append(f)
            continue
        taken = used.setdefault((ln.page, ln.line), set())
        want = clean(f.printed or "")
        idx = next((i for i, c in enumerate(ln.cells) if i not in taken and clean(c) == want), None)
        if idx is None:
            idx = next((i for i, c in enumerate(ln.cells) if i not in taken and want and clean(c).startswith(want)),
                       None)
        if idx is not None:
            taken.add(idx)
        nothing = idx is None or bool(ln.cell_boxes and ln.cell_boxes[idx] is None)
        if f.value is None:  # nothing read, or a dash where a blurred 1 was (a dash is no number either)
            unread.add(len(facts))
        # below the bar, or nothing read there (an empty cell is 0 only when a balance rule says so)
        if nothing or idx in (ln.uncertain_cells or []):
            low.add(len(facts))
        box = (ln.cell_boxes[idx] if idx is not None and ln.cell_boxes and ln.cell_boxes[idx] else ln.box)
        facts.append(replace(f, source=replace(f.source, cell_ref=scan_ref(ln.page, box))))
    facts = _fill_unread(facts, unread)
    passed, failed = _keys_by_status(audit_facts(doc.file, facts, tables.template))
    facts = [replace(f, uncertain=f.uncertain or (i in low and f.key not in passed) or f.key in failed)
             for i, f in enumerate(facts)]
    return replace(tables, facts=facts, checks=audit_facts(doc.file, facts, tables.template))


def passage_ref(lines, page: Optional[int], line_start: int, line_end: Optional[int] = None) -> Optional[str]:
    """扫描件识别 第p页 框(…) for a quote from an OCR'd page: the box around its lines; None for text-layer lines."""
    end = line_end or line_start
    boxes = [ln.box for ln in lines if getattr(ln, "ocr", False) and ln.box and ln.page == page
             and line_start <= ln.line <= end]
    if not boxes:
        return None
    return scan_ref(page, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                           max(b[2] for b in boxes), max(b[3] for b in boxes)))


__all__ = ["LOW_CONF", "OCR_DPI", "PROGRESS", "SCAN", "available", "boxes_to_lines", "fix_digits", "ocr_image",
           "ocr_pages", "passage_ref", "scan_ref", "settle_uncertain"]
