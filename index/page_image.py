"""The cited page of a report as an image, with the cited line or table cell boxed (the source viewer).

A citation names a page and lines (第4页第15行) or a table cell; staff want to see that spot on the page as
printed, not our text copy of it. Two kinds of page:
- a text-layer PDF page: the box comes from pdfplumber's characters. The loader numbers a page's lines by
  splitting `page.extract_text(x_tolerance=1.5, y_tolerance=3)` on newlines; that string is the page's textmap,
  so splitting the textmap's (char, char object) tuples the same way gives each numbered line its characters
  and their positions, in PDF points from the page's top-left. A cell is the run of characters in its line
  that prints the fact's value: the line's value-like tokens are aligned, left to right, with the facts read
  from that line in their column order (a run of digits that lost its separators holds several facts);
- a scanned page (扫描件识别) or a page image: OCR already recorded the box, in pixels of the page image at the
  OCR resolution (`ocr.OCR_DPI` for a PDF page, the image's own pixels for a .png/.jpg), and the citation
  carries it ("扫描件识别 第3页 框(x0,y0,x1,y1)").
Pages are rendered with pypdfium2 (pdfplumber's own dependency). When the spot cannot be found the page is still
shown, unboxed, with a note saying so — never a box in the wrong place.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from index.errors import StoreError

log = logging.getLogger(__name__)

DPI = 100  # the whole page: an A4 page is 827×1169 px, legible when enlarged, ~100 KB as a palette PNG
ZOOM_DPI = 160  # the band around the box, where staff read the printed figure
_BOX_RGB = (220, 30, 30)
_FILL_RGBA = (255, 210, 0, 70)
_SCAN_REF = re.compile(r"扫描件识别\s*(?:第(\d+)页)?\s*框\((-?\d+),(-?\d+),(-?\d+),(-?\d+)\)")
IMAGE_EXTS = (".png", ".jpg", ".jpeg")

Box = tuple[float, float, float, float]


class PageError(StoreError):
    """The cited page cannot be shown (no such page, no stored copy, not a paged format)."""


@dataclass
class PageImage:
    """One rendered page. `boxes` are in pixels of `png`; `zoom` is the band around them, larger."""

    file: str
    page: int
    pages: int  # how many pages the report has
    png: bytes
    width: int
    height: int
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    scan: bool = False  # the spot was read by OCR (扫描件识别): check the figure against the image
    zoom: Optional[bytes] = None
    note: str = ""  # why nothing is boxed, for staff

    @property
    def located(self) -> bool:
        return bool(self.boxes)


def parse_scan_ref(ref: Optional[str]) -> Optional[tuple[Optional[int], Box]]:
    """'扫描件识别 第3页 框(120,340,188,362)' -> (3, (120, 340, 188, 362)); None for anything else."""
    m = _SCAN_REF.search(ref or "")
    if not m:
        return None
    return (int(m.group(1)) if m.group(1) else None), tuple(float(m.group(i)) for i in range(2, 6))


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).replace(",", "")


# ---------------------------------------------------------------- a text-layer page's lines and tokens
class TextPage:
    """A PDF page's numbered lines (as the loader numbers them) with each character's box, in points."""

    def __init__(self, page):
        tm = page.get_textmap(x_tolerance=1.5, y_tolerance=3)
        self.lines: list[list[tuple[str, Optional[dict]]]] = [[]]
        for ch, obj in tm.tuples:
            if ch == "\n":
                self.lines.append([])
            else:
                self.lines[-1].append((ch, obj))
        # extract_text() strips a page that has no text at all to ""; the loader then has no lines either
        if not any(obj for ln in self.lines for _, obj in ln):
            self.lines = []

    def line(self, n: int) -> list[tuple[str, Optional[dict]]]:
        return self.lines[n - 1] if 1 <= n <= len(self.lines) else []

    def text(self, n: int) -> str:
        return "".join(ch for ch, _ in self.line(n))

    @staticmethod
    def bbox(chars: Sequence[Optional[dict]]) -> Optional[Box]:
        objs = [o for o in chars if o is not None and str(o.get("text", "")).strip()]
        if not objs:
            return None
        return (min(o["x0"] for o in objs), min(o["top"] for o in objs),
                max(o["x1"] for o in objs), max(o["bottom"] for o in objs))

    def tokens(self, n: int) -> list[tuple[str, list[dict]]]:
        """The line's runs of printed characters between blanks: (text, char objects)."""
        out: list[tuple[str, list[dict]]] = []
        cur_t, cur_o = [], []
        for ch, obj in self.line(n) + [(" ", None)]:
            if ch.isspace() or obj is None:
                if cur_t:
                    out.append(("".join(cur_t), cur_o))
                cur_t, cur_o = [], []
            else:
                cur_t.append(ch)
                cur_o.append(obj)
        return out

    def line_box(self, n: int, quote: str = "", first: bool = True, last: bool = True) -> Optional[Box]:
        """Line n's box; on the quote's first/last line only from where the quote starts / to where it ends
        (a passage can begin mid-line, after the previous sentence)."""
        chars = [(ch, o) for ch, o in self.line(n) if o is not None and not ch.isspace()]
        if not chars:
            return None
        key = _norm(quote)
        flat = "".join(_norm(ch) or " " for ch, _ in chars)
        a, b = 0, len(chars)
        if key and len(flat) == len(chars):
            if first:
                k = next((flat.find(key[:w]) for w in (12, 6, 3) if len(key) >= w and flat.find(key[:w]) >= 0), -1)
                a = k if k > 0 else 0
            if last:
                e = next((flat.rfind(key[-w:]) + w for w in (12, 6, 3) if len(key) >= w and flat.rfind(key[-w:]) >= a),
                         -1)
                b = e if e > a else b
        return self.bbox([o for _, o in chars[a:b]])


