"""HTML pages (a report as published on a government site) through BeautifulSoup.

Scripts, styles and other non-content elements are dropped; entities are decoded (&nbsp; becomes a space via
clean_line); every block element (p, div, h1-h6, li, br-separated text ...) gives one Line. A <table> row gives
one Line with `cells` (a cell spanning several columns or rows through colspan/rowspan appears once, in the row
where it is written) and `cell_ref` "表1第3行". Line.line is the Line's ordinal in document order (1-based).
On a portal page only the block holding the report (一、总体情况 … 六、其他需要报告的事项) is read, with its
headline (the heading above it, or the page <title>) as the first Line: menus and site footers are not report.
"""
from __future__ import annotations

import re
from pathlib import Path

from index.errors import IngestError
from index.records import Line, Warning

from .normalize import clean_line, decode_text

_DROP = {"script", "style", "noscript", "template", "iframe", "svg", "canvas", "head", "title", "meta", "link",
         "object", "embed", "button", "select", "input", "textarea", "map"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote", "pre",
          "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "form", "fieldset", "figure",
          "figcaption", "address", "center", "hr", "caption", "body", "html"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        declared = "gb18030"  # the superset: pages labelled gb2312 routinely use GBK characters
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(data)
    except UnicodeError as e:
        raise IngestError(path.name, f"无法识别网页的文字编码 (cannot decode the HTML: {e})") from None


_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])")


def _cjk_join(text: str) -> str:
    """Word's HTML cuts a label into spans (三/、本/年/度…): the pieces were one word, not words apart."""
    return _CJK_GAP.sub("", text)


def _own_cells(table):
    return [c for tr in table.find_all("tr") if tr.find_parent("table") is table
            for c in tr.find_all(["td", "th"], recursive=False)]


def _is_layout(table) -> bool:
    """Old portal pages put the whole page in a <table>. A data table's cells are short labels and numbers
    (the longest standard label has ~30 characters); a layout cell holds paragraphs or other tables."""
    for cell in _own_cells(table):
        if cell.find("table") is not None or len(cell.get_text("", strip=True)) > 200:
            return True
    return False


class _Walker:
    def __init__(self):
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.n_tables = 0

    def add(self, text: str, cells=None, cell_ref=None):
        text = clean_line(text).strip()
        if text:
            self.lines.append(Line(text=text, line=len(self.lines) + 1, cells=cells, cell_ref=cell_ref))

    def flush(self):
        if self.buf:
            self.add(re.sub(r"\s+", " ", "".join(self.buf)))
            self.buf = []

    def walk(self, node):
        from bs4 import Comment, NavigableString, Tag

        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _DROP:
                continue
            if name == "br":
                self.flush()
            elif name == "table" and _is_layout(child):
                self.flush()  # a table used to lay out the page: its cells are blocks of text, not data
                for cell in _own_cells(child):
                    self.walk(cell)
                    self.flush()
            elif name == "table":
                self.flush()
                self.n_tables += 1
                self.table(child, f"表{self.n_tables}")
            elif name in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table, name: str):
        from bs4 import Tag

        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.add(caption.get_text(" ", strip=True))
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        for r, tr in enumerate(rows, start=1):
            cells, nested = [], []
            for cell in tr.find_all(["td", "th"], recursive=False):
                for inner in cell.find_all("table"):
                    if inner.find_parent("table") is table or inner.find_parent(["td", "th"]) is cell:
                        nested.append(inner.extract())
                for dead in cell.find_all(list(_DROP)):
                    if isinstance(dead, Tag):
                        dead.decompose()
                cells.append(_cjk_join(clean_line(re.sub(r"\s+", " ", cell.get_text(" ", strip=True))).strip()))
            ref = f"{name}第{r}行"
            if any(cells):
                self.add("\t".join(cells), cells=cells, cell_ref=ref)
            for k, inner in enumerate(nested, start=1):
                self.table(inner, f"{ref}-嵌套表{k}")


def _article(root):
    """The element that holds the report on a portal page (menus, footers and 备案号 around it are dropped):
    the smallest block that contains both the first and the last standard part. None: use the whole body."""
    best = None
    for el in root.find_all(["div", "article", "section", "main", "td"]):
        t = el.get_text("", strip=True)
        if "总体情况" in t and ("其他需要报告" in t or "存在的主要问题" in t or "改进情况" in t):
            if best is None or len(t) < best[0]:
                best = (len(t), el)
    return best[1] if best else None


def _headline(root, article) -> str | None:
    """The report's title when the article block does not carry it: the last heading before the article
    that names a report, else the page <title> (minus a "_XX网站" suffix)."""
    first = next(article.stripped_strings, "")
    if re.search(r"(工作|年度)报告", first) and len(first) <= 60 and "。" not in first:
        return None  # the article starts with its own title (not with "本报告根据…年度报告格式…")
    for h in article.find_all_previous(["h1", "h2", "h3", "h4", "p", "div"], limit=60):
        t = h.get_text(" ", strip=True)
        if "报告" in t and len(t) <= 60 and "。" not in t:
            return t
    title = root.find("title")
    if title is not None:
        t = re.split(r"[_|｜—-]{1,2}", title.get_text(" ", strip=True))[0].strip()
        if "报告" in t:
            return t
    return None


def load_html(path: Path, data: bytes) -> tuple[list[Line], str, list[Warning]]:
    from bs4 import BeautifulSoup

    text, encoding = _decode(path, data)
    soup = BeautifulSoup(text, "html.parser")
    w = _Walker()
    body = soup.body or soup
    article = _article(body)
    if article is not None and article is not body:
        headline = _headline(soup, article)
        if headline:
            w.add(headline)
        w.walk(article)
    else:
        w.walk(body)
    w.flush()
    if not w.lines:
        raise IngestError(path.name, "网页里没有正文文字 (the HTML page has no text)")
    return w.lines, encoding, []
