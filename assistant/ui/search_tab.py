"""Search tab: find every passage holding a word, phrase or number, for citation lookup.

Literal matching first (whitespace-insensitive, because PDF and Word text breaks lines inside phrases):
exact phrase hits, then passages holding all the words, then BM25-related passages when literal hits are few.
Each hit is located in the report's source lines so the citation names the exact line(s).
"""
from __future__ import annotations

import logging
import re
from typing import Optional

import gradio as gr

from assistant.ui import render
from assistant.ui.notice import guarded
from assistant.ui.services import Services
from index.sentences import END_CHARS

log = logging.getLogger(__name__)
_WS = re.compile(r"\s+")
ALL = "全部"


def _squash_map(lines: list[tuple[str, int, Optional[int]]]):
    """Squashed text of consecutive lines and, per character, the index of the line it came from."""
    chars, owner = [], []
    for i, (t, _, _) in enumerate(lines):
        for ch in t:
            if not ch.isspace():
                chars.append(ch)
                owner.append(i)
    return "".join(chars), owner


def _locate(lines, key: str):
    """All (first_line_idx, last_line_idx) where the squashed `key` occurs in `lines`."""
    text, owner = _squash_map(lines)
    out, start = [], 0
    while key:
        k = text.find(key, start)
        if k < 0:
            break
        out.append((owner[k], owner[k + len(key) - 1]))
        start = k + len(key)
    return out


