"""Narrative answers that cover the section: "江苏人社厅2019年在政策解读方面做了哪些工作？", "福建省人社厅如何推进
政策解读？", "各单位如何加强政府信息管理？", "厦门人社局2020年存在什么问题？".

The topic is what remains of the question once the agency, the years and the asking words are gone (政策解读).
Each report's outline (outline.py) is searched for the sub-heading or item whose heading names it; that
section's own items are then listed point by point, one exact quote each (its heading and the sentence after
it), in the report's order. A report with no such heading gets its sentences that name the topic, said so.

Part five (存在的主要问题及改进情况) is kept apart: a question about work done never quotes it as work (the answer
only says the part mentions the topic too); a question about problems or 改进 quotes part five alone, its
sentences sorted into 存在的问题 and 改进措施. Every held report asked about gets its own block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from assistant.answering.agencies import find_agencies
from assistant.answering.compose import Citations, Draft, who
from assistant.answering.lexicon import load_lexicon, norm
from assistant.answering.outline import CUT, HEADING, Node, Quote, flat, outline, squash
from assistant.answering.question import Query, library_reports
from assistant.answering.verify import extract_numbers

# asks what was done, how, or which problems — not a name, a count or a yes/no (those keep the sentence answer)
LISTING = re.compile(r"哪些|什么工作|什么措施|什么做法|什么举措|什么问题|什么不足|做了什么|做了些什么|如何|怎么|怎样"
                     r"|情况|做法|措施|举措|经验|亮点|成效|介绍|概括|总结|要点|存在|不足|短板|改进|整改|下一步")
NOT_LISTING = re.compile(r"叫什么|名字|名称|哪家|哪个|哪一|多少|几[个场次件名人条项份家期篇户年]|是否|有没有|有无|何时|什么时候|谁")
PROBLEMS = re.compile(r"问题|不足|短板|差距|困难|改进|整改|下一步|不够")
EACH = re.compile(r"各单位|各地|各部门|各机关|各个单位|每个单位|每家单位|各报告|各家|每份报告|所有报告|各份报告")
_ASKING = re.compile(  # the asking words around a topic (longest first where they overlap)
    r"的报告(?:中|里)?(?:指出|提到|写到|显示|说)?|报告(?:中|里)|年报|工作中|方面|领域|这块|这一块"
    r"|(?:具体|主要)?(?:做了|开展了?|采取了?|推出了?|有|存在)(?:哪些|什么|些什么|那些)?(?:主要)?"
    r"(?:工作|做法|措施|举措|亮点|经验|成效|创新|问题|不足|短板|困难|差距)?"
    r"|(?:做|干|搞|抓|开展|推进|落实|完成)得(?:怎么样|如何|怎样|好不好)?|效果|成果|有何|何种"
    r"|(?:是)?(?:如何|怎么样?|怎样)(?:做|开展|推进|推动|加强|落实|抓|做好|改进|整改)?(?:的)?"
    r"|(?:请|麻烦)?(?:介绍|概括|总结|说说|讲讲|谈谈|列出|列举|梳理)(?:一下)?|逐条|详细|主要|具体|相关|有关"
    r"|工作|情况|做法|措施|举措|经验|亮点|成效|内容|要点|问题|不足|短板|困难|差距|改进|整改|下一步|打算"
    r"|推进|推动|加强|落实|开展|做好|抓好|搞好|围绕|关于|对于|哪些|什么|那些|打算|计划|提到|提及|写到"
    r"|在|就|对|了|的|呢|吗|和|与|及|以及|[？?。！!，,、\s　\"'“”‘’「」《》]")
_GENERIC = {"政务公开", "政府信息公开", "信息公开", "公开", "政务", "总体", "总体情况", "整体", "全年", "年度"}
_IMPROVE = re.compile(r"下一步|今后|(?:我们|我厅|我局|我委|我区|我市|我县|我办|区政府|市政府)(?:将|要)|针对|整改|力争"
                      r"|将(?:进一步|继续|持续|不断|切实|着力|加快|严格|逐步|重点|认真|积极|全面)|改进(?:情况|措施)")
_PROBLEM = re.compile(r"存在|不足|不够|有待|仍需|还需|尚需|不强|不高|不到位|滞后|薄弱|短板|差距|问题是|困难")
_STEP = re.compile(r"^(?:[一二三四五六七八九十]+是|\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[^，。]{0,6}(?:进一步|加强|强化|提升|推进|完善|优化|健全|建立))")
_GENERIC_CORES = {"政府信息", "政府信息公开", "信息公开", "政务公开", "公开工作", "政务信息", "信息管理工作"}
MATCH = 0.65  # share of a topic a heading must carry (bigrams, its characters in order, or its head noun)
QUOTE_CHARS = 120  # an item's one quote: its heading and the sentence after it, cut at a clause past this
MAX_POINTS = 12


# what was done or how, asked of a topic the tables also name (依申请公开方面做了哪些工作): the prose answers it
_WORK = re.compile(r"做了|哪些工作|哪些做法|哪些措施|哪些举措|如何|怎么|怎样|做法|措施|举措|经验|亮点|存在|不足|改进|整改")
_COUNT = re.compile(r"多少|几|数量|总数|件数|比例|比重|占比|合计|总计|共计|一共|增长|增加|减少|下降|变化|最多|最少|最高|最低|排名")


def wants_outline(text: str) -> bool:
    return bool(text and LISTING.search(text) and not NOT_LISTING.search(text))


def asks_work(text: str) -> bool:
    """A question about work done or problems that names a table's topic but asks no figure of it."""
    return wants_outline(text) and bool(_WORK.search(text)) and not _COUNT.search(text)


