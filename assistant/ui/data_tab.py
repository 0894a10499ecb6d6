"""Data tab: the facts browser, a pivot across reports, charts, CSV/Excel export and the audit findings."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.ui import charts_view, render
from assistant.ui.notice import guarded, staff_text
from assistant.ui.services import AUDIT_LABELS, Services, friendly
from index.naming import humanize, names_of, rule_name

log = logging.getLogger(__name__)
ALL = "全部"
FACT_COLS = ["机关", "年度", "表", "行", "列", "数值", "原文", "行号", "页", "文件"]
APPLY = ("依申请公开", "总计")  # table, column of the application counts


def facts_frame(svc: Services, agency=None, year=None, table=None, row=None) -> pd.DataFrame:
    rows = svc.facts(agency=None if agency == ALL else agency, year=None if year in (None, ALL) else int(year),
                     table=None if table == ALL else table, row=None if row == ALL else row)
    return pd.DataFrame([[f["agency"], f["year"], f["tbl"], f["row_name"], f["col_name"],
                          f["value"], f.get("printed") or "", f.get("line"), f.get("page"), f["file"]]
                         for f in rows], columns=FACT_COLS)


def pivot_frame(svc: Services, row: str = "本年新收", column: str = "总计", table: str = "依申请公开") -> pd.DataFrame:
    facts = svc.facts(table=table, row=row, column=column)
    if not facts:
        return pd.DataFrame([], columns=["机关"])
    df = pd.DataFrame([(f["agency"] or "未识别", int(f["year"] or 0), f["value"]) for f in facts],
                      columns=["机关", "年度", "数值"])
    pv = df.pivot_table(index="机关", columns="年度", values="数值", aggfunc="sum")
    pv.columns = [f"{c}年" for c in pv.columns]
    pv = pv.reset_index()
    for col in pv.columns[1:]:
        pv[col] = [render.fmt_value(v) if v == v else "—" for v in pv[col]]  # NaN: the report is not held
    return pv


def findings_frame(svc: Services, only_problems: bool = True) -> pd.DataFrame:
    rows = []
    names = names_of(svc.reports())
    for c in svc.checks():
        if only_problems and c["status"] == "pass":
            continue
        cells = ["／".join(cell) for cell in c["cells"]]
        rows.append([names.get(c["file"], c["file"]), AUDIT_LABELS.get(c["status"], c["status"]), rule_name(c["rule"]),
                     staff_text(humanize(c["message"], names)), "；".join(cells[:4]), c["file"]])
    # failures first, grouped by report; the file name is a detail, last
    order = {"不一致": 0, "存疑": 1, "无法核验": 2, "通过": 3}
    rows.sort(key=lambda r: (order.get(r[1], 4), r[0]))
    return pd.DataFrame(rows, columns=["报告", "结果", "规则", "说明", "涉及单元格", "文件"])


def export(df: pd.DataFrame, fmt: str) -> str:
    out = Path(tempfile.mkdtemp(prefix="nianbao-export-")) / f"年报数据.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    if fmt == "xlsx":
        df.to_excel(out, index=False)
    else:
        df.to_csv(out, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese CSV correctly
    return str(out)


def build_data_tab(svc: Services) -> dict:
    with gr.Tabs():
        with gr.Tab("图表", id="charts"):
            # matplotlib figures (assistant/ui/charts_view.py): value labels, the 简报's log rule, nothing clipped
            with gr.Row():
                apps = gr.Plot(elem_id="chart-apps", show_label=False, format="png")
                rev = gr.Plot(elem_id="chart-review", show_label=False, format="png")
            mix = gr.Plot(elem_id="chart-outcomes", show_label=False, format="png")
            trend_pick = gr.Dropdown(list(charts_view.TREND), value="本年新收", label="历年变化的指标",
                                     elem_id="chart-trend-pick")
            trend = gr.Plot(elem_id="chart-trend", show_label=False, format="png")
            gr.Markdown("#### 年度对比表")
            with gr.Row():
                pv_row = gr.Dropdown(["本年新收", "上年结转", "予以公开", "部分公开", "总计", "结转下年度继续办理"],
                                     value="本年新收", label="指标（依申请公开表，总计列）", allow_custom_value=True)
            pivot = gr.Dataframe(interactive=False, elem_id="data-pivot", label="机关 × 年度")
        with gr.Tab("数据明细", id="facts"):
            with gr.Row():
                f_agency = gr.Dropdown([ALL] + svc.agencies(), value=ALL, label="机关", allow_custom_value=True)
                f_year = gr.Dropdown([ALL] + [str(y) for y in svc.years()], value=ALL, label="年度",
                                     allow_custom_value=True)
                f_table = gr.Dropdown([ALL, "主动公开", "依申请公开", "复议诉讼"], value=ALL, label="表")
                f_row = gr.Dropdown([ALL], value=ALL, label="行", allow_custom_value=True)
            facts = gr.Dataframe(interactive=False, elem_id="data-facts", wrap=True, max_height=420)
            with gr.Row():
                csv_btn = gr.DownloadButton("导出 CSV", elem_id="data-csv")
                xlsx_btn = gr.DownloadButton("导出 Excel", elem_id="data-xlsx")
        with gr.Tab("核对发现", id="audit"):
            gr.Markdown("表内与跨年度核对中不一致或存疑的地方；点击一行查看涉及的表格单元格。")
            findings = gr.Dataframe(interactive=False, elem_id="data-findings", wrap=True, max_height=360)
            finding_panel = gr.HTML()

    @guarded(9, "data tab")
    def load_all(row_name="本年新收"):
        return (charts_view.applications_figure(svc), charts_view.review_figure(svc), charts_view.outcomes_figure(svc),
                pivot_frame(svc, row_name),
                gr.update(choices=[ALL] + svc.agencies()), gr.update(choices=[ALL] + [str(y) for y in svc.years()]),
                findings_frame(svc), gr.update(value="本年新收"), charts_view.trend_figure(svc, "本年新收"))

    charts_out = [apps, rev, mix, pivot, f_agency, f_year, findings, trend_pick, trend]
    trend_pick.change(guarded(1, "trend")(lambda q: charts_view.trend_figure(svc, q)), [trend_pick], [trend],
                      api_visibility="undocumented")
    pv_row.change(lambda r: pivot_frame(svc, r), [pv_row], [pivot], api_name="pivot")

    def filt(ag, yr, tb, rw):
        df = facts_frame(svc, ag, yr, tb, rw)
        rows = [ALL] + sorted({r for r in df["行"].tolist()}) if tb != ALL else [ALL]
        return df, export(df, "csv"), export(df, "xlsx"), gr.update(choices=rows)

    f_inputs = [f_agency, f_year, f_table, f_row]
    f_outputs = [facts, csv_btn, xlsx_btn, f_row]
    f_agency.change(filt, f_inputs, f_outputs, api_name="facts")
    for comp in f_inputs[1:]:
        comp.change(filt, f_inputs, f_outputs, api_visibility="undocumented")

    def show_finding(evt: gr.SelectData, df):
        try:
            r = df.iloc[evt.index[0]]
            file = r["文件"]
            cells = [c.split("／") for c in (r["涉及单元格"] or "").split("；") if c]
            meta = svc.report(file) or {}
            if not cells:
                return f'<div class="nb-empty">{render.esc(r["说明"])}</div>'
            t, row, col = cells[0][:3]
            c = {"n": "!", "file": file, "agency": meta.get("agency"), "year": meta.get("year"), "kind": "cell",
                 "table": t, "row": row, "column": col, "quote": ""}
            facts_ = svc.facts(file=file, table=t)
            f0 = next((f for f in facts_ if f["row_name"] == row and f["col_name"] == col), None)
            if f0:
                c.update(line_start=f0.get("line"), line_end=f0.get("line_end"), page=f0.get("page"),
                         quote=f0.get("source_text") or "", value=f0.get("value"))
            return f'<p>{render.esc(r["说明"])}</p>' + render.table_panel(c, facts_)
        except Exception as e:
            log.exception("finding")
            return f'<div class="nb-empty">{render.esc(friendly(e))}</div>'

    findings.select(show_finding, [findings], [finding_panel], api_visibility="undocumented")
    return {"load": load_all, "outputs": charts_out, "facts_load": (filt, f_inputs, [facts, csv_btn, xlsx_btn, f_row])}