def _sentence(text: str, key: str, max_len: int = 120) -> str:
    """The sentence around the first occurrence of `key` (a quote should be short and self-contained)."""
    k = text.find(key)
    if k < 0:
        return text[:max_len]
    a = max((text.rfind(ch, 0, k) for ch in END_CHARS), default=-1) + 1
    ends = [e for e in (text.find(ch, k + len(key)) for ch in END_CHARS) if e >= 0]
    b = min(ends) + 1 if ends else len(text)
    a = max(a, k - max_len // 2)
    b = min(b, k + len(key) + max_len // 2)
    return text[a:b].strip()


def _window(text: str, quote: str, width: int = 110) -> str:
    """Some reports put a whole paragraph on one line: show the quote with about `width` characters around it."""
    k = text.find(quote[:20]) if quote else -1
    if k < 0 or len(text) <= len(quote) + 2 * width:
        return text
    a, b = max(0, k - width), min(len(text), k + len(quote) + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def find_passages(svc: Services, query: str, agency: Optional[str] = None, year: Optional[int] = None,
                  limit: int = 50) -> list[dict]:
    """Hits as dicts: file, agency, year, section, line_start, line_end, page, quote, match, html, citation."""
    query = (query or "").strip()
    if not query:
        return []
    terms = [t for t in _WS.split(query) if t]
    phrase = "".join(terms)
    chunks = svc.chunks(agency=None if agency in (None, "", ALL) else agency,
                        year=None if year in (None, "", ALL) else int(year))
    lines_cache: dict[str, list] = {}
    hits, seen = [], set()

    def lines_of(file):
        if file not in lines_cache:
            try:
                lines_cache[file] = svc.source_lines(file)
            except Exception:
                log.exception("source lines of %s", file)
                lines_cache[file] = []
        return lines_cache[file]

    def add(ch, match, key, highlight_terms):
        lines = lines_of(ch["file"])
        rng = [ln for ln in lines if ch["line_start"] <= ln[1] <= ch["line_end"]
               and (ch.get("page") is None or ln[2] is None or ch["page"] <= ln[2] <= (ch.get("page_end") or ch["page"]))]
        if key and rng and num:
            spans = [(i, i) for i, (t, _, _) in enumerate(rng) if num.search(t)]
        else:
            spans = _locate(rng, key) if key and rng else []
        if spans:
            for a, b in spans:
                sel = rng[a:b + 1]
                k = (ch["file"], sel[0][1], sel[-1][1], sel[0][2])
                if k in seen:
                    continue
                seen.add(k)
                joined = "".join(t.strip() for t, _, _ in sel)
                quote = joined.strip() if num else _sentence(joined, key)
                ctx_lines = rng[max(0, a - 1):b + 2]
                ctx = _window("".join(t.strip() for t, _, _ in ctx_lines), quote)
                hits.append(_hit(ch, match, sel[0][1], sel[-1][1], sel[0][2], quote, ctx, highlight_terms,
                                 page_end=sel[-1][2]))
        else:
            k = (ch["file"], ch["line_start"], ch["line_end"], ch.get("page"))
            if k in seen:
                return
            seen.add(k)
            text = ch["text"]
            hits.append(_hit(ch, match, ch["line_start"], ch["line_end"], ch.get("page"), text[:160], text,
                             highlight_terms, page_end=ch.get("page_end")))

    # a number must match whole (68 is not inside 168 or 6.8); table rows keep their spaces for that
    num = re.compile(rf"(?<![\d.]){re.escape(phrase)}(?![\d.])") if re.fullmatch(r"\d+(\.\d+)?", phrase) else None
    squashed = {c["id"]: _WS.sub("", c["text"]) for c in chunks}
    # text passages before table-row chunks: the row chunks repeat what the source table line already says
    ordered = sorted(chunks, key=lambda c: (c["kind"] != "text",))
    for ch in ordered:
        if (num.search(ch["text"]) if num else phrase in squashed[ch["id"]]):
            add(ch, "exact", phrase, [phrase])
    if len(terms) > 1:
        for ch in ordered:
            s = squashed[ch["id"]]
            if phrase not in s and all(t in s for t in terms):
                add(ch, "words", None, terms)
    if len(hits) < 5:
        for ch in _related(svc, query, chunks, exclude={h["chunk"] for h in hits}):
            add(ch, "related", None, terms)
    return hits[:limit]


def _related(svc: Services, query: str, chunks: list[dict], exclude: set[str], k: int = 5) -> list[dict]:
    try:
        from index.bm25 import BM25Index

        idx = BM25Index.load(svc.paths.bm25)
        if idx is None:
            return []
        by_id = {c["id"]: c for c in chunks}
        found = idx.search(query, k=k + len(exclude), allowed=set(by_id) - exclude)
        return [by_id[i] for i, _ in found if i in by_id][:k]
    except Exception:
        log.exception("bm25 related search")
        return []


def _hit(ch, match, ls, le, page, quote, ctx, terms, page_end=None) -> dict:
    page_end = page_end if page_end != page else None
    html = render.esc(ctx)
    for t in sorted(set(terms), key=len, reverse=True):
        html = render._highlight(ctx, t) if len(terms) == 1 else _mark_all(html, t)
    return {
        "chunk": ch["id"], "file": ch["file"], "agency": ch.get("agency"), "year": ch.get("year"),
        "section": ch.get("section"), "line_start": ls, "line_end": le, "page": page, "page_end": page_end,
        "quote": quote, "match": match, "html": html,
        "citation": render.citation_text(ch.get("agency"), ch.get("year"), ch["file"], ch.get("section"), ls, le,
                                         page, quote, page_end=page_end),
    }


def _mark_all(escaped_html: str, term: str) -> str:
    t = render.esc(term)
    return escaped_html.replace(t, f"<mark>{t}</mark>") if t else escaped_html


# ---------------------------------------------------------------- the tab
def build_search_tab(svc: Services) -> dict:
    gr.Markdown("输入词语、短语或数字，查找全部年报中的原文段落；点击“复制引用”得到可直接粘贴到公文中的引用格式。")
    with gr.Row():
        q = gr.Textbox(label="查找内容", placeholder="例如：人社福精灵、依申请公开、68", scale=4, elem_id="search-q")
        # choices are refreshed on page load and tab switch; custom values keep API callers from failing on a
        # report that landed since
        agency = gr.Dropdown(label="机关", choices=[ALL] + svc.agencies(), value=ALL, scale=2, elem_id="search-agency",
                             allow_custom_value=True)
        year = gr.Dropdown(label="年度", choices=[ALL] + [str(y) for y in svc.years()], value=ALL, scale=1,
                           elem_id="search-year", allow_custom_value=True)
        btn = gr.Button("搜索", variant="primary", scale=1, elem_id="search-btn", interactive=False)
    summary = gr.Markdown(elem_id="search-summary")
    cite_box = gr.Textbox(label="引用格式（点击结果中的“复制引用”，或用右侧按钮复制）", interactive=False, buttons=["copy"], elem_id="search-cite-box", lines=2)
    results = gr.HTML(elem_id="search-results")
    hits_state = gr.JSON(visible=False)

    @guarded(4, "search")
    def run(query, ag, yr):
        if not (query or "").strip():  # the button is disabled while the box is empty; Enter on it does nothing
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        hits = find_passages(svc, query, ag, None if yr in (None, "", ALL) else int(yr))
        n_exact = sum(h["match"] == "exact" for h in hits)
        msg = f"找到 **{len(hits)}** 处（完全匹配 {n_exact} 处）" if query else ""
        first = hits[0]["citation"] if hits else ""
        public = [{k: v for k, v in h.items() if k != "html"} for h in hits]
        return msg, render.hits_html(hits, query or ""), first, public

    outs = [summary, results, cite_box, hits_state]
    btn.click(run, [q, agency, year], outs, api_name="search")
    q.submit(run, [q, agency, year], outs, api_visibility="undocumented")
    q.change(lambda v: gr.update(interactive=bool((v or "").strip())), [q], [btn], api_visibility="undocumented",
             queue=False, show_progress="hidden")
    return {"query": q, "agency": agency, "year": year, "results": results}


def refresh_filters(svc: Services):
    return (gr.update(choices=[ALL] + svc.agencies()),
            gr.update(choices=[ALL] + [str(y) for y in svc.years()]))