def topics(text: str, reports, years_said: bool = True) -> list[str]:
    """The topic words of a question: 政策解读 of '江苏人社厅2019年在政策解读方面做了哪些工作？'."""
    blank = find_agencies(norm(text), reports, load_lexicon())[3]
    blank = re.sub(r"(?:19|20)\d{2}\s*年?(?:度)?|[〇零一二三四五六七八九]{4}年|今年|去年|前年|近[两二三四五]年", "　", blank)
    blank = EACH.sub("　", blank)
    out = [t for t in _ASKING.sub("　", blank).split("　") if len(t) >= 2 and t not in _GENERIC]
    return list(dict.fromkeys(out))


def _grams(s: str) -> set[str]:
    out: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+", s):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    return out


def _in_order(topic: str, text: str, gap: int = 2) -> bool:
    """The topic's characters in order, at most `gap` others between two (政策解读 in 政策发布解读)."""
    for i, ch in enumerate(text):
        if ch != topic[0]:
            continue
        j, last = 1, i
        for k in range(i + 1, min(len(text), i + 1 + len(topic) * (gap + 1))):
            if j < len(topic) and text[k] == topic[j] and k - last <= gap + 1:
                j, last = j + 1, k
        if j == len(topic):
            return True
    return False


def match(topic: str, text: str) -> float:
    t, tp = flat(norm(text)), flat(norm(topic))
    if not tp or not t:
        return 0.0
    if tp in t:
        return 1.0
    g = _grams(tp)
    # the topic's core, when the heading has only that (政务新媒体 → 新媒体, 门户网站建设 → 门户网站)
    tail = max((k for k in range(3, len(tp)) for core in (tp[len(tp) - k:], tp[:k])
                if core in t and core not in _GENERIC_CORES), default=0)
    return max(len(g & _grams(t)) / len(g) if g else 0.0, 0.95 if _in_order(tp, t) else 0.0,
               min(0.9, tail / len(tp) + 0.1) if tail else 0.0)


def _label(n: Node) -> str:
    """The words a node's topic is read from: its heading, else its first sentence (an untitled item)."""
    return n.title or n.head()[:60]


def _inside(n: Node, m: Node) -> bool:
    return n is not m and any(x is n for x in m.walk())


@dataclass
class Point:
    quote: Quote
    cut: bool = False  # the quote stops at a clause of a longer sentence
    kind: str = ""  # 问题 | 改进 (part five only)
    node: Optional[Node] = None  # the item it quotes


@dataclass
class Block:
    report: object
    nodes: list[Node] = field(default_factory=list)  # the sections found ([] when sentences or nothing)
    points: list[list[Point]] = field(default_factory=list)  # per node (one list when sentences)
    also_in_five: bool = False  # a work question whose topic part five names too
    unmatched: bool = False  # a problems question whose topic part five does not name: all of part five
    missing: bool = False  # the report says nothing on the topic


def _node_quote(n: Node, file, agency, year) -> Optional[Point]:
    """One quote for an item: its heading and the sentence after it (the heading alone when it stands on its
    own line above sub-items), cut at a clause when that runs past QUOTE_CHARS."""
    st = n.stream
    a = n.body
    if n.level <= 2 and n.body:  # a sub-heading the stream opens with: its words, without its number
        i = len(st.text) - len(st.text.lstrip(" " + CUT))
        a = i + len(HEADING.match(st.text[i:]).group(0)) if HEADING.match(st.text[i:]) else n.body
    sents = st.sentences(a, n.e)
    if not sents:
        return None
    end, size, cut = sents[0][1], len(flat(st.text[sents[0][0]:sents[0][1]])), False
    if size <= 30 and len(sents) > 1 and not n.children:  # with sub-items, its heading says what they are
        s, e = sents[1]
        if size + len(flat(st.text[s:e])) <= QUOTE_CHARS:
            end = e
        else:  # the sentence after the heading is long: up to a clause end (or a title's end) within the limit
            room = [i + 1 for i in range(s, e) if size + len(flat(st.text[s:i + 1])) <= QUOTE_CHARS]
            stops = [i for i in room if st.text[i - 1] in "，,；;：:、》”"]
            end, cut = (stops[-1] if stops and stops[-1] - s >= 15 else room[-1], True) if room else (end, False)
    q = st.quote(a, end, file, agency, year, n.path)
    if q is None and end != sents[0][1]:  # the sentence after the heading is planted text: the heading alone
        q, cut = st.quote(a, sents[0][1], file, agency, year, n.path), False
    return Point(q, cut, node=n) if q else None


