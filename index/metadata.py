"""`infer_metadata(doc) -> ReportMeta`: which agency, region, level and year a report is about, with evidence.

Where each value is read, strongest first:
1. the title: the first lines before 一、总体情况 ("XX局" / "2020 年政府信息公开工作年度报告" may be two lines);
2. the body: the statistics period (统计期限自2020年1月1日至2020年12月31日), the year's 政务公开工作要点, a
   paragraph opening "2019年，我厅…"; the agency from its self-reference (我厅/我局/我委 …) matched with the
   agency names the body mentions (省人社厅, 福建省人力资源和社会保障厅 …), a bare 省/市 resolved to the
   province/city the body names most;
3. the file name, last.
Short forms are expanded (人社厅 -> 人力资源和社会保障厅) and regions resolved by index/agency_names.py
(national division codes: any province, city or county; the level follows from the division: province 省级,
prefecture 市级, county/district 县级, town/street 乡镇级). What cannot be read is None with a
Warning(code="metadata"): a guess is never presented as a fact.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Optional

from index.agency_names import (AgencyName, full_name, is_national, level_of, mentions, parse_agency, reference,
                                regions_after,
                                region_of, regions_before, resolve_generic, vertical_office, zone_publisher)
from index.records import Document, Evidence, ReportMeta, Warning

_YEAR_MIN, _YEAR_MAX = 2007, 2100  # the disclosure regulation dates from 2007
_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_PART1 = re.compile(r"^[一1][、.．,，]\s*(总体情况|概述|基本情况)")


# ---------------------------------------------------------------- small readers
def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _year_in(text: str) -> Optional[tuple[int, str]]:
    """First plausible year in text, Arabic (2020) or Chinese numerals (二〇二〇), -> (year, matched text)."""
    for m in re.finditer(r"((?:19|20)\d{2})\s*年", text):
        y = int(m.group(1))
        if _YEAR_MIN <= y <= _YEAR_MAX:
            return y, m.group(0)
    for m in re.finditer(r"([二〇○零一三四五六七八九Ｏ]{4})\s*年", text):
        digits = "".join(_CN_DIGITS.get(c, "") for c in m.group(1))
        if len(digits) == 4 and _YEAR_MIN <= int(digits) <= _YEAR_MAX:
            return int(digits), m.group(0)
    return None


def _prose(doc: Document) -> list[tuple[int, str]]:
    """(index, squashed text) of the lines that are not table rows: where names and years are written."""
    return [(i, _squash(ln.text)) for i, ln in enumerate(doc.lines)
            if ln.cells is None and "\t" not in ln.text and "|" not in ln.text and ln.text.strip()]


# ---------------------------------------------------------------- title
_REPORT_WORDS = re.compile(r"(关于|關於)?(的)?(政府信息公开|政务公开|信息公开|政府資訊公開|政府信息公開|政務公開)?(工作)?(年度)?(工作)?"
                           r"(报告|年报|報告|年報)$")


def _find_title(doc: Document) -> Optional[tuple[str, int, int]]:
    """-> (title text squashed, index of its first line, index of its last line) or None."""
    lines = doc.lines
    seen = []
    for i, ln in enumerate(lines[:60]):
        t = _squash(ln.text).strip("#*")  # Markdown: "# 标题", "**标题**"
        if not t:
            continue
        if _PART1.match(t):
            break
        seen.append((i, t))
        if len(seen) > 40:  # web pages put navigation before the headline
            break
        if re.search("报告|報告|年报|年報", t) and re.search("公开|公開|年度", t) and len(t) <= 60 and "。" not in t:
            title, first = t, i
            # the agency or the year may be on the line(s) above ("福建省人力资源和社会保障厅" / "2020 年…报告")
            for j, prev in reversed(seen[:-1][-2:]):
                if (_title_agency(title) and _year_in(title)) or len(prev) > 40 or prev.endswith(("。", "；")):
                    break
                title, first = prev + title, j
            return title, first, i
    return None


def _only_regions(written: str) -> bool:
    """The title names divisions only (浙江省杭州市西湖区), no office."""
    chain, end = regions_after(written)
    return bool(chain) and end == len(written)


def _title_agency(title: str) -> str:
    t = title
    y = _year_in(t)
    if y:
        t = re.sub(re.escape(y[1]) + r"\s*度?", "", t, count=1)  # 2020年, 2020 年度, 二〇二〇年
    t = re.sub(r"年度", "", t) if t.startswith("年度") else t
    t = _REPORT_WORDS.sub("", t)
    return t.strip("：:，,、 ")


# ---------------------------------------------------------------- body
_SELF = re.compile(r"我(厅|局|委|办|市|区|县|省|镇|乡|部|署)")
_PERIOD = re.compile(r"统计(?:期限|时限|期间|时间|区间)?[为是：:]?\s*(?:自|从)?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
                     r"(?:起)?\s*(?:至|到|—|-|～)\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_WORKPOINTS = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?[\u4e00-\u9fff]{0,8}?政务公开工作(?:要点|主要任务|任务)")
_OPENING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])?((?:19|20)\d{2})\s*年(?:以来|度)?[，,]")


def _joined(prose: list[tuple[int, str]]) -> tuple[str, list[int], list[int]]:
    """The prose lines as one string (a PDF wraps 统计期限自2023年1月1日 / 起至2023年12月31日止 over two lines),
    with each line's start offset and index, to map a match back to its line."""
    starts, idxs, parts, pos = [], [], [], 0
    for i, t in prose:
        starts.append(pos)
        idxs.append(i)
        parts.append(t)
        pos += len(t)
    return "".join(parts), starts, idxs


