"""Agencies named in a question, resolved against the reports the library holds.

Full names, short type forms (人社厅 for 人力资源和社会保障厅, from index/regions.json shared with
index/metadata.py), with or without 省/市, and bare regions ("山东"). Any other division or agency a user names
("广东省人社厅", "福建省财政厅") is returned as unknown, so the assistant refuses instead of answering for
the wrong agency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from index.agency_names import reference
from index.library import ReportInfo
from assistant.answering.lexicon import Lexicon, load_lexicon, norm


def _short_region(region: Optional[str]) -> list[str]:
    """'福建省' -> ['福建省', '福建']; '福建省厦门市' -> ['厦门市', '厦门']."""
    if not region:
        return []
    parts = re.findall(r".+?(?:自治区|特别行政区|省|自治州|市|区|县|旗)", region) or [region]
    last = parts[-1]
    short = re.sub(r"(自治区|特别行政区|省|自治州|市|区|县|旗)$", "", last)
    return [last, short] if short and short != last else [last]


@lru_cache(maxsize=1)
def _vocab() -> tuple[list[str], dict[str, str], list[tuple[str, str]]]:
    """Agency type words and their short forms, and the national divisions (index/regions.json, shared with
    index/metadata.py) — so any province/city/county a user names is recognised, held or not."""
    ref = reference()
    types = sorted(set(ref.types) | set(ref.aliases), key=len, reverse=True)
    aliases = dict(ref.aliases)
    divs = []
    for code, name in ((d.code, d.name) for d in ref.div.values()):
        short = re.sub(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|自治州|地区|盟|区|县|旗)$", "", name)
        if code.endswith("00") or len(short) >= 2:  # county names only when they are distinctive
            divs.append((name, short if len(short) >= 2 else name))
    divs.sort(key=lambda d: -len(d[0]))
    return types, aliases, divs


def agency_aliases(agency: str, region: Optional[str], lex: Lexicon) -> list[str]:
    """Ways a user names an agency: full name, short type forms (人社厅), with or without 省/市."""
    a = norm(agency)
    names = {a}
    _types, alias_map, _divs = _vocab()
    pairs = list(lex.aliases) + [(full, short) for short, full in alias_map.items()]
    for long, short in pairs:
        for n in list(names):
            if long in n:
                names.add(n.replace(long, short))
    regs = _short_region(region)
    for n in list(names):
        for r in regs:
            if n.startswith(r) and len(regs) > 1:
                names.add(regs[-1] + n[len(r):])  # 福建省人社厅 -> 福建人社厅
        m = re.match(r"^.+?省(.+?市.+)$", n)  # 福建省厦门市人社局 -> 厦门市人社局
        if m:
            names.add(m.group(1))
    core = zone_core(a)
    if core != a and len(core) >= 4:  # 平潭综合实验区管委会办公室 is what "平潭综合实验区" means in a question
        names.add(core)
    return sorted(names, key=len, reverse=True)


@dataclass
class _Match:
    start: int
    end: int
    agencies: list[str]
    text: str


def _type_after(text: str, end: int) -> Optional[str]:
    """The agency type word right after a region name ("财政厅" in "福建省财政厅"), if any."""
    types, _aliases, _divs = _vocab()
    rest = text[end:end + 14]
    rest = re.sub(r"^(省|市|自治区|区|县|的)", "", rest)
    for t in types:
        if rest.startswith(t) and not rest[len(t):].startswith("门"):  # 人社部门 is "the HR department", generic
            return t
    return None


_CANDS: dict = {}  # (lexicon, held agencies) -> alias table; a few entries, one per library state


def _candidates(reports: list[ReportInfo], lex: Lexicon):
    """The alias table of the held agencies, built once per library state. Why: building it costs
    O(agencies × aliases) — per question that was 0.9 s at 500 agencies and 4.5 s at 5,000 (bench/scale.py)."""
    key = (id(lex), tuple(sorted({(r.agency, r.region, r.level) for r in reports if r.agency})))
    hit = _CANDS.get(key)
    if hit is None:
        if len(_CANDS) >= 4:
            _CANDS.clear()
        hit = _CANDS[key] = _build_candidates(reports, lex)
    return hit


def _build_candidates(reports: list[ReportInfo], lex: Lexicon):
    agencies = sorted({r.agency for r in reports if r.agency})
    region_of = {r.agency: r.region for r in reports if r.agency}
    level_of = {r.agency: r.level for r in reports if r.agency}
    cands: list[tuple[str, list[str], bool]] = []
    all_aliases: dict[str, set[str]] = {}
    for a in agencies:
        al = agency_aliases(a, region_of.get(a), lex)
        all_aliases[a] = set(al)
        for alias in al:
            cands.append((alias, [a], False))
    # a bare region ("福建", "山东省") names the agencies whose own region it is (厦门 is in 福建 but is not 福建)
    by_region: dict[str, list[str]] = {}
    for a in agencies:
        for r in _short_region(region_of.get(a)):
            by_region.setdefault(r, []).append(a)
    for r, agl in by_region.items():
        if len(agl) > 1:  # prefer the higher level (省级 over 市级 etc.) when a region holds several agencies
            agl = [a for a in agl if level_of.get(a) in ("省级", "国家级")] or agl
        cands.append((r, sorted(set(agl)), True))
    cands.sort(key=lambda c: -len(c[0]))
    return cands, all_aliases


def find_agencies(text: str, reports: list[ReportInfo], lex: Lexicon) -> tuple[list[str], list[str], list[str], str]:
    """Return (agencies, mentions, unknown mentions, text with the mentions blanked out)."""
    cands, all_aliases = _candidates(reports, lex)
    used = [False] * len(text)
    found: list[_Match] = []
    for alias, agl, bare in cands:
        if len(alias) < 2 or alias not in text:  # a plain substring test first: almost every alias is absent
            continue
        for m in re.finditer(re.escape(alias), text):
            if any(used[m.start():m.end()]):
                continue
            end = m.end()
            t = _type_after(text, end) if bare else None
            if t:
                if not any(al.endswith(t) for a in agl for al in all_aliases[a]):
                    continue  # "福建省财政厅": a region we hold, but another agency — left for the unknown check
                end = text.index(t, end) + len(t)  # "福建的人社厅": the same agency, said loosely
            for i in range(m.start(), end):
                used[i] = True
            found.append(_Match(m.start(), end, agl, text[m.start():end]))
    found.sort(key=lambda m: m.start)
    out, mentions = [], []
    for m in found:
        mentions.append(m.text)
        for a in m.agencies:
            if a not in out:
                out.append(a)
    blank = "".join("　" if used[i] else c for i, c in enumerate(text))
    return out, mentions, _unknown_agencies(blank, lex), blank


@lru_cache(maxsize=1)
def _division_names() -> dict[str, bool]:
    """Division name -> True when it may stand alone (a full name or a province/city short name)."""
    _types, _aliases, divs = _vocab()
    lex = load_lexicon()
    out: dict[str, bool] = {}
    for full, short in divs:
        out[full] = True
        out[short] = out.get(short, False) or short in lex.regions or short == full
    return out


def _unknown_agencies(blank: str, lex: Lexicon) -> list[str]:
    """Agency-like phrases left after the held agencies were blanked out: a division name with an agency type
    ("广东省人社厅", "福建省财政厅"), or a province/city name on its own ("浙江", "深圳市"). A scan of substrings
    against a dict (not one regex per division: there are thousands)."""
    names = _division_names()
    unknown: list[str] = []
    i, n = 0, len(blank)
    while i < n:
        hit = None
        for size in range(min(12, n - i), 1, -1):
            w = blank[i:i + size]
            if w in names:
                t = _type_after(blank, i + size)
                if t or names[w]:
                    hit = (w, t)
                    break
        if hit is None:
            i += 1
            continue
        w, t = hit
        end = i + len(w)
        if t:
            end = blank.index(t, end) + len(t)
        elif blank[end:end + 1] in ("省", "市"):
            end += 1
        unknown.append(blank[i:end])
        i = end
    return unknown


# ---------------------------------------------------------------- names the library cannot match
# Why: an agency outside the division list (平潭综合实验区, 某某管委会) is invisible to the checks above, and a
# question naming it would otherwise be answered from every report of that year — another agency's table, cited.
_ZONE_WORDS = ("综合实验区", "示范区", "实验区", "新区", "开发区", "高新区", "自贸区", "管委会", "管理委员会", "街道办事处")
_GOV_WORDS = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府办公室", "政府办公厅")
_EXTEND = ("管委会", "管理委员会", "党工委", "办公室", "办公厅")  # more of the same name after its type word
_NOT_NAME = set("的年在和与及或、，,。？?！!：:；;中里是了对比向从按把被为跟同各每该其这那哪几多少问请共有")


@lru_cache(maxsize=1)
def _name_endings() -> tuple[str, ...]:
    types, aliases, _divs = _vocab()
    return tuple(sorted(set(types) | set(aliases) | set(_ZONE_WORDS) | set(_GOV_WORDS), key=len, reverse=True))


def agency_phrases(blank: str) -> list[str]:
    """Agency-like names in a question whose held agencies were blanked out (find_agencies' 4th value): at
    least two name characters before an agency type word ("平潭综合实验区", "某某县财政局", "市科委" is too short
    to be a name and is left alone). '人社部门' (a department in general) is not a name."""
    ends = _name_endings()
    out: list[str] = []
    i, n = 0, len(blank)
    while i < n:
        hit = next((e for e in ends if blank.startswith(e, i)), None)
        after = blank[i + len(hit):i + len(hit) + 2] if hit else ""
        # 人社部门 is a department in general; 政府信息 is the subject of every report, not a 政府
        if hit is None or after[:1] == "门" or after == "信息" or (hit == "政府" and blank[i - 1:i] not in "省市区县镇乡"):
            i += 1
            continue
        a = i
        while a > 0 and i - a < 10 and re.match(r"[\u4e00-\u9fff]", blank[a - 1]) and blank[a - 1] not in _NOT_NAME:
            a -= 1
        end = i + len(hit)
        while True:  # 平潭综合实验区 + 管委会 + 办公室: one name
            more = next((e for e in _EXTEND if blank.startswith(e, end)), None)
            if not more:
                break
            end += len(more)
        if i - a >= 2 or (hit in _ZONE_WORDS and i - a >= 1):
            out.append(blank[a:end])
        i = end
    return out


def zone_core(name: str) -> str:
    """'平潭综合实验区管委会办公室' -> '平潭综合实验区': the part of a name a question uses for the zone."""
    m = re.match(r"^(.+?(?:综合实验区|示范区|实验区|新区|开发区|高新区|自贸区))(?:党工委)?(?:管委会|管理委员会)?(?:办公室|办公厅)?$",
                 name or "")
    return m.group(1) if m else (name or "")


def name_core(name: str) -> str:
    """The distinctive part of an agency name, for finding it in a report's title: the zone, or the name
    without its type word ('某某县财政局' -> '某某县')."""
    core = zone_core(name)
    if core != name:
        return core
    for e in _name_endings():
        if name.endswith(e) and len(name) - len(e) >= 2:
            return name[:-len(e)]
    return name


def report_heading(library, file: str) -> Optional[str]:
    """The report's own title ('平潭综合实验区2024年度政府信息公开工作年度报告'), to name a report to staff
    whose publisher is unknown — never its file name (downloaded reports are often named by a hash). From
    the metadata's evidence (title line or a crawler's 标题: header), else the first chunk's first title-like
    line."""
    rep = library.report(file)
    texts = [v["text"] for v in (rep.evidence if rep else {}).values()
             if isinstance(v, dict) and isinstance(v.get("text"), str)]
    texts += [c.text for c in library.chunks(file)[:2]]
    for t in texts:
        m = re.search(r"([^\s。；，:：]{0,40}?(?:19|20)\d{2}\s*年度?\s*政府信息公开工作年度报告)", t or "")
        if m:
            return re.sub(r"\s+", "", m.group(1)).strip("《》")
    return None


# ---------------------------------------------------------------- which held reports can answer
class Holdings:
    """The library's reports as answers need them: which tables of each were read, how each is named to staff,
    and what to say when a question names an agency held only as an unreadable or unnamed report (or not at
    all). Why: with no agency resolved the table tool ranges over every report of the year, so the answer
    would be another agency's table, cited; and a held report whose table was not read must be said to be
    unreadable, not passed over for a neighbour. Built per library state (Assistant.holdings)."""

    TABLES = {"主动公开", "依申请公开", "复议诉讼"}

    def __init__(self, library, reports: list[ReportInfo]):
        self.library, self.reports = library, reports
        self._read: Optional[dict[str, set[str]]] = None
        self._headings: dict[str, Optional[str]] = {}

    def tables_read(self, file: str) -> set[str]:
        """The standard tables of a report whose cells were read (at least one value)."""
        if self._read is None:
            self._read = self.library.tables_read()
        return self._read.get(file, set())

    def heading(self, file: str) -> Optional[str]:
        if file not in self._headings:
            self._headings[file] = report_heading(self.library, file)
        return self._headings[file]

    def label(self, r: ReportInfo) -> str:
        """How staff are told which report: its agency and year, or its own title — never a file name."""
        if r.agency:
            return f"{r.year}年{r.agency}的报告" if r.year else f"{r.agency}的报告（年度未识别）"
        head = self.heading(r.file)
        return f"《{head}》（发布机关未能识别）" if head else \
            f"一份{f'{r.year}年' if r.year else '年度不明'}、发布机关未能识别的报告"

    def unheld(self, q) -> Optional[tuple[Optional[str], str]]:
        """(answer text, route reason) when the question names an agency the library cannot answer for: the
        text says which report was found and why it is not used; None as text: not held at all (the caller
        refuses with the holdings; q.unknown_agencies is set). None: nothing of the kind was named."""
        _held, _m, _unk, blank = find_agencies(q.text, self.reports, load_lexicon())
        names = [p for p in agency_phrases(blank) if not any(p in u or u in p for u in q.unknown_agencies)]
        if q.agencies and not (q.follow_up and not any(m in q.text for m in q.agency_mentions)):
            if names:  # named beside a held agency: that one is answered, this one said to be missing
                q.unknown_agencies += [n for n in names if n not in q.unknown_agencies]
            return None
        missing = list(dict.fromkeys(q.unknown_agencies + names))
        if not missing:
            return None
        if q.follow_up:  # "那雄安新区呢？": not the earlier question's agency
            q.agencies, q.agency_mentions = [], []
        found: list[ReportInfo] = []
        for name in missing:
            core = name_core(name)
            for r in self.reports:
                if (q.years and r.year and r.year not in q.years) or (r.agency and self.tables_read(r.file)):
                    continue  # another year, or a held readable report of another agency
                if ((r.agency and core in r.agency) or core in (self.heading(r.file) or "")) and r not in found:
                    found.append(r)
        if not found:
            q.unknown_agencies = missing
            return None, f"库中没有{'、'.join(missing)}的报告"
        parts = []
        for r in found:
            why = []
            if not r.agency:
                why.append("未能识别其发布机关，不能确认它就是所问单位的报告（可在“年报库”中更正发布机关后再问）")
            if not self.tables_read(r.file):
                why.append("其统计表未能读取（没有解析出任何数值）")
            parts.append(f"{self.label(r)}，但{'；'.join(why)}")
        return (f"无法回答：问题所问的{'、'.join(missing)}，库中找到" + "；".join(parts) +
                "。为免用其他单位的报告作答，这里不给出数字。"), "所问单位的报告无法读取或发布机关不明"

    def unread_notes(self, q) -> tuple[list[str], bool]:
        """Notes on the named agencies' reports whose table for this question was not read, and whether every
        report asked about is such a one."""
        if not q.agencies or not q.quantities:
            return [], False
        tables = {x.table for x in q.quantities}
        held = [r for r in self.reports if r.agency in q.agencies and (not q.years or r.year in q.years)]
        unread = [r for r in held if not tables & self.tables_read(r.file)]
        names = "、".join(f"“{t}”" for t in sorted(tables))
        notes = [f"注意：库中有{self.label(r)}，但其统计表{names}未能读取（没有解析出数值），"
                 f"这份报告的表中数字无法给出，也没有用其他报告代替。" for r in unread]
        return notes, bool(held) and len(unread) == len(held)
