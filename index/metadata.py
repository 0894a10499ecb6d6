"""`infer_metadata(doc) -> ReportMeta`: which agency, region, level and year a report is about, with evidence.

Where each value is read, strongest first:
1. the title: the first lines before 一、总体情况 ("XX局" / "2020 年政府信息公开工作年度报告" may be two lines);
2. the body: the statistics period (统计期限自2020年1月1日至2020年12月31日), the year's 政务公开工作要点, a
   paragraph opening "2019年，我厅…"; the agency from its self-reference (我厅/我局/我委 …) matched with the
   agency names the body mentions (省人社厅, 福建省人力资源和社会保障厅 …), a bare 省/市 resolved to the
   province/city the body names most;
3. the file name, last.
Short forms are expanded (人社厅 -> 人力资源和社会保障厅). Regions come from index/regions.json (national
division codes), so any province, city or county resolves, and the level follows from the division
(province 省级, prefecture 市级, county/district 县级, town/street 乡镇级). What cannot be read is None with a
Warning(code="metadata"): a guess is never presented as a fact.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from index.records import Document, Evidence, ReportMeta, Warning

_DATA = Path(__file__).with_name("regions.json")
_YEAR_MIN, _YEAR_MAX = 2007, 2100  # the disclosure regulation dates from 2007
_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_PART1 = re.compile(r"^[一1][、.．,，]\s*(总体情况|概述|基本情况)")


# ---------------------------------------------------------------- reference data
@dataclass(frozen=True)
class Division:
    code: str
    name: str
    rank: int  # 1 province, 2 prefecture, 3 county (from the code: NN0000, NNNN00, else)

    @staticmethod
    def of(code: str, name: str) -> "Division":
        return Division(code, name, 1 if code.endswith("0000") else 2 if code.endswith("00") else 3)


class _Ref:
    def __init__(self):
        data = json.loads(_DATA.read_text(encoding="utf-8"))
        self.div = {c: Division.of(c, n) for c, n in data["divisions"].items()}
        self.by_name: dict[str, list[Division]] = {}
        self.short: dict[str, str] = {}  # code -> short name (福建, 厦门)
        for d in self.div.values():
            self.by_name.setdefault(d.name, []).append(d)
            short = _short_name(d)
            if short and short != d.name:
                self.by_name.setdefault(short, []).append(d)
                self.short[d.code] = short
        self.upper = [d for d in self.div.values() if d.rank < 3]  # provinces and prefectures
        ag = data["agencies"]
        self.aliases: dict[str, str] = ag["aliases"]
        self.national: list[str] = ag["national"]
        names = set(ag["types"]) | set(self.aliases)
        # longest first so that 人民政府办公厅 wins over 人民政府
        self.type_re = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))
        self.max_name = max(map(len, self.by_name))

    def parent(self, d: Division) -> Optional[Division]:
        if d.rank == 3:
            return self.div.get(d.code[:4] + "00") or self.div.get(d.code[:2] + "0000")
        if d.rank == 2:
            return self.div.get(d.code[:2] + "0000")
        return None

    def chain(self, d: Division) -> list[Division]:
        out = [d]
        while (p := self.parent(out[0])) is not None:
            out.insert(0, p)
        return out

    def canonical_type(self, t: str) -> str:
        return self.aliases.get(t, t)


def _short_name(d: Division) -> Optional[str]:
    """福建省 -> 福建, 广西壮族自治区 -> 广西, 厦门市 -> 厦门 (prefectures only: county stems are too ambiguous)."""
    n = d.name
    if d.rank == 1:
        for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
            if n.endswith(suf) and len(n) - len(suf) >= 2:
                return n[: -len(suf)]
    if d.rank == 2 and n.endswith("市") and len(n) >= 3:
        return n[:-1]
    return None


@lru_cache(maxsize=1)
def _ref() -> _Ref:
    return _Ref()


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


# ---------------------------------------------------------------- agency names
@dataclass
class _Name:
    division: Optional[Division]
    town: Optional[str]  # 乡镇/街道 name between the county and the agency type
    type: str  # canonical agency type (人民政府, 人力资源和社会保障厅 …)
    generic: Optional[str] = None  # bare 省/市/区/县 prefix, to be resolved from the body


def _regions_before(text: str, end: int) -> tuple[list[list[Division]], int]:
    """Division names written right before text[end] (江苏省淮安市洪泽区 -> three candidate lists, innermost
    last; a name like 鼓楼区 has several candidates) and where the written chain starts."""
    ref = _ref()
    found: list[list[Division]] = []
    pos = end
    while pos > 0:
        hit = None
        for k in range(min(ref.max_name, pos), 1, -1):
            cands = ref.by_name.get(text[pos - k:pos])
            if cands and found:  # an outer name must be an ancestor of a candidate of the inner one
                cands = [c for c in cands if any(c in ref.chain(i)[:-1] for i in found[0])]
            if cands:
                hit = (k, cands)
                break
        if not hit:
            break
        found.insert(0, hit[1])
        pos -= hit[0]
    return found, pos


def _regions_after(text: str) -> tuple[list[list[Division]], int]:
    """Division names written from the start of text (江苏省淮安市洪泽区…), outermost first, and where they end."""
    ref = _ref()
    found: list[list[Division]] = []
    pos = 0
    while pos < len(text):
        hit = None
        for k in range(min(ref.max_name, len(text) - pos), 1, -1):
            cands = ref.by_name.get(text[pos:pos + k])
            if cands and found:  # an inner name must lie inside a candidate of the outer one
                cands = [c for c in cands if any(o in ref.chain(c)[:-1] for o in found[-1])]
            if cands:
                hit = (k, cands)
                break
        if not hit:
            break
        found.append(hit[1])
        pos += hit[0]
    return found, pos


def _resolve(chain: list[list[Division]], context: Counter) -> Optional[Division]:
    """The innermost division of a written chain. An ambiguous name (鼓楼区: 南京, 福州, 徐州, 开封) is decided by
    the outer names written with it, then by how often the body names each candidate's city/province;
    still tied -> None (never a guess)."""
    ref = _ref()
    cands = list({d.code: d for d in chain[-1]}.values())
    for outer in chain[:-1]:
        cands = [d for d in cands if any(o in ref.chain(d)[:-1] for o in outer)] or cands
    if len(cands) == 1:
        return cands[0]
    def score(d: Division) -> int:
        return sum(context.get(a.name, 0) + context.get(_short_name(a) or "\0", 0) for a in ref.chain(d)[:-1])
    scored = sorted(cands, key=score, reverse=True)
    if score(scored[0]) > score(scored[1]):
        return scored[0]
    return None


def _parse_name(text: str, context: Counter) -> Optional[_Name]:
    """An agency name as written (厦门市人社局, 洪泽区人民政府, 省人力资源社会保障厅) -> _Name, or None."""
    ref = _ref()
    text = _squash(text)
    m = None
    for m_ in ref.type_re.finditer(text):
        if m_.end() == len(text):
            m = m_
    if m is None:
        return None
    typ = ref.canonical_type(m.group(0))
    head = text[: m.start()]
    if head in ("省", "市", "区", "县", "自治区", "州", "盟", "旗"):
        return _Name(division=None, town=None, type=typ, generic=head)
    chain, pos = _regions_after(head)
    if not chain:
        return None
    rest = head[pos:]
    town = None
    if rest:
        # a town or street between the county and the agency type: 洪泽区高良涧街道办事处, XX县XX镇人民政府
        if typ == "街道办事处" and re.fullmatch(r"[\u4e00-\u9fff]{1,6}", rest):
            town = rest + "街道"
            typ = "办事处"
        elif re.fullmatch(r"[\u4e00-\u9fff]{1,6}(镇|乡|街道)", rest):
            town = rest
        else:
            return None  # other words between region and type: not an agency name of this shape
    div = _resolve(chain, context)
    if div is None:
        return None
    return _Name(division=div, town=town, type=typ)


def _full_agency(name: _Name, written: str, body: str) -> str:
    """The agency's full name: its region as usually written plus the canonical type.

    Provinces and prefectures carry their own name (福建省…厅, 厦门市…局); a district also carries its city
    (淮安市洪泽区人民政府: district names repeat across China); a county keeps the form the body uses."""
    ref = _ref()
    typ = name.type
    if name.division is None:
        return written
    inner = name.division
    if inner.rank == 3:
        parent = ref.parent(inner)
        # 北京市朝阳区 / 淮安市洪泽区: a district is named with its city (incl. the four municipalities)
        with_parent = (parent.name if parent and (parent.rank == 2 or parent.name.endswith("市")) else "") + inner.name
        if inner.name.endswith("区") or with_parent + (name.town or "") + typ in body:
            prefix = with_parent
        else:
            prefix = inner.name
    else:
        prefix = inner.name
    return prefix + (name.town or "") + typ


def _level(name: _Name) -> Optional[str]:
    if name.town:
        return "乡镇级"
    if name.division is None:
        return None
    return {1: "省级", 2: "市级", 3: "县级"}[name.division.rank]


def _region(name: _Name) -> Optional[str]:
    if name.division is None:
        return None
    return "".join(d.name for d in _ref().chain(name.division)) + (name.town or "")


# ---------------------------------------------------------------- title
_REPORT_WORDS = re.compile(r"(关于)?(的)?(政府信息公开|政务公开|信息公开)?(工作)?(年度)?(工作)?(报告|年报)$")


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
        if ("报告" in t or "年报" in t) and ("公开" in t or "年度" in t) and len(t) <= 60 and "。" not in t:
            title, first = t, i
            # the agency or the year may be on the line(s) above ("福建省人力资源和社会保障厅" / "2020 年…报告")
            for j, prev in reversed(seen[:-1][-2:]):
                if (_title_agency(title) and _year_in(title)) or len(prev) > 40 or prev.endswith(("。", "；")):
                    break
                title, first = prev + title, j
            return title, first, i
    return None


def _title_agency(title: str) -> str:
    t = title
    y = _year_in(t)
    if y:
        t = t.replace(y[1].replace(" ", ""), "", 1)
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


def _body_agency(doc: Document, prose: list[tuple[int, str]], context: Counter) -> Optional[tuple[_Name, str, int]]:
    """The agency that writes 我厅/我局: the most mentioned agency name of that kind in the body."""
    ref = _ref()
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
            chain, pos = _regions_before(head, len(head))
            if chain:
                written = head[pos:] + m.group(0)
                name = _parse_name(written, context)
            elif head[-1:] in ("省", "市", "区", "县"):
                written = head[-1] + m.group(0)
                name = _parse_name(written, context)
            else:
                continue  # no region at all: 人社部办公厅, a national body, or a generic mention
            if name is None:
                continue
            if name.generic:
                name = _resolve_generic(name, context)
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


def _signature(doc: Document, context: Counter) -> Optional[tuple[_Name, str, int]]:
    """The agency that signs the report: a short line naming an agency among the last lines, usually above or
    beside the date (厦门市人力资源和社会保障局 / 2021年1月20日)."""
    tail = [(i, _squash(ln.text)) for i, ln in enumerate(doc.lines) if ln.text.strip() and ln.cells is None][-6:]
    for i, t in reversed(tail):
        t = re.sub(r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)$", "", t)
        if 4 <= len(t) <= 30 and not re.search(r"[。，；：]", t):
            name = _parse_name(t, context)
            if name and name.generic:
                name = _resolve_generic(name, context)
            if name and name.division is not None:
                return name, t, doc.lines[i].line
    return None


_COMPILER = re.compile(r"(?:本报告由|本年度报告由|总结|现公布|现将)(?P<a>[\u4e00-\u9fff]{4,40}?)"
                       r"(?:(?:19|20)\d{2}年|根据|按照|依据|依照|编制|关于|政府信息公开)")


def _compiler(doc: Document, prose: list[tuple[int, str]], context: Counter) -> Optional[tuple[_Name, str, int]]:
    """The opening sentence that names who compiled the report: 本报告由淮安市人民政府办公室根据《条例》编制 /
    总结厦门市人力资源和社会保障局2020年政府信息公开工作情况. A government's 办公室 compiles on its behalf."""
    for i, t in prose[:15]:
        for m in _COMPILER.finditer(t):
            written = m.group("a")
            if written.endswith(("办公室", "办公厅")) and _parse_name(written[:-3], context):
                written = written[:-3]
            name = _parse_name(written, context)
            if name and name.generic:
                name = _resolve_generic(name, context)
            if name and name.division is not None:
                return name, written, doc.lines[i].line
    return None


