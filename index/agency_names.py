"""Agency names and the regions they belong to, read against index/regions.json.

The national division codes (province NN0000, prefecture NNNN00, county) give every region's parents, so
"洪泽区人民政府" resolves to 江苏省淮安市洪泽区 at 县级, and the agency list (full types and the short forms
reports write: 人社厅 -> 人力资源和社会保障厅) gives the canonical agency name. An ambiguous name (鼓楼区) is
decided by the outer names written with it, then by the regions the report's body names; still tied -> None.
Used by index/metadata.py; the read side may use it to resolve an agency a user types.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

_DATA = Path(__file__).with_name("regions.json")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


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
        self.types: list[str] = ag["types"]
        self.aliases: dict[str, str] = ag["aliases"]
        self.national: list[str] = ag["national"]
        self.zones: dict[str, dict] = ag.get("zones", {})
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
def reference() -> _Ref:
    return _Ref()


# ---------------------------------------------------------------- agency names
@dataclass
class AgencyName:
    division: Optional[Division]
    town: Optional[str]  # 乡镇/街道 name between the county and the agency type
    type: str  # canonical agency type (人民政府, 人力资源和社会保障厅 …)
    generic: Optional[str] = None  # bare 省/市/区/县 prefix, to be resolved from the body
    zone: Optional[str] = None  # 开发区/工业园区/新区 governed by a 管理委员会 of its city or county, not a division


def regions_before(text: str, end: int) -> tuple[list[list[Division]], int]:
    """Division names written right before text[end] (江苏省淮安市洪泽区 -> three candidate lists, innermost
    last; a name like 鼓楼区 has several candidates) and where the written chain starts."""
    ref = reference()
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


def regions_after(text: str) -> tuple[list[list[Division]], int]:
    """Division names written from the start of text (江苏省淮安市洪泽区…), outermost first, and where they end."""
    ref = reference()
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
    ref = reference()
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


_ZONE = re.compile(r"[\u4e00-\u9fff]{0,10}(经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新区|开发区|工业园区|产业园区"
                   r"|园区|新区|保税区|综合保税区|旅游度假区|度假区|风景名胜区|综合实验区|实验区|试验区|示范区|合作区|经济区)")


def parse_agency(text: str, context: Counter) -> Optional[AgencyName]:
    """An agency name as written (厦门市人社局, 洪泽区人民政府, 省人力资源社会保障厅) -> AgencyName, or None."""
    ref = reference()
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
        return AgencyName(division=None, town=None, type=typ, generic=head)
    chain, pos = regions_after(head)
    if not chain:
        return None
    rest = head[pos:]
    town = zone = None
    if rest:
        # a town or street between the county and the agency type: 洪泽区高良涧街道办事处, XX县XX镇人民政府
        if typ == "街道办事处" and re.fullmatch(r"[\u4e00-\u9fff]{1,6}", rest):
            town = rest + "街道"
            typ = "办事处"
        elif re.fullmatch(r"[\u4e00-\u9fff]{1,6}(镇|乡|街道)", rest):
            town = rest
        elif _ZONE.fullmatch(rest):
            zone = rest
        else:
            return None  # other words between region and type: not an agency name of this shape
    div = _resolve(chain, context)
    if div is None:
        return None
    return AgencyName(division=div, town=town, type=typ, zone=zone)


_ZONE_BODY = re.compile(r"(?:党工委|管委会|管理委员会|党工委管委会)?(?:办公室|办公厅|综合办公室)?$")


def zone_publisher(written: str, context: Counter) -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """A zone that publishes as itself (平潭综合实验区, 雄安新区, XX经济技术开发区, or its 管委会/办公室) ->
    (agency, region, level). Zones are not divisions: the ones the state set up as provincial bodies are
    listed in regions.json (agencies.zones) with their region and level; another zone takes its region from
    the division its name starts with (苏州工业园区 -> 江苏省苏州市) and its level stays unknown (None) —
    the zone's own rank is not in its name."""
    ref = reference()
    text = _ZONE_BODY.sub("", _squash(written)) or _squash(written)
    m = _ZONE.fullmatch(text)
    if not m or len(text) <= len(m.group(1)) or regions_after(text)[1] == len(text):
        return None  # not a zone, or a division that only sounds like one (上海市浦东新区)
    known = ref.zones.get(text)
    if known:
        return text, known["region"], known["level"]
    head = text[: -len(m.group(1))]
    chain, pos = regions_after(head)
    div = _resolve(chain, context) if chain else None
    if div is None:  # 平潭… / 苏州… written by its stem: the county or city of that stem, if one only
        stems = [d for suf in ("县", "市", "区") for d in ref.by_name.get(head + suf, [])]
        stems = list({d.code: d for d in stems}.values())
        div = stems[0] if len(stems) == 1 else _resolve([stems], context) if stems else None
    if div is None:
        return None
    # like a zone under a division's 管委会 (parse_agency): the level of the division its name starts with
    outer = ref.chain(div)[:-1] if div.rank == 3 else ref.chain(div)
    return text, "".join(d.name for d in outer) + text, {1: "省级", 2: "市级", 3: "县级"}[div.rank]