def _body_year(doc: Document, prose: list[tuple[int, str]]) -> Optional[Evidence]:
    import bisect

    text, starts, idxs = _joined(prose)

    def line_of(offset: int) -> int:
        return doc.lines[idxs[bisect.bisect_right(starts, offset) - 1]].line

    for m in _PERIOD.finditer(text):
        if m.group(1) == m.group(2):
            return Evidence(int(m.group(1)), "body", m.group(0), line_of(m.start()))
    limit = starts[min(80, len(starts) - 1)] + len(prose[min(80, len(prose) - 1)][1]) if prose else 0
    for m in _WORKPOINTS.finditer(text[:limit]):
        return Evidence(int(m.group(1)), "body", m.group(0), line_of(m.start()))
    for i, t in prose[:40]:
        m = _OPENING.match(t)
        if m and _SELF.search(t[:40]):
            return Evidence(int(m.group(1)), "body", t[:20], doc.lines[i].line)
    return None


def _body_agency(doc: Document, prose: list[tuple[int, str]], context: Counter) -> Optional[tuple[AgencyName, str, int]]:
    """The agency that writes 我厅/我局: the most mentioned agency name of that kind in the body."""
    ref = reference()
    selves = Counter(m.group(1) for _, t in prose for m in _SELF.finditer(t))
    self_kind = selves.most_common(1)[0][0] if selves else None
    cands: dict[tuple, list] = {}
    for i, t in prose:
        for m in ref.type_re.finditer(t):
            typ = ref.canonical_type(m.group(0))
            if self_kind in ("厅", "局") and not typ.endswith(self_kind):
                continue
            if self_kind == "委" and not typ.endswith(("委员会", "委")):
                continue
            if self_kind in ("市", "区", "县", "省", "镇", "乡") and typ != "人民政府":
                continue
            if self_kind is None and typ in ("人民政府", "人民政府办公厅", "人民政府办公室"):
                continue
            head = t[: m.start()]
            chain, pos = regions_before(head, len(head))
            if chain:
                written = head[pos:] + m.group(0)
                name = parse_agency(written, context)
            elif head[-1:] in ("省", "市", "区", "县"):
                written = head[-1] + m.group(0)
                name = parse_agency(written, context)
            else:
                continue  # no region at all: 人社部办公厅, a national body, or a generic mention
            if name is None:
                continue
            if name.generic:
                name = resolve_generic(name, context)
                if name is None:
                    continue
            if name.division is None:
                continue
            if self_kind in ("市", "区", "县", "省") and not name.division.name.endswith(self_kind):
                continue
            weight = 0.5 if typ.startswith("人民政府办") else 1.0
            key = (name.division.code, name.town, name.type)
            entry = cands.setdefault(key, [0.0, name, written, doc.lines[i].line])
            entry[0] += weight
    if not cands:
        return None
    best = sorted(cands.values(), key=lambda e: -e[0])
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None  # two agencies equally likely: do not guess
    _, name, written, line = best[0]
    return name, written, line


