"""Word .docx through python-docx: paragraphs and tables in document order.

Line.line is the ordinal of the Line in document order (1-based): a paragraph (a soft line break inside a
paragraph starts a new Line) or a table row. A table row is one Line whose `cells` are the row's cells with
merged cells given once (a horizontally merged cell is one <w:tc> with gridSpan; a vertically merged cell
keeps its text in the first row and is "" in the rows it spans) and whose text is the cells joined by tabs.
`cell_ref` names the row: "表2第5行". A table nested in a cell is flattened: its rows follow the row that holds
it, named "表2第5行-嵌套表1第3行". Headers and footers (page numbers) are not read.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from index.errors import IngestError
from index.records import Line, Warning

from .normalize import check_zip, clean_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _para_text(p_el) -> str:
    """A paragraph's visible text: w:t (also inside hyperlinks, tracked insertions, smart tags and text boxes),
    w:tab -> tab, w:br/w:cr -> newline. Deleted text (w:delText) and field codes (w:instrText) are other tags
    and so are left out. python-docx's Paragraph.text reads only direct runs and hyperlinks."""
    out = []
    for el in p_el.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if el.tag == _W + "t":
            out.append(el.text or "")
        elif el.tag == _W + "tab":
            if el.getparent() is not None and el.getparent().tag == _W + "r":  # not a tab-stop definition
                out.append("\t")
        elif el.get(_W + "type") in (None, "textWrapping"):
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> tuple[str, list]:
    parts, nested = [], []
    for child in tc.iterchildren():
        if child.tag == _W + "p":
            t = _para_text(child).strip()
            if t:
                parts.append(t)
        elif child.tag == _W + "tbl":
            nested.append(child)
    return " ".join(" ".join(parts).split("\n")), nested


class _Emitter:
    def __init__(self):
        self.lines: list[Line] = []
        self.n_tables = 0

    def add(self, text: str, cells=None, cell_ref=None):
        self.lines.append(Line(text=clean_line(text), line=len(self.lines) + 1,
                               cells=[clean_line(c) for c in cells] if cells is not None else None,
                               cell_ref=cell_ref))

    def block(self, el):
        if el.tag == _W + "p":
            for piece in _para_text(el).split("\n"):
                if piece.strip():
                    self.add(piece)
        elif el.tag == _W + "tbl":
            self.n_tables += 1
            self.table(el, f"表{self.n_tables}")
        elif el.tag == _W + "sdt":  # content control: its blocks sit in w:sdtContent
            for content in el.iterchildren(_W + "sdtContent"):
                for child in content.iterchildren():
                    self.block(child)

    def table(self, tbl, name: str):
        for r, tr in enumerate(tbl.iterchildren(_W + "tr"), start=1):
            cells, nested = [], []
            for tc in tr.iterchildren(_W + "tc"):
                text, inner = _cell_text(tc)
                if tc.vMerge == "continue":
                    text = ""  # the merged cell's text was given in the row where it starts
                cells.append(text)
                nested.extend(inner)
            ref = f"{name}第{r}行"
            if any(c.strip() for c in cells):
                self.add("\t".join(cells), cells=cells, cell_ref=ref)
            for k, inner in enumerate(nested, start=1):
                self.table(inner, f"{ref}-嵌套表{k}")


def load_docx(path: Path) -> tuple[list[Line], list[Warning]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        raise IngestError(path.name, "DOCX 文件损坏或不完整，无法打开；请用 Word 重新保存 (corrupt or truncated .docx)") from None
    check_zip(path, path.name)  # a zip bomb is refused on the zip's directory, before python-docx inflates it
    if "word/document.xml" not in names:
        raise IngestError(path.name, "不是 Word 文档（压缩包里没有 word/document.xml）；请提供 .docx、PDF 或 txt "
                                     "(a zip file, not a Word document)")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise IngestError(path.name, f"DOCX 文件损坏，无法读取；请用 Word 重新保存 (corrupt .docx: {e})") from None
    except Exception as e:  # lxml XMLSyntaxError and friends
        raise IngestError(path.name, f"DOCX 文件内容损坏，无法读取；请用 Word 重新保存 "
                                     f"(corrupt .docx: {type(e).__name__}: {e})") from None
    em = _Emitter()
    for el in document.element.body.iterchildren():
        em.block(el)
    if not any(ln.text.strip() for ln in em.lines):
        raise IngestError(path.name, "Word 文档没有文字内容 (the .docx has no text)；如为扫描件，本系统不做OCR")
    return em.lines, []