def _value_like(tok: str) -> bool:
    from index.tables.numbers import parse_cell

    return parse_cell(tok, 0).kind != "text" or bool(re.search(r"\d", tok))


def cell_box(tp: TextPage, line: int, printed: str, order: Sequence[tuple[int, str]], cited: int) -> Optional[Box]:
    """The box of one fact's printed value on its line.

    `order`: (fact id, printed) of every fact read from this line, in column order; `cited`: the cited fact's id.
    Facts and the line's value-like tokens are walked together left to right: each fact takes the next token
    that starts with its value (the rest of a run-together token stays for the next fact). When that alignment
    does not reach the cited fact, a value printed exactly once on the line is still found; otherwise None.
    """
    toks = [(t, objs) for t, objs in tp.tokens(line) if _value_like(t)]
    pieces = [(_norm(t), objs) for t, objs in toks]
    ti, off = 0, 0
    for fid, pr in order:
        want = _norm(pr)
        if not want:
            continue
        hit = None
        j, o = ti, off
        while j < len(pieces):
            rest = pieces[j][0][o:]
            if rest.startswith(want):
                hit = (j, o)
                break
            j, o = j + 1, 0
        if hit is None:
            continue  # this fact's value is not printed on the line as we read it; the others still align
        j, o = hit
        if fid == cited:
            return _sub_box(pieces[j], o, len(want))
        ti, off = (j + 1, 0) if o + len(want) >= len(pieces[j][0]) else (j, o + len(want))
    want = _norm(printed)
    exact = [p for p in pieces if p[0] == want]
    return _sub_box(exact[0], 0, len(want)) if want and len(exact) == 1 else None


def _sub_box(piece: tuple[str, list[dict]], start: int, length: int) -> Optional[Box]:
    """The box of characters start..start+length of a token (normalised text and chars line up one to one
    unless NFKC changed a character's length; then the whole token)."""
    text, objs = piece
    if len(text) != len(objs):
        return TextPage.bbox(objs)
    return TextPage.bbox(objs[start:start + length])


# ---------------------------------------------------------------- rendering
def page_count(path: Path | str) -> int:
    path = Path(path)
    if path.suffix.lower() in IMAGE_EXTS:
        return 1
    import pypdfium2 as pdfium

    from index.loaders.pdf import PDFIUM

    with PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception as e:  # pdfium raises its own PdfiumError (in English) for a broken file: logged, not shown
            log.warning("pdfium cannot open %s: %s", path, e)
            raise PageError(f"{path.name}：PDF 文件已损坏或无法打开，不能显示原页") from None
        try:
            return len(pdf)
        finally:
            pdf.close()


def _check_page(path: Path, page_no: int) -> int:
    n = page_count(path)
    if not isinstance(page_no, int) or not 1 <= page_no <= n:
        raise PageError(f"{path.name}：没有第{page_no}页（共{n}页），无法显示该页原件")
    return n


def _page_pil(path: Path, page_no: int, dpi: float, source_dpi: Optional[float] = None):
    """(PIL image of the page at dpi, pixels per box unit)."""
    if path.suffix.lower() in IMAGE_EXTS:
        from PIL import Image, ImageOps

        img = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        return img, 1.0  # a page image is shown in its own pixels (its OCR boxes are in them)
    import pypdfium2 as pdfium

    from index.loaders.pdf import PDFIUM

    with PDFIUM:  # every handle closed inside the lock, none left for the garbage collector to close outside it
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[page_no - 1]
            bitmap = page.render(scale=dpi / 72)
            img = bitmap.to_pil().convert("RGB")
            bitmap.close()
            page.close()
            return img, dpi / 72
        finally:
            pdf.close()