def _listed_zone(name: AgencyName) -> Optional[dict]:
    """The zones table's entry for 河北雄安新区管理委员会's zone (雄安新区), if listed."""
    if not name.zone:
        return None
    z = reference().zones
    return z.get(name.zone) or next((v for k, v in z.items() if k != "_doc" and name.zone.endswith(k)), None)


def full_name(name: AgencyName, written: str, body: str) -> str:
    """The agency's full name: its region as usually written plus the canonical type.

    Provinces and prefectures carry their own name (福建省…厅, 厦门市…局); a district also carries its city
    (淮安市洪泽区人民政府: district names repeat across China); a county keeps the form the body uses."""
    ref = reference()
    typ = name.type
    if name.division is None:
        return written
    inner = name.division
    if inner.rank == 3:
        parent = ref.parent(inner)
        # 北京市朝阳区 / 淮安市洪泽区: a district is named with its city (incl. the four municipalities)
        with_parent = (parent.name if parent and (parent.rank == 2 or parent.name.endswith("市")) else "") + inner.name
        if inner.name.endswith("区") or with_parent + (name.town or name.zone or "") + typ in body:
            prefix = with_parent
        else:
            prefix = inner.name
    else:
        prefix = inner.name
    if name.zone and inner.rank in (1, 2) and (prefix + name.zone) not in written and \
            (_short_name(inner) or "") + name.zone in written:
        prefix = _short_name(inner)  # 苏州工业园区: the zone's own name starts with the city's short name
    return prefix + (name.town or name.zone or "") + typ


def level_of(name: AgencyName) -> Optional[str]:
    if (listed := _listed_zone(name)) is not None:
        return listed["level"]
    if name.town:
        return "乡镇级"
    if name.division is None:
        return None
    return {1: "省级", 2: "市级", 3: "县级"}[name.division.rank]


def region_of(name: AgencyName) -> Optional[str]:
    if (listed := _listed_zone(name)) is not None:
        return listed["region"]
    if name.division is None:
        return None
    return "".join(d.name for d in reference().chain(name.division)) + (name.town or name.zone or "")


def resolve_generic(name: AgencyName, context: Counter) -> Optional[AgencyName]:
    """省人社厅 in a report that names 福建省 most: the province (or city) the body names most, if clearly so."""
    ref = reference()
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


def mentions(prose: list[tuple[int, str]]) -> Counter:
    """How often each province/prefecture name (full or short) occurs in the body."""
    ref = reference()
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


def vertical_office(written: str, context: Counter) -> Optional[AgencyName]:
    """A local office of a vertically managed system, named after its head office: 国家税务总局厦门市税务局,
    国家金融监督管理总局江苏监管局 … -> the local part parsed, the full name kept as written."""
    for start in range(2, len(written) - 3):
        prefix = written[:start]
        if not (prefix.startswith("国家") or prefix.startswith("中国") or prefix in reference().national):
            continue
        if not prefix.endswith(("总局", "署", "部", "委员会", "银行", "局")):
            continue
        parsed = parse_agency(written[start:], context)
        if parsed and parsed.generic:
            parsed = resolve_generic(parsed, context)
        if parsed and parsed.division is not None:
            return parsed
    return None


def is_national(written: str) -> bool:
    written = written.removeprefix("中华人民共和国")
    return written in reference().national or written.startswith(("国家", "国务院"))



def describe(written: str, body: str = "") -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """An agency name as a person writes it -> (full name, region, level), e.g.
    "厦门市人社局" -> ("厦门市人力资源和社会保障局", "福建省厦门市", "市级"); None when it is not one."""
    name = parse_agency(written, Counter())
    if name is None or name.division is None:
        office = vertical_office(_squash(written), Counter())
        if office is not None:
            return _squash(written), region_of(office), level_of(office)
        return None
    return full_name(name, _squash(written), body), region_of(name), level_of(name)