def _signature(doc: Document, context: Counter) -> Optional[tuple[AgencyName, str, int]]:
    """The agency that signs the report: a short line naming an agency among the last lines, usually above or
    beside the date (厦门市人力资源和社会保障局 / 2021年1月20日)."""
    tail = [(i, _squash(ln.text)) for i, ln in enumerate(doc.lines) if ln.text.strip() and ln.cells is None][-6:]
    for i, t in reversed(tail):
        t = re.sub(r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)$", "", t)
        if 4 <= len(t) <= 30 and not re.search(r"[。，；：]", t):
            name = parse_agency(t, context)
            if name and name.generic:
                name = resolve_generic(name, context)
            if name and name.division is not None:
                return name, t, doc.lines[i].line
    return None


_COMPILER = re.compile(r"(?:本报告由|本年度报告由|总结|现公布|现将)(?P<a>[\u4e00-\u9fff]{4,40}?)"
                       r"(?:(?:19|20)\d{2}年|根据|按照|依据|依照|编制|关于|政府信息公开)")


def _compiler(doc: Document, prose: list[tuple[int, str]], context: Counter) -> Optional[tuple[AgencyName, str, int]]:
    """The opening sentence that names who compiled the report: 本报告由淮安市人民政府办公室根据《条例》编制 /
    总结厦门市人力资源和社会保障局2020年政府信息公开工作情况. A government's 办公室 compiles on its behalf."""
    for i, t in prose[:15]:
        for m in _COMPILER.finditer(t):
            written = m.group("a")
            if written.endswith(("办公室", "办公厅")) and parse_agency(written[:-3], context):
                written = written[:-3]
            name = parse_agency(written, context)
            if name and name.generic:
                name = resolve_generic(name, context)
            if name and name.division is not None:
                return name, written, doc.lines[i].line
    return None


# ---------------------------------------------------------------- entry point
_OFFICE_OF = re.compile(r"(管委会|管理委员会|党工委)(办公室|办公厅|综合办公室)$")


def _publisher(doc: Document, context: Counter, body: str):
    """The 发布机构/来源 a crawler header or a portal info line names -> (agency, AgencyName or None,
    zone triple or None, the field). A zone's 管委会办公室 publishes for the zone; a government's 办公室
    is an agency of its own and is kept as written."""
    for f in doc.header:
        if f.key != "publisher" or not f.value:
            continue
        written = _squash(f.value)
        zone = zone_publisher(written, context)
        if zone:
            return zone[0], None, zone, f
        parsed = parse_agency(_OFFICE_OF.sub(r"\1", written), context)
        if parsed and parsed.generic:
            parsed = resolve_generic(parsed, context)
        if parsed and parsed.division is not None:
            return full_name(parsed, written, body), parsed, None, f
    return None


