"""HTML and text the tabs show: answers with clickable [n], the source panel, search hits, citations.

Everything taken from a report or a model is escaped here before it is put into HTML.
The source panel of a citation: its header (report, table cell or section, page and line, 扫描件识别 when OCR
read it), for a cell the cited row with its labels, the printed page with the spot boxed when the report has
pages (a close-up, the whole page on click), then the text view (the lines around the quote, or the table).
"""
from __future__ import annotations

import base64
import html
import re
from typing import Iterable, Optional

from index.naming import display_name, full_title
from index.records import span_label

_WS = re.compile(r"\s+")
_CITE = re.compile(r"\[(\d{1,2})\]")


def esc(s) -> str:
    return html.escape("" if s is None else str(s))


def fmt_value(v) -> str:
    if v is None:
        return "—"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def split_section(section: Optional[str]) -> tuple[str, str]:
    """'一、总体情况 > （一）…' -> ('一、总体情况', '（一）…')."""
    parts = [p.strip() for p in (section or "").split(">") if p.strip()]
    if not parts:
        return "", ""
    return parts[0], " > ".join(parts[1:])


where = span_label  # 第5页第33–35行, as the answers and 简报 write it


def citation_text(agency, year, file, section, line_start, line_end=None, page=None, quote="",
                  table=None, row=None, column=None, page_end=None) -> str:
    """The reference staff paste into documents."""
    part, sub = split_section(section)
    bits = [full_title(agency, year)]
    if table:
        bits.append(f"“{table}”表 {row or ''}{'／' + column if column else ''}".strip())
    if part:
        bits.append(part)
    if sub:
        bits.append(sub)
    loc = where(line_start, line_end, page, page_end)
    if loc:
        bits.append(loc)
    q = _WS.sub(" ", quote or "").strip()
    return "，".join(bits) + (f"：“{q}”" if q else "")


# ---------------------------------------------------------------- chat
def answer_markdown(text: str, turn: int, n_citations: int) -> str:
    """Escape the answer, then turn [n] into links the page script routes to the source panel."""
    out = esc(text)

    def link(m):
        n = int(m.group(1))
        if 1 <= n <= n_citations:
            # the chatbot's sanitizer drops data-* attributes but keeps a fragment href: carry turn and n there
            return f'<a class="nb-cite" href="#nb-cite-{turn}-{n}">[{n}]</a>'
        return m.group(0)

    return _CITE.sub(link, out)


def citation_choice(c: dict) -> str:
    who = display_name(c.get("agency"), c.get("year"))
    if c.get("kind") == "cell":
        what = f"{c.get('table')}：{c.get('row')}／{c.get('column')} = {fmt_value(c.get('value'))}"
    else:
        what = split_section(c.get("section"))[0] or "正文"
    loc = where(c.get('line_start'), c.get('line_end'), c.get('page'), c.get('page_end'))
    return f"[{c['n']}] {who} · {what} · {loc}" + (" · 扫描件识别" if c.get("scan") else "")


def _highlight(text: str, needle: str) -> str:
    """Escape `text` and wrap the first whitespace-insensitive occurrence of `needle` in <mark>."""
    key = _WS.sub("", needle or "")
    if not key:
        return esc(text)
    # map positions of the squashed text back to the original
    pos = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in pos)
    k = squashed.find(key)
    if k < 0:
        return esc(text)
    a, b = pos[k], pos[k + len(key) - 1] + 1
    return esc(text[:a]) + "<mark>" + esc(text[a:b]) + "</mark>" + esc(text[b:])


def passage_panel(c: dict, lines: list[tuple[str, int, Optional[int]]], context: int = 4, page_html: str = "") -> str:
    """The cited lines with the quoted span highlighted and a few lines around them (after `page_html`, the
    printed page, when there is one)."""
    ls, le, page = c.get("line_start") or 0, c.get("line_end") or c.get("line_start") or 0, c.get("page")
    idx = [i for i, (_, n, p) in enumerate(lines) if ls <= n <= le and (page is None or p is None or p == page)]
    head = _panel_head(c) + page_html + (_TEXT_HEAD if page_html else "")
    if not idx:
        return head + f'<blockquote class="nb-quote"><mark>{esc(c.get("quote"))}</mark></blockquote>' \
               '<p class="nb-muted">（原文行未找到，仅显示引用的文字）</p>'
    i0, i1 = max(0, idx[0] - context), min(len(lines), idx[-1] + 1 + context)
    cited = "\n".join(lines[i][0] for i in idx)
    marked = _highlight(cited, c.get("quote") or "")
    if "<mark>" not in marked:  # quote normalised differently: mark the cited lines whole
        marked = "<mark>" + esc(cited) + "</mark>"
    rows = []
    for i in range(i0, i1):
        t, n, p = lines[i]
        if i == idx[0]:
            rows.append(f'<div class="nb-line nb-cited"><span class="nb-ln">{n}</span><span>{marked}</span></div>')
        elif idx[0] < i <= idx[-1]:
            continue
        else:
            rows.append(f'<div class="nb-line"><span class="nb-ln">{n}</span><span>{esc(t)}</span></div>')
    return head + '<div class="nb-source">' + "".join(rows) + "</div>"


