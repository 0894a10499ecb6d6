"""Scans made from real PDFs, for the OCR tests and bench/ocr.py: every page rendered to an image (pypdfium2)
as a scanner would give it — plain, with JPEG artefacts, or turned by 1° — and put back into an image-only
PDF (no text layer at all); or one page of a text PDF replaced by its scan (a mixed PDF).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Optional

RENDERINGS = ("plain", "jpeg", "rot1")


def page_images(pdf: Path, dpi: int = 150, rendering: str = "plain", pages: Optional[Iterable[int]] = None):
    """The PDF's pages (1-based numbers in `pages`, default all) as PIL images of the given rendering."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(pdf))
    try:
        wanted = list(pages) if pages is not None else range(1, len(doc) + 1)
        out = []
        for p in wanted:
            img = doc[p - 1].render(scale=dpi / 72).to_pil().convert("L")
            if rendering == "jpeg":  # a cheap scanner's file: strong JPEG compression, blocky around glyphs
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=30)
                img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
            elif rendering == "rot1":  # a sheet fed 1° askew
                img = img.rotate(1, resample=Image.BICUBIC, expand=False, fillcolor=255)
            out.append(img)
        return out
    finally:
        doc.close()


def images_pdf(images, out: Path, dpi: int = 150) -> Path:
    """An image-only PDF: each image a page of its own size at `dpi`, embedded losslessly (reportlab)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = None
    for img in images:
        w, h = img.size[0] * 72 / dpi, img.size[1] * 72 / dpi
        if c is None:
            c = canvas.Canvas(str(out), pagesize=(w, h))
        c.setPageSize((w, h))
        c.drawImage(ImageReader(img), 0, 0, width=w, height=h)
        c.showPage()
    c.save()
    return out


def scan_of(pdf: Path, out: Path, rendering: str = "plain", dpi: int = 150) -> Path:
    """`pdf` as a scanner gives it back: an image-only PDF of every page."""
    return images_pdf(page_images(pdf, dpi, rendering), out, dpi)


def mixed(pdf: Path, scanned: set[int], out: Path, dpi: int = 150) -> Path:
    """`pdf` with the pages in `scanned` (1-based) replaced by their scans; the other pages keep their text."""
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(str(pdf))
    w = PdfWriter()
    for p, page in enumerate(src.pages, start=1):
        if p in scanned:
            one = images_pdf(page_images(pdf, dpi, "plain", [p]), out.with_suffix(f".p{p}.pdf"), dpi)
            w.add_page(PdfReader(str(one)).pages[0])
        else:
            w.add_page(page)
    with open(out, "wb") as f:
        w.write(f)
    return out


def table_pages(pdf: Path) -> list[int]:
    """Pages of a text PDF that print a statistics table (the pages a mixed PDF scans)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as d:
        return [i for i, p in enumerate(d.pages, start=1)
                if any(w in (p.extract_text() or "").replace(" ", "") for w in ("本年新收", "行政复议"))]
