"""The page: header, first-run banner, the tabs, page script and styles. `build_app(svc)` returns the Blocks;
`launch_kwargs()` carries what Gradio 6 takes at launch (css, head script, theme, translations)."""
from __future__ import annotations

import logging
import time

import gradio as gr

from assistant.ui import brief_tab, chat, data_tab, library_tab, search_tab
from assistant.ui.services import Services

log = logging.getLogger(__name__)

TITLE = "年报问答助手"

# Page script: [n] links in answers open the source panel (via a hidden textbox + button the server
# listens to), "复制引用" buttons copy their citation, and nbCopy falls back to execCommand where the
# Clipboard API is unavailable (plain http on a LAN address is not a secure context).
# Gradio 6 titles its toasts by their kind in English ("Error", "Warning", "Info") whatever title the server
# gives; nbToastTitles puts the Chinese one in their place as they appear.
HEAD = """
<script>
const NB_TOAST_TITLES = { error: '出错了', warning: '提示', info: '提示', success: '完成' };
function nbToastTitles() {
  document.querySelectorAll('.toast-title').forEach(function (t) {
    const kind = Object.keys(NB_TOAST_TITLES).find(function (k) { return t.classList.contains(k); });
    const node = Array.from(t.childNodes).find(function (n) { return n.nodeType === 3 && n.data.trim(); });
    if (kind && node && node.data.trim() !== NB_TOAST_TITLES[kind]) node.data = NB_TOAST_TITLES[kind] + ' ';
  });
}
new MutationObserver(nbToastTitles).observe(document.documentElement, { childList: true, subtree: true });
window.nbCopy = function (text) {
  const done = () => { window.nbLastCopied = text; };
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text).then(done, () => { fallback(); });
  }
  fallback();
  function fallback() {
    const ta = document.createElement('textarea');
    ta.value = text; ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    try { document.execCommand('copy'); } catch (e) {}
    document.body.removeChild(ta); done();
  }
};
function nbSetText(id, value) {
  const el = document.querySelector('#' + id + ' textarea, #' + id + ' input');
  if (!el) return false;
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
}
document.addEventListener('click', function (e) {
  const cite = e.target.closest('a.nb-cite');
  if (cite) {
    e.preventDefault();
    const m = /nb-cite-(\d+)-(\d+)/.exec(cite.getAttribute('href') || '');
    if (!m) return;
    nbSetText('nb-cite-target', m[1] + ':' + m[2]);
    setTimeout(() => { const b = document.querySelector('#nb-cite-go'); if (b) b.click(); }, 50);
    return;
  }
  const copy = e.target.closest('button.nb-copy');
  if (copy) {
    const text = copy.dataset.cite || '';
    window.nbCopy(text);
    nbSetText('search-cite-box', text);
    const old = copy.textContent; copy.textContent = '已复制 ✓';
    setTimeout(() => { copy.textContent = old; }, 1500);
  }
});
</script>
"""

CSS = """
.gradio-container, .gradio-container * { --font: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", ui-sans-serif, sans-serif; }
.gradio-container { max-width: 1320px !important; width: 100% !important; margin: 0 auto; }
#nb-header h1 { margin-bottom: 0; }
#nb-header p { color: var(--body-text-color-subdued); margin-top: 2px; }
a.nb-cite { text-decoration: none; font-weight: 600; color: var(--color-accent); padding: 0 1px; cursor: pointer; }
a.nb-cite:hover { text-decoration: underline; }
.nb-panel-head { font-size: 14px; margin-bottom: 8px; line-height: 1.6; }
.nb-badge { display: inline-block; background: var(--color-accent-soft); color: var(--color-accent);
  border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; }
.nb-muted { color: var(--body-text-color-subdued); font-size: 12px; }
.nb-source { font-size: 14px; line-height: 1.7; max-height: 460px; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px; }
.nb-line { display: flex; gap: 10px; white-space: pre-wrap; }
.nb-line.nb-cited { background: var(--color-accent-soft); border-radius: 4px; }
.nb-ln { color: var(--body-text-color-subdued); min-width: 2.6em; text-align: right; user-select: none; font-size: 12px; }
mark { background: #ffe58f; color: inherit; padding: 0 1px; border-radius: 2px; }
.nb-table-wrap { overflow-x: auto; max-height: 480px; }
table.nb-table { border-collapse: collapse; font-size: 12px; width: 100%; }
table.nb-table th, table.nb-table td { border: 1px solid var(--border-color-primary); padding: 3px 6px; text-align: center; }
table.nb-table thead th { min-width: 3.2em; font-weight: 600; }
table.nb-table tbody th { text-align: left; font-weight: normal; white-space: normal; min-width: 7em; max-width: 11em; }
table.nb-table tr.nb-hit-row { background: #fffbe6; }
table.nb-table td.nb-hit { background: #ffe58f; font-weight: 700; outline: 2px solid #faad14; }
.nb-quote { border-left: 3px solid #faad14; margin: 6px 0; padding: 4px 10px; font-size: 13px; }
.nb-empty { color: var(--body-text-color-subdued); padding: 16px; border: 1px dashed var(--border-color-primary); border-radius: 6px; }
.nb-hit-card { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px 12px; margin-bottom: 8px; }
.nb-hit-meta { font-size: 13px; margin-bottom: 4px; }
.nb-hit-text { font-size: 14px; line-height: 1.7; }
button.nb-copy { margin-top: 6px; font-size: 12px; padding: 2px 10px; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--color-accent); color: var(--color-accent); background: transparent; }
#nb-banner { border-radius: 6px; }
#conv-list label { width: 100%; }
/* Gradio's own leftovers: the footer links, the running timer ("3.5s", "queue: 1/2") on a busy component, and
   the red 错误 badge with its grey cover on every output of a failed event (a failure is a Chinese notice) */
footer { display: none !important; }
[data-testid="status-tracker"] .progress-text { display: none !important; }
[data-testid="status-tracker"]:has(> .error) { display: none !important; }
"""