def _png(img) -> bytes:
    buf = io.BytesIO()
    # a palette of 64 colours keeps text, red box and yellow fill, at a third of an RGB PNG's size
    img.quantize(colors=64, method=2).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _draw(img, boxes_px):
    from PIL import Image, ImageDraw

    over = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(over)
    w = max(2, round(img.size[0] / 400))
    for x0, y0, x1, y1 in boxes_px:
        d.rectangle((x0, y0, x1, y1), fill=_FILL_RGBA)
    out = Image.alpha_composite(img.convert("RGBA"), over)
    d = ImageDraw.Draw(out)
    for x0, y0, x1, y1 in boxes_px:
        d.rectangle((x0 - w - 1, y0 - w - 1, x1 + w + 1, y1 + w + 1), outline=_BOX_RGB, width=w)
    return out.convert("RGB")


def render_page(path: Path | str, page_no: int, boxes: Sequence[Box] = (), dpi: float = DPI,
                box_dpi: float = 72.0, zoom: bool = False) -> PageImage:
    """Page `page_no` (1-based) of a PDF (or a page image) as a PNG with `boxes` drawn; boxes are in units of
    `box_dpi` from the page's top-left (72: PDF points, as pdfplumber gives them; ocr.OCR_DPI: OCR pixels).
    `zoom`: also a larger PNG of the band of the page around the boxes."""
    path = Path(path)
    n = _check_page(path, page_no)
    img, per_unit = _page_pil(path, page_no, dpi)
    k = per_unit * 72.0 / box_dpi if path.suffix.lower() not in IMAGE_EXTS else 1.0
    px = [tuple(int(round(v * k)) for v in b) for b in boxes]
    out = PageImage(file=path.name, page=page_no, pages=n, png=_png(_draw(img, px)), width=img.size[0],
                    height=img.size[1], boxes=px)
    if zoom and px:
        out.zoom = _zoom(path, page_no, boxes, box_dpi)
    return out


def _zoom(path: Path, page_no: int, boxes: Sequence[Box], box_dpi: float) -> bytes:
    """The band of the page around the boxes at ZOOM_DPI: from a little above the first box to a little below
    the last, and half the page wide around them (or wider, for a line that spans more). Shown as wide as the
    whole page is shown, so the cited figure reads about twice as large; a full-width band would not."""
    img, per_unit = _page_pil(path, page_no, ZOOM_DPI)
    k = per_unit * 72.0 / box_dpi if path.suffix.lower() not in IMAGE_EXTS else 1.0
    px = [tuple(int(round(v * k)) for v in b) for b in boxes]
    margin = int(ZOOM_DPI * 0.6)  # ~1.5 cm: the row above and below, so a cell is seen with its neighbours
    top = max(0, min(b[1] for b in px) - margin)
    bottom = min(img.size[1], max(b[3] for b in px) + margin)
    w = img.size[0]
    x0, x1 = max(0, min(b[0] for b in px) - margin), min(w, max(b[2] for b in px) + margin)
    want = max(x1 - x0, w // 2)
    left = min(max(0, (x0 + x1) // 2 - want // 2), w - want)
    drawn = _draw(img, px).crop((max(0, left), top, min(w, max(0, left) + want), bottom))
    return _png(drawn)


# ---------------------------------------------------------------- the cited spot
def text_boxes(path: Path | str, page_no: int, first: int = 0, last: Optional[int] = None, quote: str = "",
               cell: Optional[tuple[int, str, Sequence[tuple[int, str]], int]] = None) -> list[Box]:
    """Boxes (PDF points) on a text-layer page: one per cited line, lines first..last (last None: to the end of
    the page, for a quote that runs onto the next page), or the one box of a cell — cell = (line, printed,
    order, cited id), see cell_box. [] when the spot is not found there."""
    import pdfplumber

    path = Path(path)
    _check_page(path, page_no)
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_no - 1]
        tp = TextPage(page)
        if cell is not None:
            b = cell_box(tp, *cell)
            out = [b] if b else []
        elif first:
            nums = list(range(first, (last if last is not None else len(tp.lines)) + 1))
            out = [b for i, n in enumerate(nums)
                   if (b := tp.line_box(n, quote, first=i == 0, last=i == len(nums) - 1))]
        else:
            out = []
        # pdfplumber measures from the media box, pypdfium2 renders the crop box
        cx, cy = page.cropbox[0] - page.mediabox[0], page.cropbox[1] - page.mediabox[1]
        return [(b[0] - cx, b[1] - cy, b[2] - cx, b[3] - cy) for b in out]


__all__ = ["DPI", "PageError", "PageImage", "TextPage", "cell_box", "page_count", "parse_scan_ref",
           "render_page", "text_boxes"]