def _sentences(n: Node, file, agency, year) -> list[Point]:
    st, out = n.stream, []
    for s, e in st.sentences(n.body, n.e):
        body = flat(st.text[s:e])
        if HEADING.match(body) and len(body) <= 30:  # a sub-heading is no point of its own
            continue
        q = st.quote(s, e, file, agency, year, n.path)
        if q and not (n.level > 2 and flat(q.text).rstrip("。") == n.title):
            out.append(Point(q))
    return out


def _kinds(points: list[Point]) -> list[Point]:
    """存在的问题 or 改进措施 for each sentence of part five, a run of 改进 lasting until a problem is named."""
    state = "问题"
    for p in points:
        t = p.quote.text
        if _IMPROVE.search(t):
            state = "改进"
        elif _PROBLEM.search(t) and not (state == "改进" and _STEP.match(t)):  # "三是…补短板" is a step
            state = "问题"
        p.kind = state
    return points


def report_block(library, report, wanted: list[str], problems: bool) -> Block:
    parts = outline(library, report.file)
    f, ag, yr = report.file, report.agency, report.year
    blk = Block(report)
    scope = [p for p in parts if (p.part == 5) == problems]
    if problems and wanted and not _mentions(scope, wanted):  # part five says nothing on it: all of part five
        blk.unmatched, wanted = True, []
    if not wanted:  # no topic: the part's own sub-sections (总体情况), or part five's sentences
        part = next((p for p in scope if p.part == (5 if problems else 1)), None)
        if part is None:
            blk.missing = True
            return blk
        blk.nodes = [part]
    else:
        scored = [(max(match(t, _label(n)) for t in wanted), n) for p in scope for n in p.walk() if n.level >= 2]
        best = max((s for s, _n in scored), default=0.0)
        if best >= MATCH:
            keep = [(s, n) for s, n in scored if s >= max(MATCH, best - 0.2)]
            top = min(n.level for _s, n in keep)
            chosen = [n for s, n in keep if n.level == top or s >= 0.9]
            blk.nodes = [n for n in chosen if not any(_inside(n, m) for m in chosen)][:3]
        if not problems:
            blk.also_in_five = _mentions([p for p in parts if p.part == 5], wanted)
    if blk.nodes:
        for n in blk.nodes:
            if problems:
                pts = _kinds(_sentences(n, f, ag, yr))
            elif len(n.children) >= 2:
                pts = [p for c in n.children if (p := _node_quote(c, f, ag, yr))]
            else:
                pts = _sentences(n, f, ag, yr)
            blk.points.append(pts[:MAX_POINTS] if not problems else pts)
        return blk
    # no heading names the topic: the sentences that do, in the report's order
    found = []
    for p in scope:
        for pt in _sentences(p, f, ag, yr):
            if max(match(t, pt.quote.text) for t in wanted) >= 0.95:
                found.append(pt)
    if problems:
        found = _kinds(found)
    blk.points = [found[:5]] if found else []
    blk.missing = not found
    return blk


def _mentions(parts: list[Node], wanted: list[str]) -> bool:
    return any(match(t, flat(p.stream.text)) >= 0.95 for p in parts for t in wanted)


def _where(n: Node) -> str:
    """一、总体情况（一）聚焦权力配置运行，进一步加强用权公开 · 二是加强政务信息管理: the place as the report numbers it."""
    place = "".join(b.strip() for b in n.path.split(">"))
    if n.level > 2:
        place += " · " + squash(n.stream.text[n.a:n.body].replace(CUT, "")) + (n.title or n.head()[:20])
    return place


def _sub_items(n: Node) -> str:
    """The sub-points of an item quoted by its heading alone, by their own headings when they have them."""
    if len(n.children) < 2:
        return ""
    titles = [c.title for c in n.children]
    named = all(titles) and not any(re.search(r"\d", t) for t in titles)  # a heading's digits are not cited here
    return f"（此项下分{len(titles)}点{'：' + '；'.join(titles) if named else ''}）"


