"""`load(path) -> Document`: read a report file into Lines with a map back to the source.

Dispatch is by content first, extension second: a PDF renamed .txt is still read as a PDF (with a warning),
and a picture renamed .txt is refused as binary instead of being decoded into garbage. Every refusal is an
IngestError naming the file, the problem and what to do, in Chinese with the English in brackets.

Supported: .txt .md (UTF-8, UTF-8 BOM, UTF-16 BOM, GBK/GB18030, Big5 with a warning), .pdf (text layer; scanned
pages by OCR), .docx, .html/.htm, .png/.jpg page images (OCR). See each module for how Line.line is numbered.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from index.errors import IngestError
from index.records import Document, Warning

from .header import info_line, take_header
from .normalize import sniff

SUPPORTED = {".txt": "txt", ".md": "md", ".markdown": "md", ".pdf": "pdf", ".docx": "docx",
             ".html": "html", ".htm": "html", ".xhtml": "html", ".png": "image", ".jpg": "image", ".jpeg": "image"}
_ADVICE = {".doc": "请用 Word 另存为 .docx", ".wps": "请另存为 .docx", ".xls": "表格文件不是年度报告全文",
           ".xlsx": "表格文件不是年度报告全文", ".ofd": "请导出为 PDF", ".rtf": "请另存为 .docx 或 .txt",
           ".tif": "请另存为 .png 或 .jpg", ".tiff": "请另存为 .png 或 .jpg"}
# A report's full text is well under 5 MB even as a PDF; a far larger file is the wrong file (or a scan), and
# reading it whole would cost memory several times its size. Checked before a byte is read.
MAX_FILE_MB = float(os.environ.get("ASSISTANT_MAX_FILE_MB", "30"))


def load(path) -> Document:
    """Read one report. Raises IngestError for an empty, binary, undecodable, corrupt, encrypted or image-only
    file, and for an unsupported extension."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise IngestError(name, f"文件不存在 (no such file: {path})")
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        advice = _ADVICE.get(ext, "支持 .txt .md .pdf .docx .html .png .jpg")
        raise IngestError(name, f"不支持的文件类型 {ext or '（无扩展名）'}：{advice} "
                                f"(unsupported file type; supported: {', '.join(sorted(SUPPORTED))})")
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:
        raise IngestError(name, f"文件过大（{size / 1048576:.1f} MB，上限 {MAX_FILE_MB:g} MB）：年度报告全文通常不足 5 MB，"
                                f"请确认是否选错了文件，或拆分后再导入；上限可用 ASSISTANT_MAX_FILE_MB 调整 "
                                f"(file too large: {size / 1048576:.1f} MB > {MAX_FILE_MB:g} MB)")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(name, "文件为空 (empty file): 请检查下载或导出是否完整")
    sha = hashlib.sha256(data).hexdigest()
    declared = SUPPORTED[ext]
    kind = sniff(data)
    warnings: list[Warning] = []
    encoding = None

    if kind and kind.startswith("binary:旧版 Office") and declared == "docx":
        # a password-protected .docx is stored as an OLE container, like a legacy .doc
        raise IngestError(name, "DOCX 已加密（需要密码），或是改了扩展名的旧版 .doc 文件：请用 Word 另存为未加密的 .docx "
                                "(password-protected .docx or a renamed legacy .doc)")
    if declared == "image" and kind in ("binary:PNG 图片 (PNG image)", "binary:JPEG 图片 (JPEG image)"):
        from .image import load_image
        lines, w = load_image(path)
        return Document(file=name, path=str(path.resolve()), sha256=sha, format="image", lines=lines, warnings=w)
    if kind and kind.startswith("binary:"):
        expected = declared.upper() if declared in ("pdf", "docx") else f"{ext}文本"
        raise IngestError(name, f"文件内容是{kind[7:]}，不是{expected}；可能是改了扩展名的二进制文件或文件已损坏 "
                                f"(binary content, not a {expected if declared in ('pdf', 'docx') else 'text'} file)")
    actual = declared
    if kind == "pdf":
        actual = "pdf"
    elif kind == "zip":
        actual = "docx"
    elif kind == "html" and declared in ("txt", "md"):
        actual = "html"
    elif declared in ("pdf", "docx", "image") and kind is None:
        what = "图片" if declared == "image" else declared.upper()
        raise IngestError(name, f"扩展名是{ext}，但内容不是{what}（文件损坏或改了扩展名） "
                                f"(not a {declared.upper()} file despite its extension)")
    if actual != declared:
        warnings.append(Warning("format", f"{name}: 扩展名是{ext}，按内容作为 {actual} 读取 "
                                          f"(read as {actual} by its content)", name))

    if actual == "pdf":
        from .pdf import load_pdf
        lines, w = load_pdf(path)
    elif actual == "docx":
        from .docx import load_docx
        lines, w = load_docx(path)
    elif actual == "html":
        from .html import load_html
        lines, encoding, w = load_html(path, data)
    else:
        from .text import load_text
        lines, encoding, w = load_text(path, data)
    fmt = actual if actual != "txt" or declared != "md" else "md"
    header = take_header(lines) if actual in ("txt", "md", "html") else []
    if actual == "html" and (info := info_line(lines)):
        header.append(info)
    return Document(file=name, path=str(path.resolve()), sha256=sha, format=fmt, lines=lines,
                    encoding=encoding, warnings=warnings + w, header=header)


__all__ = ["load", "SUPPORTED"]
