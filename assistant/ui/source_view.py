"""The citation panel's content: the printed page with the cited spot boxed (PDF and scanned reports) above
the text view the panel always had (the lines at the quote, or the table with the cited cell).

The page is an extra: when it cannot be rendered (the stored copy is gone, the page does not exist, the render
is slow) the panel says so in Chinese and still shows the text view; only a failure of the text view itself
replaces the panel with a message. Messages name the report as staff know it, never by its file name.
"""
from __future__ import annotations

import logging
from typing import Optional

from assistant.ui import render
from assistant.ui.services import Services, friendly
from index.errors import AssistantError
from index.naming import display_name, humanize

log = logging.getLogger(__name__)


def _named(c: dict, message: str) -> str:
    """The message with the report's file name replaced by its display name; a leading 'file：' (the page
    errors' form) dropped, the panel's header already names the report."""
    file = c.get("file") or ""
    if file and message.startswith(file + "："):
        message = message[len(file) + 1:]
    return humanize(message, {file: display_name(c.get("agency"), c.get("year"))}) if file else message


def page_html(svc: Services, c: dict) -> str:
    """The cited page as HTML ('' for a report without pages), or the reason it cannot be shown."""
    try:
        # a figure computed from several cells names their shared row ("不予公开"), not a printed one: box its
        # first cell (the table view below marks them all)
        cell = (c.get("cells") or [c])[0]
        if c.get("kind") == "cell" and cell.get("table"):
            img = svc.page_image(c["file"], cell=(cell["table"], cell.get("row"), cell.get("column")))
        else:
            img = svc.page_image(c["file"], page=c.get("page"), line=c.get("line_start"), line_end=c.get("line_end"),
                                 quote=c.get("quote") or "", scan=c.get("scan"), page_end=c.get("page_end"))
    except AssistantError as e:  # PageError, a timeout: our own words, in Chinese
        log.info("page image of %s: %s", c.get("file"), e)
        return render.page_problem(_named(c, str(e)))
    except Exception:
        log.exception("page image of %s", c.get("file"))
        return render.page_problem("生成页面图像时出错（详细信息见服务器日志），下面是文字版原文。")
    return render.page_view(img) if img is not None else ""


def source_panel(svc: Services, c: Optional[dict]) -> str:
    if not c:
        return render.EMPTY_PANEL
    page = page_html(svc, c)  # never raises
    try:
        if c.get("kind") == "cell" and c.get("table"):
            return render.table_panel(c, svc.facts(file=c["file"], table=c["table"]), page)
        return render.passage_panel(c, svc.source_lines(c["file"]), page_html=page)
    except Exception as e:
        log.exception("source panel")
        return f'<div class="nb-empty">无法显示原文：{render.esc(_named(c, friendly(e)))}</div>' + page
