"""Page images of a report (.png, .jpg/.jpeg, as a phone or a scanner makes them), read by OCR.

One image is a one-page report (Line.page = 1, boxes in the image's own pixels). Several images of one report
are one upload: `images_to_pdf` joins them, in the order given, into an image-only PDF (each page at
ocr.OCR_DPI, so rendering it back gives the image's own pixels); that PDF is what is ingested and stored, so
the library keeps every page and cites them by page number like any scanned PDF.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from index.errors import IngestError
from index.records import Line, Warning

IMAGE_EXTS = (".png", ".jpg", ".jpeg")
_MIN_TEXT_CHARS = 20


def _open(path: Path):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(path)
        img.load()
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise IngestError(path.name, f"图片文件损坏或无法读取；请重新扫描或导出 (unreadable image: {e})") from None
    return ImageOps.exif_transpose(img).convert("RGB")  # a phone photo is stored sideways with an EXIF turn


def load_image(path: Path, progress=None) -> tuple[list[Line], list[Warning]]:
    from . import ocr

    if not ocr.available():
        raise IngestError(path.name, "图片需要文字识别，但未安装文字识别组件 rapidocr-onnxruntime；请运行 scripts/setup.sh "
                                     "(an image needs OCR, which is not installed)")
    img = _open(path)
    lines = ocr.ocr_pages([(1, img)], progress or ocr.PROGRESS.get())
    if sum(len(ln.text.strip()) for ln in lines) < _MIN_TEXT_CHARS:
        raise IngestError(path.name, "图片中没有识别出文字（OCR）；请提供更清晰的扫描件或可复制文字的版本 "
                                     "(OCR read no text in the image)")
    w = Warning("ocr", f"{path.name}: 图片内容由文字识别读出（{ocr.SCAN}），引用的数字请对照原件核对 "
                       f"(page image read by OCR)", path.name)
    return lines, [w]


def images_to_pdf(paths: Iterable[Path | str], out: Path | str) -> Path:
    """Several page images of one report -> one image-only PDF, pages in the order given."""
    from . import ocr

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no images")
    out = Path(out)
    c = canvas.Canvas(str(out))
    for p in paths:  # one image in memory at a time; embedded losslessly (no second JPEG pass over a scan)
        img = _open(p)
        w, h = img.size[0] * 72 / ocr.OCR_DPI, img.size[1] * 72 / ocr.OCR_DPI
        c.setPageSize((w, h))
        c.drawImage(ImageReader(img), 0, 0, width=w, height=h)
        c.showPage()
    c.save()
    return out
