"""How a report is named to staff: by its agency and year, never by its file name (the bundled and downloaded
reports are called 001_0c9ceee508d7cea1.txt or 年度报告.txt). One place for both sides — the ingest CLI's
progress, warnings, citations, the library and the 简报 all name a report through these functions.

- `full_title`: 《厦门市人力资源和社会保障局2020年政府信息公开工作年度报告》 (citations, 简报 sources, hover text)
- `display_name`: 厦门市人社局2020年年报 (lists, progress, headers: short, one per report)
- `humanize`: a message that names files, with each known file replaced by its display name
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

UNKNOWN_AGENCY = "未识别机构"


@lru_cache(maxsize=1)
def _short_types() -> list[tuple[str, str]]:
    """(full type, shortest written form) from regions.json's aliases: 人力资源和社会保障厅 -> 人社厅."""
    from index.agency_names import reference

    best: dict[str, str] = {}
    for short, full in reference().aliases.items():
        if full == "人民政府":  # 淮安市人民政府 is how it is known; 淮安市政府 reads as slang
            continue
        if len(short) < len(full) and short.endswith(full[-1]) and (full not in best or len(short) < len(best[full])):
            best[full] = short
    return sorted(best.items(), key=lambda kv: -len(kv[0]))


def short_agency(agency: Optional[str]) -> str:
    """福建省人力资源和社会保障厅 -> 福建省人社厅; 淮安市人民政府 stays; None -> 未识别机构."""
    if not agency:
        return UNKNOWN_AGENCY
    for full, short in _short_types():
        if agency.endswith(full) and len(agency) > len(full):
            return agency[: -len(full)] + short
    return agency


def full_title(agency: Optional[str], year: Optional[int]) -> str:
    return f"《{agency or UNKNOWN_AGENCY}{f'{year}年' if year else ''}政府信息公开工作年度报告》"


def display_name(agency: Optional[str], year: Optional[int], edition: Optional[int] = None) -> str:
    """厦门市人社局2020年年报; a second edition of the same report gets （第2版）."""
    base = f"{short_agency(agency)}{f'{year}年' if year else '（年度未识别）'}年报"
    return base + (f"（第{edition}版）" if edition and edition > 1 else "")


# audit rules as staff read them (index/audit.py, index/planted.py and the table parser name them in code)
RULE_NAMES = {
    "row_sum": "行内合计（总计 = 各类申请人之和）",
    "column_balance": "列内平衡（新收 + 结转 = 办理总计 + 结转下年）",
    "outcome_sum": "办理结果合计（总计 = 各项办理结果之和）",
    "review_sum": "复议诉讼合计（总计 = 维持 + 纠正 + 其他 + 尚未审结）",
    "chain": "跨年衔接（上年结转 = 上一年的结转下年度）",
    "conflict": "正文与表格一致",
    "missing_table": "统计表是否齐全",
    "planted_text": "可疑文字（指令、作废声明、外部链接）",
    "stock": "主动公开存量",
}


def rule_name(rule: Optional[str]) -> str:
    return RULE_NAMES.get(rule or "", "其他核对")


def humanize(text: str, names: dict[str, str]) -> str:
    """`text` with every file key of `names` (file -> display name) replaced; the longest keys first so
    that a key inside another is not replaced half-way."""
    if not text or not names:
        return text
    keys = sorted((k for k in names if k), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys)))
    return pattern.sub(lambda m: names[m.group(0)], text)


def names_of(reports: Iterable) -> dict[str, str]:
    """file -> display name for report records (anything with .file/.agency/.year, or such dicts); two
    reports that would share a name are told apart by their position (（2）…)."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for r in reports:
        get = r.get if isinstance(r, dict) else lambda k, _r=r: getattr(_r, k, None)
        name = display_name(get("agency"), get("year"))
        seen[name] = seen.get(name, 0) + 1
        out[get("file")] = name if seen[name] == 1 else f"{name}（{seen[name]}）"
    return out