def _short(n: Node) -> str:
    return squash(n.stream.text[n.a:n.body].replace(CUT, "")) + (n.title or n.head()[:20]) if n.level > 2 else _where(n)


def draft(library, q: Query, cites: Citations, text: str) -> Optional[Draft]:
    """The narrative answer for `q` (asked in `text`: the question, or the earlier one of a follow-up)."""
    held = library_reports(library)
    years = [y for y in q.years if y not in q.missing_years]
    reports = [r for r in held if (not years or r.year in years) and (not q.agencies or r.agency in q.agencies)]
    if not reports:
        return None
    wanted = topics(text, held)
    problems = bool(PROBLEMS.search(text))
    blocks = [report_block(library, r, wanted, problems) for r in reports]
    if not any(b.points for b in blocks):
        return None
    computed: list[float] = []
    evidence: list[int] = []

    def line(pt: Point, k: int) -> str:
        n = cites.passage(pt.quote.file, pt.quote.text, pt.quote.line_start, pt.quote.line_end, pt.quote.page,
                          pt.quote.section, pt.quote.page_end)
        evidence.append(n)
        computed.append(float(k))
        subs = _sub_items(pt.node) if pt.node is not None else ""
        if subs:
            computed.append(float(len(pt.node.children)))
        return f"{k}. “{pt.quote.text}”{'……' if pt.cut else ''}[{n}]{subs}"

    summaries, bodies = [], []
    for b in blocks:
        name = who(b.report.year, b.report.agency)
        if not b.points:
            summaries.append(f"{name}的报告没有写到{'、'.join(wanted) or '相关内容'}")
            bodies.append(f"{name}：报告中没有写到{'、'.join(wanted)}的内容。")
            continue
        lines: list[str] = []
        if problems:
            pts = [p for ps in b.points for p in ps]
            probs, fixes = [p for p in pts if p.kind == "问题"], [p for p in pts if p.kind == "改进"]
            where = "、".join(f"“{_where(n)}”" for n in b.nodes) or "第五部分“存在的主要问题及改进情况”"
            said = f"写了{len(probs)}条问题、{len(fixes)}条改进措施" if probs and fixes else \
                f"写了{len(probs) or len(fixes)}条{'问题' if probs else '改进措施'}"
            summaries.append(f"{name}的报告在{where}中{said}"
                             + (f"（没有单独写到{'、'.join(wanted)}，以下是该部分的全部内容）" if b.unmatched else ""))
            computed += [float(len(probs)), float(len(fixes))]
            for label, group in (("存在的问题：", probs), ("改进措施：", fixes)):
                if group:
                    lines.append(label)
                    lines += [line(p, k) for k, p in enumerate(group[:MAX_POINTS], 1)]
        elif b.nodes:
            heads = []
            for n, pts in zip(b.nodes, b.points):
                titles = [c.title for c in n.children if c.title] if len(n.children) >= 2 else []
                shown = "".join(f"“{t}”" for t in titles if any(flat(t) in flat(p.quote.text) for p in pts))
                shown = shown if len(blocks) == 1 else ""  # several reports: the counts, the items below
                heads.append(f"“{_where(n)}”（{len(pts)}{'项' if titles else '句'}{('：' + shown) if shown else ''}）")
                computed.append(float(len(pts)))
                if len(b.nodes) > 1:
                    lines.append(f"“{_short(n)}”：")
                lines += [line(p, k) for k, p in enumerate(pts, 1)]
            summaries.append(f"{name}的报告写在" + "、".join(heads))
        else:
            pts = b.points[0]
            summaries.append(f"{name}的报告没有专门写{'、'.join(wanted)}的小节，提到它的原文有{len(pts)}处")
            computed.append(float(len(pts)))
            lines += [line(p, k) for k, p in enumerate(pts, 1)]
        if b.also_in_five:
            lines.append(f"（该报告第五部分“存在的主要问题及改进情况”也写到{'、'.join(wanted)}，"
                         "那是存在的问题和改进打算，未列为已做的工作。）")
        bodies.append((f"{name}：\n" if len(blocks) > 1 else "") + "\n".join(lines))
    for b in blocks:  # a heading's own numbers ("（二）12345热线") are the report's words, shown as a place
        computed += [x.value for n in b.nodes for x in extract_numbers(_where(n))]
    if len(blocks) == 1:
        head = summaries[0] + "。"
    else:
        head = f"共{len(blocks)}份报告，逐份列出：" + "；".join(summaries) + "。"
        computed.append(float(len(blocks)))
    return Draft(text=head + "\n" + "\n\n".join(bodies), evidence=evidence, computed=computed,
                 extractive="按报告的小节逐条引用原文，不交给模型合并改写。")
