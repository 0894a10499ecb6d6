"""OCR boxes -> Lines a table parser reads (index/loaders/ocr.py runs the engine; this is the geometry).

A page's boxes are deskewed (the median slope of its long text boxes: a scan is rarely straight), grouped
into visual rows by vertical position, and, where a row holds numbers, laid into columns: the numeric boxes
of a run of table rows cluster into columns by their horizontal spans, and a row gets one cell per column
("" where nothing was printed or read), so the table parser reads a scanned table like a DOCX/HTML row with
its empty cells in place. A column slot the detector found nothing in is read once more from its crop
(recognition alone, the table's rules whitened). A row without numbers is text (its boxes joined) unless its
boxes stand far apart (header cells), which become cells.
"""
from __future__ import annotations

import math
import os
import re
import statistics
from typing import Optional

from index.records import Line

LOW_CONF = float(os.environ.get("NIANBAO_OCR_LOW_CONF", "0.9"))  # a box read below this is uncertain
SCAN = "扫描件识别"  # what a citation of an OCR'd place says, so staff know to check it against the image

# OCR's usual confusions inside a numeric cell: letters and CJK that look like digits.
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "Q": "0", "l": "1", "I": "1",
                            "S": "5", "B": "8", "Z": "2", "，": "", ",": "", "。": ".", "．": "."})
_NUMERICISH = re.compile(r"^[-−]?[0-9OoDQ〇lISBZ，,.。．]+$")
_NUM = re.compile(r"^[-−+]?\d[\d,]*(\.\d+)?(元|万元|件)?$|^[/／—\-－]+$")
_DASHES = {"一", "—", "-", "－", "–", "_", "/", "／"}  # a dash in an empty cell is often read as 一



def fix_digits(text: str) -> str:
    t = text.strip()
    if t in ("O", "o", "〇", "Q"):  # a lone zero read as a letter
        return "0"
    if _NUMERICISH.match(t) and any(c.isdigit() for c in t):
        return t.translate(_DIGIT_FIX)
    return t


def scan_ref(page: Optional[int], box) -> str:
    """扫描件识别 第3页 框(120,340,188,362): what a fact's or quote's citation says about an OCR'd place."""
    where = f"第{page}页 " if page else ""
    return f"{SCAN} {where}框({','.join(str(int(v)) for v in box)})"


# ---------------------------------------------------------------- boxes -> rows -> cells
class _Item:
    __slots__ = ("x0", "y0", "x1", "y1", "box", "text", "conf")

    def __init__(self, x0, y0, x1, y1, box, text, conf):
        self.x0, self.y0, self.x1, self.y1, self.box, self.text, self.conf = x0, y0, x1, y1, box, text, conf

    @property
    def cy(self):
        return (self.y0 + self.y1) / 2

    @property
    def numeric(self) -> bool:
        return bool(_NUM.match(self.text))


def _skew(boxes) -> float:
    """The page's skew in radians: the median slope of the top edges of long boxes (text lines)."""
    angles = []
    for quad, _, _ in boxes:
        (ax, ay), (bx, by), (cx, cy) = quad[0], quad[1], quad[2]
        w, h = bx - ax, math.hypot(cx - bx, cy - by)
        if w > 3 * h > 0:
            angles.append(math.atan2(by - ay, bx - ax))
    return statistics.median(angles) if len(angles) >= 3 else 0.0


