"""The router: table, text, both, or refuse — by rules over the understood question, with the reason said.

Rules, not a model, because the signals are explicit: a lexicon quantity means the standard tables hold the
answer; words about channels, reasons, names or problems (lexicon text_cues) mean the prose does; an agency
or year the library lacks means no answer may be given at all.
"""
from __future__ import annotations

from assistant.answering import narrative
from assistant.answering.question import Query
from index.records import Route


def route(query: Query) -> Route:
    if query.unknown_agencies and not query.agencies:
        return Route("refuse", f"库中没有{'、'.join(query.unknown_agencies)}的报告")
    if query.years and query.missing_years and set(query.missing_years) >= set(query.years) \
            and query.operation not in ("trend",):
        who = "、".join(query.agencies) if query.agencies else "库中任何单位"
        return Route("refuse", f"库中没有{who}{'、'.join(map(str, query.missing_years))}年的报告")
    if query.operation == "holdings":
        return Route("table", "问的是库中收录了哪些报告")
    if query.operation == "brief":
        return Route("both", "简报：表格数字加原文要点")
    if query.quantities and query.operation == "lookup" and not query.follow_up and narrative.asks_work(query.text):
        return Route("text", "问的是工作做法或存在的问题（报告正文的小节），不是表格数字")
    if query.quantities and query.text_cue:
        return Route("both", f"表格项“{query.quantities[0].display}”之外还问到表格没有的内容")
    if query.quantities:
        ops = {"lookup": "查数", "compare": "对比", "argmax": "求最多", "argmin": "求最少", "sum": "合计",
               "diff": "求增减", "ratio": "求占比", "rank": "排名", "trend": "趋势", "list": "列出单位"}
        return Route("table", f"统计表项“{query.whole or query.quantities[0].display}”，操作：{ops.get(query.operation, query.operation)}")
    return Route("text", "问题不对应统计表中的项目，检索报告原文")


# ---------------------------------------------------------------- the same capabilities as llama-index tools
def llama_index_tools(library, retriever, llm=None) -> list:
    """The table tool and the hybrid retriever as llama-index tools, so a capable model behind the openai
    backend can call them itself (FunctionAgent / ReActAgent). Numbers still come from the facts store:
    the table tool answers with the template sentence, its cells and formula."""
    from llama_index.core import get_response_synthesizer
    from llama_index.core.query_engine import RetrieverQueryEngine
    from llama_index.core.tools import FunctionTool, QueryEngineTool

    from assistant.answering import compose, notes, table_tool
    from assistant.answering.question import library_reports, understand

    def table_facts(question: str) -> str:
        """Exact figures from the reports' standard statistics tables (依申请公开, 复议诉讼, 主动公开): lookups,
        最多/最少 by year or agency, sums, differences, ratios, rankings, trends. Give the whole question in Chinese."""
        reports = library_reports(library)
        q = understand(question, library, reports=reports)
        if not q.quantities:
            return "该问题不对应统计表中的项目。"
        ta = table_tool.run(q, library)
        if not ta.found:
            return "库中没有对应的表格数值。库中现有：" + notes.holdings(reports)
        cites = compose.Citations(compose.SourceFiles(library), reports)
        d = compose.table_draft(ta, cites)
        sources = "\n".join(f"[{c.n}] {c.file} 第{c.line_start}行 {c.table}·{c.row}·{c.column} = {table_tool.fmt(c.value)}"
                            for c in cites.items)
        return d.text + "\n" + sources

    from llama_index.core.llms import MockLLM

    # without a model the engine returns the passages only (MockLLM keeps llama-index from reaching for OpenAI)
    from llama_index.core.response_synthesizers.no_text import NoText

    synth = get_response_synthesizer(llm=llm, response_mode="compact") if llm is not None else NoText(llm=MockLLM())
    engine = RetrieverQueryEngine(retriever=retriever, response_synthesizer=synth)
    return [
        FunctionTool.from_defaults(fn=table_facts, name="table_facts"),
        QueryEngineTool.from_defaults(
            query_engine=engine, name="report_text",
            description="检索年报原文（BM25+向量融合，按问题中的年份和机关过滤），返回相关段落及其出处。"),
    ]