def infer_metadata(doc: Document) -> ReportMeta:
    prose = _prose(doc)
    context = mentions(prose)
    body = "".join(t for _, t in prose)
    ev: dict[str, Evidence] = {}
    agency = region = level = None
    year = None
    name: Optional[AgencyName] = None
    assumed: Optional[Warning] = None

    title = _find_title(doc)
    head_title = next((f for f in doc.header if f.key == "title" and f.value), None)
    if title or head_title:
        if title:
            text, first, last = title
            line_no = doc.lines[first].line
            raw = " ".join(ln.text.strip() for ln in doc.lines[first:last + 1] if ln.text.strip())
        else:  # a crawler's page: the title is only in its header block (标题: …)
            text, raw, line_no = _squash(head_title.value), head_title.value, head_title.line
        y = _year_in(text)
        if y:
            year = y[0]
            ev["year"] = Evidence(year, "title", raw, line_no)
        written = _title_agency(text)
        parsed = parse_agency(written, context) if written else None
        if parsed and parsed.generic:
            parsed = resolve_generic(parsed, context)
        vertical = vertical_office(written, context) if written and not (parsed and parsed.division) else None
        if parsed and parsed.division is not None:
            name = parsed
            agency = full_name(parsed, written, body)
            ev["agency"] = Evidence(agency, "title", raw, line_no)
        elif vertical is not None:  # 国家税务总局厦门市税务局: a national system's local office
            name, agency = vertical, written
            ev["agency"] = Evidence(agency, "title", raw, line_no)
        elif written and _only_regions(written) and (gov := parse_agency(written + "人民政府", context)) \
                and gov.division is not None:
            # "杭州市西湖区2020年度政府信息公开工作年度报告": a region's own report is its 人民政府's — the usual
            # convention, not a printed fact, so staff are asked to confirm it
            name = gov
            agency = full_name(gov, written + "人民政府", body)
            ev["agency"] = Evidence(agency, "title", raw, line_no)
            assumed = Warning("metadata", f"{doc.file}: 标题只写了地区“{written}”，发布机关按惯例推定为“{agency}”，"
                                          f"请核对", doc.file)
        elif written and (zone := zone_publisher(written, context)):  # 平潭综合实验区: a zone as publisher
            agency, region, level = zone
            ev["agency"] = Evidence(agency, "title", raw, line_no)
            for k, v in (("region", region), ("level", level)):
                if v:
                    ev[k] = Evidence(v, "title", raw, line_no)
        elif written and is_national(written):
            agency, level, region = written, "国家级", "全国"
            ev["agency"] = Evidence(agency, "title", raw, line_no)
            ev["region"] = Evidence(region, "title", raw, line_no)
            ev["level"] = Evidence(level, "title", raw, line_no)

    if year is None:
        e = _body_year(doc, prose)
        if e:
            year, ev["year"] = e.value, e
    if year is not None and ev["year"].source == "title":
        period = _body_year(doc, prose)
        if period is not None and period.value != year and "统计" in period.text:
            conflict = Warning("metadata", f"{doc.file}: 标题写{year}年，但统计期限是{period.value}年（第{period.line}行）；"
                                           f"请核对报告年度 (title year differs from the statistics period)", doc.file)
        else:
            conflict = None
    else:
        conflict = None
    if agency is None:
        found = _signature(doc, context) or _compiler(doc, prose, context) or _body_agency(doc, prose, context)
        if found:
            name, written, line = found
            agency = full_name(name, written, body)
            ev["agency"] = Evidence(agency, "body", written, line)
    if agency is None and (pub := _publisher(doc, context, body)):
        agency, name, zone, f = pub
        ev["agency"] = Evidence(agency, "header", f"{f.label}：{f.value}", f.line)
        if zone:
            region, level = zone[1], zone[2]
            for k, v in (("region", region), ("level", level)):
                if v:
                    ev[k] = Evidence(v, "header", f"{f.label}：{f.value}", f.line)

    if agency is None or year is None:
        stem = _squash(Path(doc.file).stem)
        if year is None and (y := _year_in(stem + "年" if re.search(r"(19|20)\d{2}$", stem) else stem)):
            year = y[0]
            ev["year"] = Evidence(year, "filename", doc.file)
        if agency is None:
            bare = re.sub(r"(19|20)\d{2}年?度?", "", stem)
            m = reference().type_re.search(bare)
            if m:
                written = re.sub(r"^[^\u4e00-\u9fff]*", "", bare[: m.end()]).removeprefix("关于")
                parsed = parse_agency(written, context)
                if parsed and parsed.generic:
                    parsed = resolve_generic(parsed, context)
                if parsed and parsed.division is not None:
                    name = parsed
                    agency = full_name(parsed, written, body)
                    ev["agency"] = Evidence(agency, "filename", doc.file)

    if name is not None and name.division is not None:
        region, level = region_of(name), level_of(name)
        src = ev["agency"]
        ev["region"] = Evidence(region, src.source, src.text, src.line)
        ev["level"] = Evidence(level, src.source, src.text, src.line)

    warnings = [w for w in (conflict, assumed) if w]
    for field, value, what in (("agency", agency, "发布机关"), ("year", year, "报告年度"),
                               ("region", region, "所属地区"), ("level", level, "行政层级")):
        if value is None:
            warnings.append(Warning("metadata", f"{doc.file}: 未能从标题、正文或文件名确定{what}（{field}），"
                                                f"请在资料库中手动填写 (could not determine the {field})", doc.file))
    return ReportMeta(agency=agency, region=region, level=level, year=year, evidence=ev, warnings=warnings)