def _items(boxes, angle: Optional[float] = None) -> tuple[list[_Item], float]:
    a = _skew(boxes) if angle is None else angle
    ca, sa = math.cos(a), math.sin(a)
    out = []
    for quad, text, conf in boxes:
        text = fix_digits(text)
        if not text:
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        box = (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
        rx = [x * ca + y * sa for x, y in quad]  # the quad turned back by the page's skew
        ry = [-x * sa + y * ca for x, y in quad]
        x0, y0, x1, y1 = min(rx), min(ry), max(rx), max(ry)
        toks = text.split()
        if len(toks) > 1 and all(_NUM.match(fix_digits(t)) for t in toks):
            # two cells read as one box ("0 0"): cut it by character positions
            n, pos = len(text), 0
            for t in toks:
                start = text.index(t, pos)
                pos = start + len(t)
                sx0, sx1 = x0 + (x1 - x0) * start / n, x0 + (x1 - x0) * pos / n
                out.append(_Item(sx0, y0, sx1, y1, box, fix_digits(t), conf))
            continue
        out.append(_Item(x0, y0, x1, y1, box, text, conf))
    return out, a


def _band_rows(items: list[_Item]) -> list[list[_Item]]:
    """Rows of text boxes: a box joins the row when its vertical centre lies within the row's first box's band."""
    rows: list[list[_Item]] = []
    for it in sorted(items, key=lambda b: b.cy):
        if rows:
            head = rows[-1][0]
            tol = 0.15 * (head.y1 - head.y0)
            if head.y0 - tol <= it.cy <= head.y1 + tol:
                rows[-1].append(it)
                continue
        rows.append([it])
    return rows


def _rows(items: list[_Item]) -> list[list[_Item]]:
    """Visual rows. Numbers first: the numbers of one table row sit on one line (vertically centred in their
    cells), so they cluster by centre; then each text box joins the number row its centre lies closest to,
    within 0.75 of a line height (a label wrapped over two lines in its cell joins with both lines), and the
    other text boxes make rows of their own. Within a row a label's lines read top to bottom."""
    nums = sorted((it for it in items if it.numeric), key=lambda b: b.cy)
    clusters: list[list[_Item]] = []
    for it in nums:
        if clusters:
            c = clusters[-1]
            if abs(it.cy - sum(b.cy for b in c) / len(c)) < 0.5 * (it.y1 - it.y0):
                c.append(it)
                continue
        clusters.append([it])
    centres = [sum(b.cy for b in c) / len(c) for c in clusters]
    heights = [statistics.median(b.y1 - b.y0 for b in c) for c in clusters]
    rest = []
    for it in items:
        if it.numeric:
            continue
        k = min(range(len(centres)), key=lambda k: abs(it.cy - centres[k]), default=None)
        # a tall box (a header printed vertically) is a header cell, not a label line
        if k is not None and abs(it.cy - centres[k]) < 0.75 * heights[k] and it.y1 - it.y0 < 2.5 * heights[k]:
            clusters[k].append(it)
        else:
            rest.append(it)
    rows = sorted(clusters + _band_rows(rest), key=lambda r: min(b.cy for b in r))
    return [_reading_order(r) for r in rows]


def _reading_order(row: list[_Item]) -> list[_Item]:
    """Left to right; boxes that overlap horizontally (one cell's wrapped lines) top to bottom."""
    row = sorted(row, key=lambda b: b.x0)
    groups: list[list[_Item]] = []
    for it in row:
        if groups and not it.numeric and not groups[-1][0].numeric and it.x0 < max(b.x1 for b in groups[-1]) - 2:
            groups[-1].append(it)
        else:
            groups.append([it])
    return [it for g in groups for it in sorted(g, key=lambda b: b.cy)]


def _columns(rows: list[list[_Item]]) -> list[tuple[float, float]]:
    """Columns of a run of table rows: the union of overlapping horizontal spans of their numeric boxes."""
    spans = sorted((it.x0, it.x1) for r in rows for it in r if it.numeric)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def _main_columns(rows: list[list[_Item]], cols) -> list[tuple[float, float]]:
    """The columns holding a number in at least a third of the run's number rows: a numbering digit read alone
    in the label column ("8" of "8.属于行政查询事项") makes a column too, but no table column."""
    num_rows = [r for r in rows if any(it.numeric for it in r)]
    need = max(1, len(num_rows) / 3)
    return [(a, b) for a, b in cols
            if sum(any(it.numeric and a <= (it.x0 + it.x1) / 2 <= b for it in r) for r in num_rows) >= need]


def _segments(rows: list[list[_Item]]) -> list[tuple[list[list[_Item]], bool]]:
    """Runs of table rows and the rows between them: [(rows, is_table)]. A table run starts at a row holding
    numbers and goes on through rows without numbers as long as they stay left of its number columns (a
    label wrapped inside its cell); a heading, a header row spanning the number columns or a sentence ends it,
    so the next table's columns are its own."""
    out: list[tuple[list[list[_Item]], bool]] = []
    left = 0.0
    for r in rows:
        prose = any("。" in it.text for it in r)
        nums = [it for it in r if it.numeric] if not prose else []
        if nums:
            if out and out[-1][1]:
                out[-1][0].append(r)
                left = min(left, min(it.x0 for it in nums))
            else:
                out.append(([r], True))
                left = min(it.x0 for it in nums)
        elif out and out[-1][1] and not prose and all(it.x1 <= left + 2 for it in r):
            out[-1][0].append(r)
        elif out and not out[-1][1]:
            out[-1][0].append(r)
        else:
            out.append(([r], False))
    return out


def _line(page, n, items, cells=None, cell_items=None) -> Line:
    box = (min(it.box[0] for it in items), min(it.box[1] for it in items),
           max(it.box[2] for it in items), max(it.box[3] for it in items))
    conf = round(min(it.conf for it in items), 3)
    if cells is None:
        return Line(text="".join(it.text for it in items), line=n, page=page, ocr=True, box=box, conf=conf)
    boxes, low = [], []
    for i, group in enumerate(cell_items):
        if not group or not any(it.text for it in group):
            boxes.append(None)  # nothing read here (a misread placeholder counts as nothing)
            continue
        boxes.append((min(it.box[0] for it in group), min(it.box[1] for it in group),
                      max(it.box[2] for it in group), max(it.box[3] for it in group)))
        if min(it.conf for it in group) < LOW_CONF:
            low.append(i)
    return Line(text="\t".join(cells), line=n, page=page, cells=cells, cell_ref=scan_ref(page, box), ocr=True,
                box=box, conf=conf, uncertain_cells=low or None, cell_boxes=boxes)


def _table_row(page, n, row: list[_Item], cols, reader=None, angle=0.0, main=()) -> Line:
    area = main[0][0] - 2 if main else math.inf  # where the table's number columns start
    nums, labels = [], []
    for it in row:
        cx = (it.x0 + it.x1) / 2
        if (it.numeric and cx >= area) or (it.text in _DASHES and any(a <= cx <= b for a, b in main)):
            nums.append(it)
        elif it.numeric:
            labels.append(it)  # a number left of the number columns: the label's numbering
        elif area <= cx <= main[-1][1] + 2 and len(it.text) <= 3:
            # text among the number columns is a misread number ("1" read as √): read it again alone, else
            # it is a cell nothing was read in, in its place (as a label it would shift every cell after it)
            again = _reread(reader, it) if reader is not None else None
            nums.append(again or _Item(it.x0, it.y0, it.x1, it.y1, it.box, "", 0.0))
        else:
            labels.append(it)
    label_end = max((it.x1 for it in labels), default=-1e9)
    slots = [c for c in cols if c[0] > label_end - 2]
    for it in nums:  # a re-read cell the number columns did not include (it was not a number then)
        cx = (it.x0 + it.x1) / 2
        if it.x0 > label_end - 2 and not any(a - 2 <= cx <= b + 2 for a, b in slots):
            slots = sorted(slots + [(it.x0, it.x1)])
    groups: list[list[_Item]] = [[] for _ in slots]
    stray = []
    for it in nums:
        cx = (it.x0 + it.x1) / 2
        k = next((k for k, (a, b) in enumerate(slots) if a - 2 <= cx <= b + 2), None)
        if k is None:
            stray.append(it)
        else:
            groups[k].append(it)
    if reader is not None:
        y0, y1 = min(it.y0 for it in row), max(it.y1 for it in row)
        for k, g in enumerate(groups):
            if not g:
                it = _read_cell(reader, slots, k, label_end, y0, y1, angle)
                if it is not None:
                    g.append(it)
    cells = [it.text for it in labels]
    cell_items: list[list[_Item]] = [[it] for it in labels]
    for g in groups:
        txt = "".join(it.text for it in g)
        cells.append("—" if txt in _DASHES else txt)
        cell_items.append(g)
    for it in stray:  # a number left of the label's end: keep it, in reading order, rather than lose it
        cells.append(it.text)
        cell_items.append([it])
    return _line(page, n, row, cells, cell_items)


def _reread(reader, it: _Item) -> Optional[_Item]:
    h = it.box[3] - it.box[1]
    text, conf = reader((max(0, it.box[0] - h // 4), it.box[1], it.box[2] + h // 4, it.box[3]))
    text = fix_digits(text.strip().strip("|丨[]【】").replace("。", "0").replace("°", "0"))
    if not re.match(r"^-?\d[\d.]*$", text) or conf < 0.2:
        return None
    return _Item(it.x0, it.y0, it.x1, it.y1, it.box, text, min(conf, it.conf))


def _read_cell(reader, slots, k, label_end, y0, y1, angle) -> Optional[_Item]:
    """The number in an empty column slot, read from its crop (its box turned back into the page image)."""
    h = y1 - y0
    a, b = slots[k]
    lo = max(a - 0.6 * h, (slots[k - 1][1] + a) / 2 if k else label_end + 2)
    hi = min(b + 0.6 * h, (b + slots[k + 1][0]) / 2 if k + 1 < len(slots) else b + 0.6 * h)
    if hi - lo < 1.6 * h:  # a lone digit's column is narrow: give the recogniser some white around it
        mid = (lo + hi) / 2
        lo, hi = mid - 0.8 * h, mid + 0.8 * h
    ca, sa = math.cos(angle), math.sin(angle)
    corners = [(x, y) for x in (lo, hi) for y in (y0 - 0.1 * h, y1 + 0.1 * h)]
    xs = [x * ca - y * sa for x, y in corners]
    ys = [x * sa + y * ca for x, y in corners]
    box = (max(0, round(min(xs))), max(0, round(min(ys))), round(max(xs)), round(max(ys)))
    text, conf = reader(box)
    # alone in its crop a 0 is often read as a full stop or a degree sign
    text = fix_digits(text.strip().strip("|丨[]【】").replace("。", "0").replace("°", "0"))
    if not re.match(r"^-?\d[\d.]*$", text) or conf < 0.2:  # a weak reading is kept only as uncertain (below LOW_CONF)
        return None
    return _Item(lo, y0, hi, y1, box, text, conf)


def boxes_to_lines(boxes, page: Optional[int], start: int = 1, reader=None, angle=None) -> list[Line]:
    """The Lines of one page from its OCR boxes, numbered from `start` within the page; `reader` (a
    CellReader of the page image) reads the table cells the detector found nothing in."""
    from index.loaders.normalize import is_page_footer

    items, angle = _items(boxes, angle)
    out: list[Line] = []
    n = start
    for rows, is_table in _segments(_rows(items)):
        cols = _columns(rows) if is_table else []
        main = _main_columns(rows, cols)
        for row in rows:
            if len(row) == 1 and is_page_footer(row[0].text, page or 0):
                continue  # "- 2 -" read as a lone 2
            if is_table and any(it.numeric for it in row):
                ln = _table_row(page, n, row, cols, reader, angle, main)
            else:
                h = statistics.median(it.y1 - it.y0 for it in row)
                apart = len(row) > 1 and all(b.x0 - a.x1 > 1.5 * h for a, b in zip(row, row[1:]))
                ln = (_line(page, n, row, [it.text for it in row], [[it] for it in row]) if apart
                      else _line(page, n, row))
                if is_page_footer(ln.text, page or 0):
                    continue
            out.append(ln)
            n += 1
    return out