def _resolve_generic(name: _Name, context: Counter) -> Optional[_Name]:
    """省人社厅 in a report that names 福建省 most: the province (or city) the body names most, if clearly so."""
    ref = _ref()
    want = {"省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "区": 3, "县": 3, "旗": 3}[name.generic]
    tally: Counter = Counter()
    for written, n in context.items():  # only names the body mentions
        for d in ref.by_name.get(written, []):
            if d.rank == want or (want == 2 and d.rank == 1 and d.name.endswith("市")):
                tally[d.code] += n
    if not tally:
        return None
    top = tally.most_common(2)
    if len(top) > 1 and top[0][1] < 2 * top[1][1]:
        return None
    name.division = ref.div[top[0][0]]
    name.generic = None
    return name


def _mentions(prose: list[tuple[int, str]]) -> Counter:
    """How often each province/prefecture name (full or short) occurs in the body."""
    ref = _ref()
    text = "\n".join(t for _, t in prose)
    c: Counter = Counter()
    for d in ref.upper:
        k = text.count(d.name)
        if k:
            c[d.name] += k
        s = ref.short.get(d.code)
        if s:
            # a short name also occurs inside its full name (福建 in 福建省): count it only on its own
            k = text.count(s) - k
            if k > 0:
                c[s] += k
    return c


# ---------------------------------------------------------------- entry point
def infer_metadata(doc: Document) -> ReportMeta:
    prose = _prose(doc)
    context = _mentions(prose)
    body = "".join(t for _, t in prose)
    ev: dict[str, Evidence] = {}
    agency = region = level = None
    year = None
    name: Optional[_Name] = None

    title = _find_title(doc)
    if title:
        text, first, last = title
        line_no = doc.lines[first].line
        raw = " ".join(ln.text.strip() for ln in doc.lines[first:last + 1] if ln.text.strip())
        y = _year_in(text)
        if y:
            year = y[0]
            ev["year"] = Evidence(year, "title", raw, line_no)
        written = _title_agency(text)
        parsed = _parse_name(written, context) if written else None
        if parsed and parsed.generic:
            parsed = _resolve_generic(parsed, context)
        vertical = _vertical(written, context) if written and not (parsed and parsed.division) else None
        if parsed and parsed.division is not None:
            name = parsed
            agency = _full_agency(parsed, written, body)
            ev["agency"] = Evidence(agency, "title", raw, line_no)
        elif vertical is not None:  # 国家税务总局厦门市税务局: a national system's local office
            name, agency = vertical, written
            ev["agency"] = Evidence(agency, "title", raw, line_no)
        elif written and ref_national(written):
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
            agency = _full_agency(name, written, body)
            ev["agency"] = Evidence(agency, "body", written, line)

    if agency is None or year is None:
        stem = _squash(Path(doc.file).stem)
        if year is None and (y := _year_in(stem + "年" if re.search(r"(19|20)\d{2}$", stem) else stem)):
            year = y[0]
            ev["year"] = Evidence(year, "filename", doc.file)
        if agency is None:
            bare = re.sub(r"(19|20)\d{2}年?度?", "", stem)
            m = _ref().type_re.search(bare)
            if m:
                written = re.sub(r"^[^\u4e00-\u9fff]*", "", bare[: m.end()]).removeprefix("关于")
                parsed = _parse_name(written, context)
                if parsed and parsed.generic:
                    parsed = _resolve_generic(parsed, context)
                if parsed and parsed.division is not None:
                    name = parsed
                    agency = _full_agency(parsed, written, body)
                    ev["agency"] = Evidence(agency, "filename", doc.file)

    if name is not None and name.division is not None:
        region, level = _region(name), _level(name)
        src = ev["agency"]
        ev["region"] = Evidence(region, src.source, src.text, src.line)
        ev["level"] = Evidence(level, src.source, src.text, src.line)

    warnings = [conflict] if conflict else []
    for field, value, what in (("agency", agency, "发布机关"), ("year", year, "报告年度"),
                               ("region", region, "所属地区"), ("level", level, "行政层级")):
        if value is None:
            warnings.append(Warning("metadata", f"{doc.file}: 未能从标题、正文或文件名确定{what}（{field}），"
                                                f"请在资料库中手动填写 (could not determine the {field})", doc.file))
    return ReportMeta(agency=agency, region=region, level=level, year=year, evidence=ev, warnings=warnings)


def _vertical(written: str, context: Counter) -> Optional[_Name]:
    """A local office of a vertically managed system, named after its head office: 国家税务总局厦门市税务局,
    国家金融监督管理总局江苏监管局 … -> the local part parsed, the full name kept as written."""
    for start in range(2, len(written) - 3):
        prefix = written[:start]
        if not (prefix.startswith("国家") or prefix.startswith("中国") or prefix in _ref().national):
            continue
        if not prefix.endswith(("总局", "署", "部", "委员会", "银行", "局")):
            continue
        parsed = _parse_name(written[start:], context)
        if parsed and parsed.generic:
            parsed = _resolve_generic(parsed, context)
        if parsed and parsed.division is not None:
            return parsed
    return None


def ref_national(written: str) -> bool:
    return written in _ref().national or written.startswith("国家")


__all__ = ["infer_metadata"]
