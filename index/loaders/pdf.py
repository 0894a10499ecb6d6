"""PDF with a text layer, through pdfplumber: Line(page=p, line=n) with n the line's number within its page.

Page-number footers ("- 3 -", "— 4 —", "第3页") and running heads repeated at the top or bottom of most pages
are dropped, without shifting the numbering of the other lines.
Tables are emitted as their text lines (cells space-separated), which the table parser reads like any other
extraction. Encrypted, corrupt and scanned (image-only) files are refused with a message that says so.
"""
from __future__ import annotations

import logging
from pathlib import Path

from index.errors import IngestError
from index.records import Line, Warning

from .normalize import clean_line, is_page_footer

# pdfminer logs every odd font; the user only needs our one-line outcome.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)

_MIN_TEXT_CHARS = 20  # fewer visible characters than this in the whole file: no usable text layer


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


def load_pdf(path: Path) -> tuple[list[Line], list[Warning]]:
    import pdfplumber

    _check_encryption(path)
    lines: list[Line] = []
    warnings: list[Warning] = []
    empty_pages = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            if not pdf.pages:
                raise IngestError(path.name, "PDF 没有页面 (the PDF has no pages)")
            for pno, page in enumerate(pdf.pages, start=1):
                raw = page.extract_text(x_tolerance=1.5, y_tolerance=3) or ""
                page_lines = raw.split("\n") if raw.strip() else []
                if not page_lines:
                    empty_pages.append(pno)
                for n, t in enumerate(page_lines, start=1):
                    text = clean_line(t)
                    if is_page_footer(text, pno):
                        continue
                    lines.append(Line(text=text, line=n, page=pno))
            n_pages = len(pdf.pages)
    except IngestError:
        raise
    except Exception as e:  # pdfminer raises many unrelated types for broken files
        if "password" in str(e).lower() or "encrypt" in type(e).__name__.lower():
            raise IngestError(path.name, "PDF 已加密，需要密码才能打开 (password-protected PDF)") from None
        raise IngestError(path.name, f"PDF 文件损坏或不完整，无法读取；请重新下载或导出 "
                                     f"(corrupt or truncated PDF: {type(e).__name__}: {e})") from None
    lines = _drop_running_heads(lines)
    visible = sum(len(ln.text.strip()) for ln in lines)
    if visible < _MIN_TEXT_CHARS:
        raise IngestError(path.name, "PDF 没有文字层，无法识别（本系统不做OCR）；请提供可复制文字的PDF或Word版 "
                                     "(scanned PDF without a text layer: no OCR is done)")
    if empty_pages:
        warnings.append(Warning("pdf_empty_page", f"{path.name}: 第{','.join(map(str, empty_pages))}页没有文字层"
                                                  f"（共{n_pages}页），这些页的内容未读入 (pages without text)", path.name))
    return lines, warnings
