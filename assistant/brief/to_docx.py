"""A Brief as a Word document (python-docx) in 公文 style (GB/T 9704-2012): A4, margins 3.7/3.5/2.8/2.6 cm
(top/bottom/left/right), title in 方正小标宋简体 (黑体 where this machine lacks it) 二号 centred, body 仿宋 三号 at a
fixed 28 pt line, first-level headings 黑体 三号, page numbers "— n —" at the foot. Chinese text gets an East
Asian font explicitly, because python-docx only sets the Latin one and Word would otherwise fall back to a
font without the glyphs on some systems.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.brief.to_md import generated_by

PAGE_W, PAGE_H = 21.0, 29.7  # A4, cm
MARGINS = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}  # GB/T 9704-2012 7.1
TEXT_WIDTH = PAGE_W - MARGINS["left"] - MARGINS["right"]
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号


@lru_cache(maxsize=1)
def _have(font: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return font in out


def title_font() -> str:
    return "方正小标宋简体" if _have("方正小标宋简体") else "黑体"


BODY_FONT = "仿宋"  # FangSong: on every Windows and WPS install; LibreOffice maps it via fontconfig
HEAD_FONT = "黑体"


def _east_asian(style_or_run, name: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _style(st, font: str, size, bold: bool = False) -> None:
    st.font.name = font
    st.font.size = size
    st.font.bold = bold
    st.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(st, font)


def _page_number(section) -> None:
    """A centred '— PAGE —' footer (公文 page numbers), 宋体 四号."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run(" —")
    for r in p.runs:
        r.font.size = SIZE_4
        _east_asian(r, "宋体")


def page_setup(doc) -> None:
    """A4 公文 page, margins, styles with East Asian fonts and page numbers; the conversation export uses it too."""
    normal = doc.styles["Normal"]
    _style(normal, BODY_FONT, SIZE_3)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    _style(doc.styles["Title"], title_font(), SIZE_2)
    _style(doc.styles["Heading 1"], HEAD_FONT, SIZE_3)
    _style(doc.styles["Heading 2"], "楷体", SIZE_3)
    for name in ("Title", "Heading 1", "Heading 2"):
        pf = doc.styles[name].paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(28 if name != "Title" else 36)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(PAGE_W), Cm(PAGE_H)
    sec.top_margin, sec.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    sec.left_margin, sec.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    _page_number(sec)


def _widths(table, ncols: int, text_width_cm: float = TEXT_WIDTH) -> None:
    """A wide label column, the rest shared."""
    first = min(7.0, text_width_cm / 2) if ncols > 1 else text_width_cm
    other = Cm((text_width_cm - first) / max(ncols - 1, 1))
    table.autofit = False
    for i, col in enumerate(table.columns):  # the grid (LibreOffice reads this) and every cell (Word reads these)
        col.width = Cm(first) if i == 0 else other
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(first) if i == 0 else other


def to_docx(brief, path) -> Path:
    path = Path(path)
    doc = Document()
    page_setup(doc)
    t = doc.add_heading(brief.title, level=0)
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in brief.sections:
        doc.add_heading(s.title, level=1)
        for p in s.paragraphs:
            para = doc.add_paragraph(p)
            para.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
            para.paragraph_format.space_after = Pt(0)
        if s.table and s.table.rows:
            table = doc.add_table(rows=1, cols=len(s.table.header))
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, s.table.header):
                cell.text = h
                for r in cell.paragraphs[0].runs:
                    r.bold = True
            for row in s.table.rows:
                for cell, v in zip(table.add_row().cells, row):
                    cell.text = v
            _widths(table, len(s.table.header))
        for ch in s.charts:
            if Path(ch.path).exists():
                doc.add_picture(ch.path, width=Cm(min(15.0, TEXT_WIDTH)))
                cap = doc.add_paragraph(f"图：{ch.title}")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if brief.notes:
        doc.add_heading("说明", level=1)
        for n in brief.notes:
            doc.add_paragraph(n).paragraph_format.first_line_indent = Pt(32)
    doc.add_heading("七、资料来源", level=1)
    for lab in brief.source_labels():
        p = doc.add_paragraph(lab)
        p.paragraph_format.space_after = Pt(2)
        for r in p.runs:
            r.font.size = Pt(9)
    note = doc.add_paragraph(generated_by(brief))
    for r in note.runs:
        r.italic = True
        r.font.size = Pt(9)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
