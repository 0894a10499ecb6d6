"""The 简报 tab: pick an agency (or all) and a year range, press 生成, read the cited draft with its charts,
download .docx / .md. Calls the same library function as the CLI (assistant.brief.draft.make_brief).

`build_brief_tab(get_library, get_store_dir)` builds the components inside the caller's current Blocks/Tab
context and returns them by name; it also accepts the app's Services object in place of `get_library`.
"""
from __future__ import annotations

import logging
import re
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

import gradio as gr

from assistant.brief.sources import brief_choices

log = logging.getLogger(__name__)
ALL_AGENCIES = "全部机构（排名）"
LLM_CHOICES = [("不使用（模板文字）", "none"), ("本地模型", "local"), ("OpenAI 兼容服务", "openai")]


def _holdings(get_library) -> tuple[list[str], list[int]]:
    """Agencies (the one with most years first, so the default draft shows 同比变化) and years held."""
    try:
        return brief_choices(get_library())
    except Exception as e:  # an empty or missing store: the pickers stay empty, the button explains
        log.info("brief tab: no library yet (%s)", e)
        return [], []


def _message(e: BaseException) -> str:
    try:
        from assistant.ui.services import friendly

        return friendly(e)
    except ImportError:
        return str(e)


def generate(get_library, agency: Optional[str], y_from, y_to, llm: str = "none", out_root: Optional[str] = None):
    """(markdown shown, chart paths, [docx, md] paths, status markdown). Raises nothing: errors become status."""
    try:
        from assistant.brief.draft import make_brief

        years = None
        if y_from or y_to:
            a, b = int(y_from or y_to), int(y_to or y_from)
            years = f"{min(a, b)}-{max(a, b)}"
        name = None if not agency or agency == ALL_AGENCIES else agency
        out = Path(out_root or tempfile.mkdtemp(prefix="brief_"))
        t0 = time.time()
        brief = make_brief(get_library(), agency=name, years=years, llm=llm or "none", chart_dir=str(out / "charts"))
        stem = re.sub(r"[\\/:*?\"<>|\s（）()]+", "", brief.title)[:60] or "简报"
        docx = brief.to_docx(out / f"{stem}.docx")
        md = out / f"{stem}.md"
        md.write_text(brief.to_markdown(charts="embed"), encoding="utf-8")
        res = brief.verify()
        ok = ("**核验通过**：全部数字可追溯到事实、原文或算式" if res.ok else
              "**注意**：以下数字无法追溯，请人工核对：" + "、".join(res.unverified))
        kept = sum(1 for p in brief.polish if p.get("status") == "kept")
        lines = [f"{ok} · {len(brief.sources)} 个来源 · {len(brief.charts)} 张图 · 用时 {time.time() - t0:.1f} 秒"]
        if brief.polish:
            lines.append(f"大模型润色：保留 {kept}/{len(brief.polish)} 段，其余因数字核验未通过保留模板原文。")
        lines += [f"- {n}" for n in brief.notes]
        return (brief.to_markdown(charts="none"), [c.path for c in brief.charts], [str(docx), str(md)],
                "\n".join(lines))
    except Exception as e:
        from index.errors import AssistantError

        if not isinstance(e, AssistantError):  # our own errors are the user's to fix; others are bugs to log
            log.exception("brief failed")
        return "", [], None, f"**无法生成**：{_message(e)}"


def build_brief_tab(get_library=None, get_store_dir: Optional[Callable[[], str]] = None) -> dict:
    """Components of the tab, built in the current Blocks context. `get_library`: a callable returning an
    index.library.Library, or the app's Services (its `.library`)."""
    if get_library is not None and hasattr(get_library, "library") and not callable(getattr(get_library, "sql", None)):
        svc = get_library
        get_library, get_store_dir = svc.library, (lambda: str(svc.store_dir))
    if get_library is None:
        from index.library import Library

        get_library = lambda: Library(get_store_dir() if get_store_dir else None)  # noqa: E731
    agencies, years = _holdings(get_library)
    gr.Markdown("按机构和年份生成政府信息公开工作简报草稿：每个数字标注来源[n]，同比变化给出算式，可下载 Word 和 Markdown。")
    with gr.Row():
        agency = gr.Dropdown([ALL_AGENCIES] + agencies, value=(agencies[0] if agencies else ALL_AGENCIES),
                             label="机构", allow_custom_value=True, scale=3, elem_id="brief-agency")
        y_from = gr.Dropdown(years, value=(years[0] if years else None), label="起始年份", scale=1,
                             elem_id="brief-year-from")
        y_to = gr.Dropdown(years, value=(years[-1] if years else None), label="截止年份", scale=1,
                           elem_id="brief-year-to")
        llm = gr.Dropdown(LLM_CHOICES, value="none", label="文字润色", scale=2, elem_id="brief-llm")
    with gr.Row():
        go = gr.Button("生成简报", variant="primary", elem_id="brief-go", scale=3)
        refresh = gr.Button("刷新机构和年份", size="sm", scale=1)
    status = gr.Markdown(elem_id="brief-status")
    with gr.Row():
        with gr.Column(scale=3):
            draft = gr.Markdown(elem_id="brief-draft", show_copy_button=True) if _has_copy() else \
                gr.Markdown(elem_id="brief-draft")
        with gr.Column(scale=2):
            files = gr.File(label="下载（.docx / .md）", file_count="multiple", elem_id="brief-files")
            gallery = gr.Gallery(label="图表", columns=1, object_fit="contain", height=560, elem_id="brief-charts")

    def _run(a, f, t, m):
        # what is being done, in the status line (no overlay greying the draft, the charts and the downloads)
        yield (gr.skip(), gr.skip(), gr.skip(),
               "正在汇总事实和原文…" if m == "none" else "正在生成并用大模型润色（数字逐段核验）…")
        yield generate(get_library, a, f, t, m)

    def _refresh(a=None, f=None, t=None):
        """The agencies and years held now; a choice still held is kept (the tab refreshes when it is opened),
        and a store that held nothing before (first run) gets the same defaults as a full one."""
        ags, ys = _holdings(get_library)
        fresh = f is None and t is None
        a = a if a in [ALL_AGENCIES] + ags and not fresh else (ags[0] if ags else ALL_AGENCIES)
        return (gr.update(choices=[ALL_AGENCIES] + ags, value=a),
                gr.update(choices=ys, value=f if f in ys else (ys[0] if ys else None)),
                gr.update(choices=ys, value=t if t in ys else (ys[-1] if ys else None)))

    go.click(_run, [agency, y_from, y_to, llm], [draft, gallery, files, status], api_name="brief",
             show_progress="hidden")
    refresh.click(_refresh, [agency, y_from, y_to], [agency, y_from, y_to], api_visibility="undocumented",
                  show_progress="hidden")
    return {"agency": agency, "year_from": y_from, "year_to": y_to, "llm": llm, "go": go, "draft": draft,
            "charts": gallery, "files": files, "status": status, "refresh": _refresh,
            "refresh_io": [agency, y_from, y_to]}


def _has_copy() -> bool:
    import inspect

    return "show_copy_button" in inspect.signature(gr.Markdown.__init__).parameters


def demo(store_dir: Optional[str] = None) -> gr.Blocks:
    """The tab on its own (`python -m assistant.ui.brief_tab [STORE]`), for screenshots and trying it out."""
    with gr.Blocks(title="简报", analytics_enabled=False) as d:
        build_brief_tab(get_store_dir=lambda: store_dir)
    return d


if __name__ == "__main__":
    import sys

    demo(sys.argv[1] if len(sys.argv) > 1 else None).launch(server_name="127.0.0.1")