def table_panel(c: dict, facts: list[dict], page_html: str = "") -> str:
    """The cited cell's row with its labels, the printed page (`page_html`, when there is one), then the
    report's whole table with the cited cell highlighted."""
    head = _panel_head(c)
    tbl = [f for f in facts if f.get("tbl") == c.get("table")]
    if not tbl:
        return head + page_html + f'<blockquote class="nb-quote"><mark>{esc(c.get("quote"))}</mark></blockquote>'
    rows, cols = [], []
    for f in tbl:
        if f["row_name"] not in rows:
            rows.append(f["row_name"])
        if f["col_name"] not in cols:
            cols.append(f["col_name"])
    val = {(f["row_name"], f["col_name"]): f for f in tbl}
    # a computed figure's citation carries its cells (Citation.cells): all of them are marked, together
    hits = {(x.get("row"), x.get("column")) for x in c.get("cells") or [c]}
    out = ['<div class="nb-table-wrap"><table class="nb-table"><thead><tr><th></th>']
    out += [f"<th>{esc(col)}</th>" for col in cols]
    out.append("</tr></thead><tbody>")
    for r in rows:
        hit_row = any(r == h[0] for h in hits)
        out.append(f'<tr class="{"nb-hit-row" if hit_row else ""}"><th>{esc(r)}</th>')
        for col in cols:
            f = val.get((r, col))
            shown = "" if f is None else (f.get("printed") if f.get("printed") not in (None, "") else fmt_value(f.get("value")))
            cls = "nb-hit" if (r, col) in hits else ""
            out.append(f'<td class="{cls}">{esc(shown)}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    # the cited row goes first: the table can be taller than the panel
    whole = '<p class="nb-muted" style="margin:8px 0 2px">整张表：</p>' if page_html else ""
    return head + cell_row(c, tbl) + page_html + whole + "".join(out)


def _shown(f: dict) -> str:
    return f.get("printed") if f.get("printed") not in (None, "") else fmt_value(f.get("value"))


def cell_row(c: dict, facts: list[dict]) -> str:
    """The cited cell as staff read it in the printed table: 表 · 行 · 列 = value, and the row's other columns
    beside it (the line it was read from is only a run of digits without them). A computed figure's citation
    lists each of its cells so."""
    if c.get("cells"):
        return "".join(cell_row(x, facts) for x in c["cells"])
    row = [f for f in facts if f.get("tbl") == c.get("table") and f.get("row_name") == c.get("row")]
    hit = next((f for f in row if f.get("col_name") == c.get("column")), None)
    value = _shown(hit) if hit else fmt_value(c.get("value"))
    unit = (hit or {}).get("unit") or ""
    doubt = '<span class="nb-muted">（识别存疑，请对照原页）</span>' if hit and hit.get("uncertain") else ""
    label = " · ".join(esc(x) for x in (c.get("table"), c.get("row"), c.get("column")) if x)
    out = [f'<div class="nb-cell-row" style="margin:4px 0 8px"><div>{label} = <b>{esc(value)}</b>{esc(unit)}{doubt}</div>']
    if row:
        out.append('<div class="nb-table-wrap"><table class="nb-table"><thead><tr>')
        out += [f"<th>{esc(f.get('col_name'))}</th>" for f in row]
        out.append("</tr></thead><tbody><tr>")
        for f in row:
            if f is hit:
                out.append(f'<td class="nb-cell-hit" style="font-weight:700"><mark>{esc(_shown(f))}</mark></td>')
            else:
                out.append(f"<td>{esc(_shown(f))}</td>")
        out.append("</tr></tbody></table></div>")
    loc = where(c.get("line_start"), c.get("line_end"), c.get("page"), c.get("page_end"))
    if loc:
        out.append(f'<div class="nb-muted">原文位置：{esc(loc)}</div>')
    return "".join(out) + "</div>"


# ---------------------------------------------------------------- the printed page
_TEXT_HEAD = '<p class="nb-muted" style="margin:8px 0 2px">文字版原文：</p>'
_IMG_STYLE = "display:block;width:100%;height:auto;border:1px solid var(--border-color-primary);background:#fff"


def _data_png(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def page_view(img) -> str:
    """A rendered page (index.page_image.PageImage): the close-up of the boxed spot on top, the whole page on
    click; the whole page at once when nothing could be boxed (with the reason)."""
    where_ = f"原件第{img.page}页（共{img.pages}页）"
    full = (f'<img class="nb-page-full" alt="{esc(where_)}整页" src="{_data_png(img.png)}" '
            f'width="{img.width}" height="{img.height}" style="{_IMG_STYLE}">')
    scan = "扫描件识别：文字和数字由识别读出，请以原页为准。" if img.scan else ""
    if img.zoom:
        return (f'<div class="nb-page" style="margin:6px 0">'
                f'<div class="nb-muted">{esc(where_)} · 红框为引用处{("；" + esc(scan)) if scan else ""}</div>'
                f'<img class="nb-page-zoom" alt="{esc(where_)}引用处放大" src="{_data_png(img.zoom)}" style="{_IMG_STYLE}">'
                f'<details class="nb-page-more" style="margin-top:4px"><summary style="cursor:pointer">查看整页</summary>'
                f'{full}</details></div>')
    note = img.note or ("红框为引用处" if img.boxes else "")
    return (f'<div class="nb-page" style="margin:6px 0"><div class="nb-muted">{esc(where_)}'
            f'{(" · " + esc(note)) if note else ""}{("；" + esc(scan)) if scan else ""}</div>{full}</div>')


def page_problem(message: str) -> str:
    """Why the printed page is not shown; the text view below still is."""
    return f'<div class="nb-empty nb-page-problem" style="margin:6px 0;padding:8px 12px">{esc(message)}</div>'


def _panel_head(c: dict) -> str:
    part, sub = split_section(c.get("section"))
    meta = [f"<b>{esc(display_name(c.get('agency'), c.get('year')))}</b>"]
    if c.get("kind") == "cell":
        meta.append(f"表：{esc(c.get('table'))} · {esc(c.get('row'))} · {esc(c.get('column'))}")
    if part:
        meta.append(esc(part + (" > " + sub if sub else "")))
    meta.append(esc(where(c.get("line_start"), c.get("line_end"), c.get("page"), c.get("page_end"))))
    if c.get("scan"):  # read by OCR: staff check the figure against the page image
        meta.append('<span class="nb-badge nb-scan" title="这处文字由扫描件识别读出，请对照原页核对">扫描件识别</span>')
    title = full_title(c.get("agency"), c.get("year"))
    # the full title under the short header; the file name only on hover (a details view, not a name)
    return (f'<div class="nb-panel-head"><span class="nb-badge">[{esc(c.get("n"))}]</span> '
            + " · ".join(m for m in meta if m)
            + f'<div class="nb-muted" title="文件：{esc(c.get("file"))}">{esc(title)}</div></div>')


EMPTY_PANEL = ('<div class="nb-empty">点击回答中的 <b>[1]</b>、<b>[2]</b> 等引用编号，'
               '这里会显示原文段落或表格，并高亮被引用的内容。</div>')


# ---------------------------------------------------------------- search
def hits_html(hits: Iterable[dict], query: str) -> str:
    hits = list(hits)
    if not hits:
        return f'<div class="nb-empty">没有找到包含“{esc(query)}”的段落。可以换个说法，或去掉机关/年度筛选。</div>'
    out = []
    for i, h in enumerate(hits):
        kind = {"exact": "完全匹配", "words": "包含全部词语", "related": "相关"}.get(h["match"], "")
        out.append(
            f'<div class="nb-hit-card" data-i="{i}">'
            f'<div class="nb-hit-meta"><span class="nb-badge">{esc(kind)}</span> '
            f'<b title="文件：{esc(h["file"])}">{esc(display_name(h.get("agency"), h.get("year")))}</b> · '
            f'{esc(h.get("section") or "")} · {esc(where(h.get("line_start"), h.get("line_end"), h.get("page"), h.get("page_end")))}</div>'
            f'<div class="nb-hit-text">{h["html"]}</div>'
            f'<button class="nb-copy" data-cite="{esc(h["citation"])}">复制引用</button></div>')
    return "".join(out)