# keys Gradio's own zh-CN dictionary lacks, which it would show (or read out to a screen reader) as the bare key
# or in English ("In queue: 1 of 2")
I18N = {"zh-CN": {"common.complete": "已完成", "common.progress": "进度", "common.upload": "上传",
                  "common.download_all": "全部下载", "chatbot.copy_message": "复制", "chatbot.copied_message": "已复制",
                  "dataframe.filter": "筛选", "dataframe.clear_filter": "清除筛选",
                  "status.queue_position": "排队中：第 {position} 位，共 {size} 位"}}


def launch_kwargs() -> dict:
    # fonts are set in CSS: a theme built with plain font names breaks Gradio's own theme comparison at launch
    return {"css": CSS, "head": HEAD, "theme": gr.themes.Soft(primary_hue="red", secondary_hue="orange"),
            "i18n": gr.I18n(**I18N)}


def build_app(svc: Services) -> gr.Blocks:
    with gr.Blocks(title=TITLE, fill_width=False, analytics_enabled=False) as demo:  # offline; no telemetry
        gr.Markdown(f"# {TITLE}\n政府信息公开工作年度报告的问答、检索与数据核对 · 每个数字都有出处", elem_id="nb-header")
        # visible from the start on an empty store, so the first-run progress bar has somewhere to show
        empty = svc.count_reports() == 0
        banner = gr.Markdown("正在准备资料库：首次使用会导入示例年报…" if empty else "", visible=empty,
                             elem_id="nb-banner", min_height=60 if empty else None)
        with gr.Tabs(elem_id="nb-tabs"):
            with gr.Tab("问答", id="chat", elem_id="tab-chat"):
                talk = chat.build_chat_tab(svc)
            with gr.Tab("年报库", id="library", elem_id="tab-library") as lib_tab:
                lib = library_tab.build_library_tab(svc)
            with gr.Tab("原文检索", id="search", elem_id="tab-search") as s_tab:
                srch = search_tab.build_search_tab(svc)
            with gr.Tab("数据", id="data", elem_id="tab-data") as d_tab:
                data = data_tab.build_data_tab(svc)
            with gr.Tab("简报", id="brief", elem_id="tab-brief") as b_tab:
                brief = brief_tab.build_brief_tab(svc)

        def first_run(progress=gr.Progress()):
            """Wait for the first-run ingest (started by the server) and show its progress in the page."""
            st = svc.first_run_status
            problem = svc.store_problem()
            if problem:
                return gr.update(visible=True, value=f"⚠ 资料库无法读取：{problem}")
            if st["state"] in ("idle", "done") and svc.count_reports() > 0:
                return gr.update(visible=False)
            t0 = time.time()
            while st["state"] in ("running", "idle") and time.time() - t0 < 900:
                if st["state"] == "idle" and svc.count_reports() > 0:
                    break
                progress((st["done"] / st["total"]) if st["total"] else 0, desc=st.get("message") or "正在准备资料库…")
                time.sleep(0.5)
            if st["state"] == "error":
                return gr.update(visible=True, value=f"⚠ {st['message']}")
            n = svc.count_reports()
            if n == 0:
                return gr.update(visible=True, value="资料库是空的：请在“年报库”中上传年报。")
            return gr.update(visible=True, value=f"资料库已就绪：{n} 份年报。{st.get('message') or ''}")

        fr = demo.load(first_run, None, [banner], api_visibility="undocumented")
        # the user's kept conversations: listed on every page load (a reload starts a new one beside them)
        demo.load(talk["load"], talk["load_inputs"], talk["load_outputs"], api_visibility="undocumented",
                  show_progress="hidden")
        # the 简报's agencies and years: filled once the first-run ingest is done, and again when the tab opens
        for ev in (fr.then, b_tab.select):
            ev(brief["refresh"], brief["refresh_io"], brief["refresh_io"], api_visibility="undocumented",
               show_progress="hidden")
        fr.then(lambda: lib["refresh"](), None, [lib["table"], lib["pick"]], api_visibility="undocumented")
        fr.then(lambda: search_tab.refresh_filters(svc), None, [srch["agency"], srch["year"]], api_visibility="undocumented")
        lib_tab.select(lambda: lib["refresh"](), None, [lib["table"], lib["pick"]], api_visibility="undocumented")
        s_tab.select(lambda: search_tab.refresh_filters(svc), None, [srch["agency"], srch["year"]], api_visibility="undocumented")
        d_tab.select(data["load"], None, data["outputs"], api_name="data_overview")
        filt, f_in, f_out = data["facts_load"]
        d_tab.select(filt, f_in, f_out, api_visibility="undocumented")
    return demo
