"""PDF with a text layer, through pdfplumber: Line(page=p, line=n) with n the line's number within its page.

Page-number footers ("- 3 -", "— 4 —", "第3页") and running heads repeated at the top or bottom of most pages
are dropped, without shifting the numbering of the other lines.
Tables are emitted as their text lines (cells space-separated), which the table parser reads like any other
extraction. A page with no text layer (or only a few characters) that holds an image is a scan: it is rendered
at ocr.OCR_DPI and read by OCR (index/loaders/ocr.py: its Lines carry ocr=True and their boxes); a page with a
text layer is never OCR'd. Encrypted and corrupt files are refused, and so is a scan OCR reads nothing in.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from index.errors import IngestError
from index.records import Line, Warning

from .normalize import clean_line, is_page_footer

# pdfminer logs every odd font; the user only needs our one-line outcome.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)

_MIN_TEXT_CHARS = 20  # fewer visible characters than this in the whole file: no usable text layer
_SCAN_PAGE_CHARS = 20  # a page with an image and fewer characters than this is a scan (a stamp, a page number)
# PDFium may not be entered from two threads at once, not even for two documents (it crashes the process), and
# the app runs an upload's OCR beside the source viewer's page renders: every pypdfium2 call holds this lock.
PDFIUM = threading.RLock()


def _check_encryption(path: Path) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        encrypted = reader.is_encrypted
        if encrypted and reader.decrypt("") == 0:  # an owner-only password still opens with ""
            raise IngestError(path.name, "PDF 已加密，需要密码才能打开；请提供未加密的文件 "
                                         "(password-protected PDF: supply an unencrypted copy)")
    except IngestError:
        raise
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as e:
        raise IngestError(path.name, f"PDF 文件损坏或不完整，无法读取；请重新下载或导出 "
                                     f"(corrupt or truncated PDF: {type(e).__name__}: {e})") from None


def _drop_running_heads(lines: list[Line]) -> list[Line]:
    """Running headers/footers repeated on most pages (the report's title or the agency's name printed at the
    top of every page) are not report text. Page 1 keeps its copy: there it is usually the real title."""
    import re
    from collections import Counter, defaultdict

    by_page: dict[int, list[Line]] = defaultdict(list)
    for ln in lines:
        by_page[ln.page].append(ln)
    if len(by_page) < 3:
        return lines

    def key(t: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", t))

    edges = Counter()
    for page_lines in by_page.values():
        seen = {key(ln.text) for ln in page_lines[:2] + page_lines[-2:] if ln.text.strip()}
        edges.update(seen)
    repeated = {k for k, n in edges.items() if n >= max(3, (len(by_page) + 1) // 2) and k}
    if not repeated:
        return lines
    out = []
    for p, page_lines in sorted(by_page.items()):
        edge_ids = {id(ln) for ln in page_lines[:2] + page_lines[-2:]}
        out.extend(ln for ln in page_lines if p == 1 or id(ln) not in edge_ids or key(ln.text) not in repeated)
    return out


def _visible(lines) -> int:
    return sum(len(ln.text.strip()) for ln in lines)


def _ocr_scans(path: Path, scans: dict[int, list[Line]], progress) -> tuple[dict[int, list[Line]], list[int]]:
    """OCR the scanned pages (rendered one at a time with pypdfium2, so a long scan is never all in memory):
    page -> its OCR Lines where OCR reads more than the page's text layer had."""
    import pypdfium2 as pdfium

    from . import ocr

    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
    try:
        def render(pno):
            def one():
                with PDFIUM:  # per page, not per file: a viewer's render waits one page, not the whole OCR
                    page = pdf[pno - 1]
                    bitmap = page.render(scale=ocr.OCR_DPI / 72)
                    img = bitmap.to_pil().copy()
                    bitmap.close()
                    page.close()
                return img
            return one
        lines = ocr.ocr_pages([(p, render(p)) for p in sorted(scans)], progress or ocr.PROGRESS.get())
    finally:
        with PDFIUM:
            pdf.close()
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    read = {p: ls for p, ls in by_page.items() if _visible(ls) > _visible(scans[p])}
    return read, sorted(read)


def load_pdf(path: Path, progress=None) -> tuple[list[Line], list[Warning]]:
    """progress(done, total) after each OCR'd page (default: ocr.PROGRESS, set by the CLI or the app)."""
    import pdfplumber

    from . import ocr

    _check_encryption(path)
    pages: dict[int, list[Line]] = {}
    warnings: list[Warning] = []
    scans: dict[int, list[Line]] = {}
    no_text = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            if not pdf.pages:
                raise IngestError(path.name, "PDF 没有页面 (the PDF has no pages)")
            for pno, page in enumerate(pdf.pages, start=1):
                raw = page.extract_text(x_tolerance=1.5, y_tolerance=3) or ""
                page_lines = []
                for n, t in enumerate(raw.split("\n") if raw.strip() else [], start=1):
                    text = clean_line(t)
                    if not is_page_footer(text, pno):
                        page_lines.append(Line(text=text, line=n, page=pno))
                pages[pno] = page_lines
                if not raw.strip():
                    no_text.append(pno)
                if _visible(page_lines) < _SCAN_PAGE_CHARS and page.images:
                    scans[pno] = page_lines
            n_pages = len(pdf.pages)
    except IngestError:
        raise
    except Exception as e:  # pdfminer raises many unrelated types for broken files
        if "password" in str(e).lower() or "encrypt" in type(e).__name__.lower():
            raise IngestError(path.name, "PDF 已加密，需要密码才能打开 (password-protected PDF)") from None
        raise IngestError(path.name, f"PDF 文件损坏或不完整，无法读取；请重新下载或导出 "
                                     f"(corrupt or truncated PDF: {type(e).__name__}: {e})") from None
    ocr_done: list[int] = []
    if scans and ocr.available():
        read, ocr_done = _ocr_scans(path, scans, progress)
        pages.update(read)
    elif scans and _visible(ln for ls in pages.values() for ln in ls) < _MIN_TEXT_CHARS:
        raise IngestError(path.name, "PDF 没有文字层（扫描件），且未安装文字识别组件 rapidocr-onnxruntime；请运行 "
                                     "scripts/setup.sh，或提供可复制文字的PDF或Word版 "
                                     "(scanned PDF without a text layer, and OCR is not installed)")
    lines = _drop_running_heads([ln for p in sorted(pages) for ln in pages[p]])
    if _visible(lines) < _MIN_TEXT_CHARS:
        what = "扫描页面的文字识别（OCR）也未读出文字" if scans else "也没有可做文字识别（OCR）的页面图像"
        raise IngestError(path.name, f"PDF 没有文字层，{what}；请提供可复制文字的PDF、Word版或更清晰的扫描件 "
                                     f"(no text layer, and OCR read no text)")
    if ocr_done:
        warnings.append(Warning("ocr", f"{path.name}: 第{','.join(map(str, ocr_done))}页是扫描件，内容由文字识别读出"
                                       f"（{ocr.SCAN}），引用的数字请对照原件核对 (scanned pages read by OCR)", path.name))
    empty_pages = [p for p in no_text if p not in ocr_done]
    if empty_pages:
        warnings.append(Warning("pdf_empty_page", f"{path.name}: 第{','.join(map(str, empty_pages))}页没有文字层"
                                                  f"（共{n_pages}页），这些页的内容未读入 (pages without text)", path.name))
    return lines, warnings
