"""The router: table, text, both, or refuse — by rules over the understood question, with the reason said.

Rules, not a model, because the signals are explicit: a lexicon quantity means the standard tables hold the
answer; words about channels, reasons, names or problems (lexicon text_cues) mean the prose does; an agency
or year the library lacks means no answer may be given at all.
"""
from __future__ import annotations

from assistant.question import Query
from index.records import Route


def route(query: Query) -> Route:
    if query.unknown_agencies and not query.agencies:
        return Route("refuse", f"库中没有{'、'.join(query.unknown_agencies)}的报告")
    if query.years and query.missing_years and set(query.missing_years) >= set(query.years) \
            and query.operation not in ("trend",):
        who = "、".join(query.agencies) if query.agencies else "库中任何单位"
        return Route("refuse", f"库中没有{who}{'、'.join(map(str, query.missing_years))}年的报告")
    if query.operation == "brief":
        return Route("both", "简报：表格数字加原文要点")
    if query.quantities and query.text_cue:
        return Route("both", f"表格项“{query.quantities[0].display}”之外还问到表格没有的内容")
    if query.quantities:
        ops = {"lookup": "查数", "compare": "对比", "argmax": "求最多", "argmin": "求最少", "sum": "合计",
               "diff": "求增减", "ratio": "求占比", "rank": "排名", "trend": "趋势", "list": "列出单位"}
        return Route("table", f"统计表项“{query.quantities[0].display}”，操作：{ops.get(query.operation, query.operation)}")
    return Route("text", "问题不对应统计表中的项目，检索报告原文")
