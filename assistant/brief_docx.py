"""A Brief as a Word document (python-docx): title, headings, paragraphs with [n], the summary table, charts,
and the numbered source list. Chinese text gets an East Asian font explicitly, because python-docx only sets
the Latin one and Word would otherwise fall back to a font without the glyphs on some systems.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.brief_md import generated_by

BODY_FONT = "宋体"  # what agencies' Word installs have; LibreOffice maps it to Noto CJK via fontconfig
HEAD_FONT = "黑体"


def _east_asian(style_or_run, name: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _setup(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        st = doc.styles[name]
        st.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        _east_asian(st, HEAD_FONT)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin = sec.bottom_margin = Cm(2.0)


def _widths(table, ncols: int, text_width_cm: float = 16.6) -> None:
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
    _setup(doc)
    t = doc.add_heading(brief.title, level=0)
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in brief.sections:
        doc.add_heading(s.title, level=1)
        for p in s.paragraphs:
            para = doc.add_paragraph(p)
            para.paragraph_format.first_line_indent = Pt(22)
            para.paragraph_format.space_after = Pt(4)
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
                doc.add_picture(ch.path, width=Cm(15))
                cap = doc.add_paragraph(f"图：{ch.title}")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
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
