"""The paraphrase suite (issue 13 item 5): questions as staff phrase them, generated with the slots they mean.

Every lexicon quantity is asked in several phrasings (formal, colloquial, short agency names, 二〇二〇年 and
去年, traditional characters, a one-character typo), under every operation (lookup, sum, argmax/argmin over
years, agencies and reports, diff, ratio, trend, compare, list), and in follow-up chains. Each case carries
what the question means — quantity ids (with the column), years, agencies, operation, grouping — written
here from the question's wording and the sample library's reports (data/gold), never read back from the
understanding under test. `expected_value` gives a subset's answer number from the gold facts.

Used by tests/test_paraphrases.py and bench/routing.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "gold" / "seed_facts.json"
LEXICON = ROOT / "assistant" / "answering" / "lexicon.json"


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]  # earlier questions of the conversation, then the one asked
    quantities: tuple[str, ...]  # expected quantity ids ("新收申请", "新收申请·自然人")
    years: tuple[int, ...]
    agencies: tuple[str, ...]  # full names, in the order the question names them
    operation: str
    by: Optional[str] = None  # checked for argmax / argmin / rank / list / trend
    quantity: str = ""  # the quantity the case is about (bench rows)
    style: str = ""  # formal, colloquial, short, cn_year, relative, traditional, typo, or the follow-up kind
    value: Optional[float] = None  # the answer's number from the gold facts (the answer subset only)
    unsure: Optional[bool] = None  # True: the answer must say how it read the quantity; False: it must not

    @property
    def question(self) -> str:
        return self.turns[-1]

    @property
    def history(self) -> list[str]:
        return list(self.turns[:-1])


# ---------------------------------------------------------------- how staff name each quantity
# qid: (formal — the table's own wording, colloquial — a whole question as staff say it, noun — for
# operation templates). {who} and {when} are the agency and the year as the case names them.
WORDS: dict[str, tuple[str, str, str]] = {
    "新收申请": ("本年新收政府信息公开申请数量", "{who}{when}一共收到了几份信息公开申请？", "新收申请"),
    "上年结转": ("上年结转政府信息公开申请数量", "{who}{when}从上一年结转过来的申请有几件？", "上年结转的申请"),
    "予以公开": ("办理结果中予以公开的数量", "{who}{when}同意公开的申请有多少？", "予以公开的申请"),
    "部分公开": ("办理结果中部分公开的数量", "{who}{when}部分公开了几件？", "部分公开的申请"),
    "不予公开": ("办理结果中不予公开的数量", "{who}{when}有多少申请没有公开？", "不予公开的申请"),
    "不予公开-属于国家秘密": ("因属于国家秘密不予公开的数量", "{who}{when}涉及国家秘密没公开的有几件？", "属于国家秘密的"),
    "不予公开-其他法律行政法规禁止公开": ("因其他法律行政法规禁止公开而不予公开的数量",
                               "{who}{when}因为法律法规禁止公开而没公开的有几件？", "法律行政法规禁止公开的"),
    "不予公开-危及“三安全一稳定”": ("因危及“三安全一稳定”不予公开的数量", "{who}{when}危及三安全一稳定的有几件？",
                          "危及三安全一稳定的"),
    "不予公开-保护第三方合法权益": ("因保护第三方合法权益不予公开的数量", "{who}{when}涉及第三方权益没公开的有几件？",
                         "保护第三方合法权益的"),
    "不予公开-属于三类内部事务信息": ("属于三类内部事务信息不予公开的数量", "{who}{when}内部事务信息不公开的有几件？",
                          "三类内部事务信息"),
    "不予公开-属于四类过程性信息": ("属于四类过程性信息不予公开的数量", "{who}{when}过程性信息没公开的有多少？", "四类过程性信息"),
    "不予公开-属于行政执法案卷": ("属于行政执法案卷不予公开的数量", "{who}{when}执法案卷不公开的有几件？", "行政执法案卷"),
    "不予公开-属于行政查询事项": ("属于行政查询事项不予公开的数量", "{who}{when}查询事项类的有几件没公开？", "行政查询事项"),
    "无法提供": ("办理结果中无法提供的数量", "{who}{when}没法提供的申请有多少件？", "无法提供的申请"),
    "无法提供-本机关不掌握相关政府信息": ("因本机关不掌握相关政府信息无法提供的数量", "{who}{when}本单位不掌握信息的有几件？",
                              "不掌握相关政府信息的"),
    "无法提供-没有现成信息需要另行制作": ("因没有现成信息需要另行制作无法提供的数量", "{who}{when}需要另行制作的有几件？",
                              "没有现成信息的"),
    "无法提供-补正后申请内容仍不明确": ("补正后申请内容仍不明确的数量", "{who}{when}申请内容不明确的有几件？", "补正后仍不明确的"),
    "不予处理": ("办理结果中不予处理的数量", "{who}{when}不予处理的申请有多少？", "不予处理的申请"),
    "不予处理-信访举报投诉类申请": ("因属于信访举报投诉类申请不予处理的数量", "{who}{when}信访举报投诉类的申请有几件？",
                         "信访举报投诉类申请"),
    "不予处理-重复申请": ("重复申请不予处理的数量", "{who}{when}重复申请的有几件？", "重复申请"),
    "不予处理-要求提供公开出版物": ("要求提供公开出版物不予处理的数量", "{who}{when}要公开出版物的有几件？", "要求提供公开出版物的"),
    "不予处理-无正当理由大量反复申请": ("无正当理由大量反复申请的数量", "{who}{when}大量反复申请的有几件？", "大量反复申请"),
    "不予处理-要求行政机关确认或重新出具已获取信息": ("要求行政机关确认或重新出具已获取信息的数量",
                                   "{who}{when}要求重新出具已获取信息的有几件？", "要求重新出具已获取信息的"),
    "其他处理": ("办理结果中其他处理的数量", "{who}{when}按其他处理的有几件？", "其他处理的申请"),
    "办理总计": ("本年度办理结果总计", "{who}{when}一共办结了多少件申请？", "办结的申请"),
    "结转下年": ("结转下年度继续办理的数量", "{who}{when}转到下一年继续办的有几件？", "结转下年度的申请"),
    "行政复议": ("因政府信息公开工作被申请行政复议的数量", "{who}{when}被申请复议的案件有多少？", "行政复议案件"),
    "行政诉讼": ("因政府信息公开工作被提起行政诉讼的数量", "{who}{when}被起诉了几次？", "行政诉讼案件"),
    "行政诉讼-未经复议直接起诉": ("未经复议直接起诉的行政诉讼数量", "{who}{when}直接起诉的有几件？", "未经复议直接起诉的案件"),
    "行政诉讼-复议后起诉": ("复议后起诉的行政诉讼数量", "{who}{when}经复议后起诉的有几件？", "复议后起诉的案件"),
    "规章": ("本年新制作规章数量", "{who}{when}出台了几部规章？", "规章"),
    "规范性文件": ("本年新制作规范性文件数量", "{who}{when}发了多少个规范性文件？", "规范性文件"),
    "行政许可": ("行政许可处理决定数量", "{who}{when}办了多少件行政许可？", "行政许可决定"),
    "其他对外管理服务事项": ("其他对外管理服务事项处理决定数量", "{who}{when}对外管理服务事项办了多少？", "对外管理服务事项"),
    "行政处罚": ("行政处罚处理决定数量", "{who}{when}作出了几个行政处罚决定？", "行政处罚决定"),
    "行政强制": ("行政强制处理决定数量", "{who}{when}采取了几次行政强制措施？", "行政强制决定"),
    "行政事业性收费": ("行政事业性收费项目数量", "{who}{when}有几个收费项目？", "行政事业性收费项目"),
    "行政事业性收费金额": ("行政事业性收费金额", "{who}{when}收费金额是多少钱？", "行政事业性收费金额"),
    "政府集中采购金额": ("政府集中采购总金额", "{who}{when}集中采购花了多少钱？", "政府集中采购金额"),
    "政府集中采购项目": ("政府集中采购项目数量", "{who}{when}集中采购了几个项目？", "政府集中采购项目"),
}

# Columns staff name in a follow-up ("其中自然人提出的有多少？"): (table, column id, how it is said)
COLUMNS = [
    ("依申请公开", "自然人", "其中自然人提出的有多少？"), ("依申请公开", "商业企业", "其中企业申请的呢？"),
    ("依申请公开", "法人或其他组织", "其中法人或其他组织申请的有几件？"), ("依申请公开", "法律服务机构", "其中律所申请的有多少？"),
    ("依申请公开", "科研机构", "其中科研机构的呢？"), ("依申请公开", "社会公益组织", "其中公益组织申请的有几件？"),
    ("复议诉讼", "结果维持", "其中结果维持的有多少？"), ("复议诉讼", "结果纠正", "其中被纠正的有几件？"),
    ("复议诉讼", "尚未审结", "其中尚未审结的呢？"), ("复议诉讼", "其他结果", "其中其他结果的有几件？"),
]

# One-character typos as a pinyin input method makes them (a homophone picked instead).
HOMOPHONES = dict(p for p in (
    "申伸 请清 公共 开凯 复付 议义 诉速 讼送 政正 处出 罚伐 许需 可克 强墙 制治 收手 费废 采彩 购够 结节 转专 规归 章张 范犯 性姓 文问 件建 理里 密蜜 国过 家加 安按 全权 稳吻 定订 保宝 护户 第递 权全 益意 "
    "部步 事是 务物 信心 息西 过国 程成 执值 法发 案按 卷倦 查茶 询寻 项像 掌长 握我 现先 成城 另令 行型 作做 补捕 正政 明名 确却 访方 举据 报抱 投头 重种 出除 版板 物务 反返 新心 年念 度渡 办半 数书 量亮 "
    "集级 中钟 金今 额鹅 目木 管馆 服福 决绝 对队 外歪 予于 以已 不步 分份 无吴 提题 供共 总综 计记 继既 续序 上尚 下夏 起启 未为 经精 直值 接街 后候 维为 持迟 内那 秘蜜 诉素 议意 类累 求球 获或 已以 告高 "
    "审申 纠究 维围 模摸 涉设 及级"
).split())

_S2T = None


def traditional(text: str) -> str:
    """The question in traditional characters (opencc, a requirement: the loaders read Big5 reports with it)."""
    global _S2T
    if _S2T is None:
        from opencc import OpenCC

        _S2T = OpenCC("s2t")
    return _S2T.convert(text)


def typo(phrase: str) -> str:
    """One character of the phrase swapped for a homophone: the middle-most one that has a homophone, never
    the first (a typo there reads as another word more often than as a slip). Cases put it in a phrase of four
    characters or more: in a two-character word (规章 -> 规张) one character is left, which says nothing."""
    order = sorted(range(1, len(phrase)), key=lambda i: abs(i - len(phrase) / 2))
    for i in order:
        if phrase[i] in HOMOPHONES:
            return phrase[:i] + HOMOPHONES[phrase[i]] + phrase[i + 1:]
    return phrase


_CN = "〇一二三四五六七八九"


def cn_year(year: int) -> str:
    return "".join(_CN[int(d)] for d in str(year))


# ---------------------------------------------------------------- the sample library (from the gold file)
@dataclass
class Agency:
    full: str
    official: str  # 福建省人社厅
    short: str  # 福建人社厅 / 厦门人社局
    loose: str  # 福建省人社 (no type word)
    bare: str  # 福建
    years: list[int] = field(default_factory=list)


@lru_cache(maxsize=1)
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def agencies() -> dict[str, Agency]:
    """The sample library's agencies with the ways staff name them, derived from the full name and region."""
    out: dict[str, Agency] = {}
    for r in gold()["reports"]:
        full, region = r["agency"], r["region"]
        place = re.findall(r".+?(?:省|市|自治区)", region)[-1]
        bare = re.sub(r"(省|市|自治区)$", "", place)
        kind = full[-1]  # 厅 / 局
        a = out.setdefault(full, Agency(full, f"{place}人社{kind}", f"{bare}人社{kind}", f"{place}人社", bare))
        a.years = sorted(set(a.years) | {r["year"]})
    return out


def _by_bare(bare: str) -> Agency:
    return next(a for a in agencies().values() if a.bare == bare)


@lru_cache(maxsize=1)
def lexicon_quantities() -> dict[str, dict]:
    return {q["id"]: q for q in json.loads(LEXICON.read_text(encoding="utf-8"))["quantities"]}


def expected_value(qid: str, agency: str, year: int) -> Optional[float]:
    """A quantity's value in one report from the gold facts: its rows (or every row under its prefix) at the
    first of its columns the report has; a column id after '·' replaces the columns."""
    base, _, column = qid.partition("·")
    spec = lexicon_quantities()[base]
    rep = next((r for r in gold()["reports"] if r["agency"] == agency and r["year"] == year), None)
    if rep is None:
        return None
    cells = {(f["table"], f["row"], f["column"]): f["value"] for f in rep["facts"]}
    rows = list(spec.get("rows", ())) or sorted({row for (t, row, _c) in cells if t == spec["table"]
                                                 and row.startswith(spec.get("row_prefix") or "\0")})
    cols = [column] if column else spec.get("columns", ["总计"])
    if column == "法人或其他组织":
        cols = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
        return float(sum(cells.get((spec["table"], row, c), 0) for row in rows for c in cols))
    for c in cols:
        vals = [cells.get((spec["table"], row, c)) for row in rows]
        if rows and all(v is not None for v in vals):
            return float(sum(vals))
    return None


# ---------------------------------------------------------------- the suite
_ASK = {"件": "有多少件？", "项": "有几项？", "元": "是多少元？"}


def _unit(qid: str) -> str:
    return lexicon_quantities()[qid].get("unit", "件")


def _ratio_ok(qid: str) -> bool:
    return bool(lexicon_quantities()[qid].get("ratio_base"))


def lookups() -> list[Case]:
    """Each quantity as a plain lookup in seven phrasings, rotating over the library's reports."""
    reps = [(r["agency"], r["year"]) for r in gold()["reports"]]
    out = []
    for k, (qid, (formal, colloquial, noun)) in enumerate(WORDS.items()):
        full, year = reps[k % len(reps)]
        a = agencies()[full]
        ask = _ASK[_unit(qid)]
        newest = max(a.years)
        val = expected_value(qid, full, year)

        def case(style, q, y=year, value=None):
            return Case(f"{qid}/{style}", (q,), (qid,), (y,), (full,), "lookup", quantity=qid, style=style,
                        value=value)

        formal_q = f"{a.full}{year}年{formal}是多少？"
        out += [
            case("formal", formal_q, value=val),
            case("year_first", f"{year}年{a.short}的{noun}{ask}", value=val),
            case("report", [f"{a.official}{year}年度报告中{noun}{ask}", f"请问{a.bare}{year}年度{noun}{ask}",
                            f"在{a.official}{year}年的年报里，{noun}{ask}"][k % 3], value=val),
            case("colloquial", colloquial.format(who=a.official, when=f"{year}年"), value=val),
            case("short", f"{[a.short, a.loose, a.bare][k % 3]}{year}年{noun}{ask}", value=val),
            case("cn_year", f"{a.official}{cn_year(year)}年{noun}{ask}", value=val),
            case("relative", f"{a.short}去年{noun}{ask}", y=newest, value=expected_value(qid, full, newest)),
            case("traditional", traditional(colloquial.format(who=a.short, when=f"{year}年")), value=val),
            case("typo", f"{a.official}{year}年{typo(noun)}{ask}" if len(noun) >= 4 else
                 f"{a.full}{year}年{typo(formal)}是多少？", value=val),
        ]
        if len(a.years) > 1:
            out.append(case("relative", f"{a.official}前年{noun}{ask}", y=newest - 1))
    return out


def operations() -> list[Case]:
    """Each quantity under each operation; the wording of each operation rotates over a few phrasings."""
    fj, xm, sd, js = (_by_bare(b) for b in ("福建", "厦门", "山东", "江苏"))
    out = []
    for k, (qid, (_formal, _colloquial, n)) in enumerate(WORDS.items()):
        def case(op, q, years, ags, by=None, value=None, style=""):
            out.append(Case(f"{qid}/{op}/{style or k % 2}", (q,), (qid,), tuple(years), tuple(a.full for a in ags),
                            op, by=by, quantity=qid, style=style or op, value=value))

        v = lambda a, y: expected_value(qid, a.full, y)  # noqa: E731
        two = lambda x, y: None if x is None or y is None else x + y  # noqa: E731
        s1, s2 = [(sd.short, js.short), (sd.official, js.bare), (sd.loose, js.official)][k % 3]
        case("sum", [f"2019年{s1}和{s2}的{n}合计多少？", f"{s1}、{s2}2019年{n}加起来一共多少？"][k % 2],
             [2019], [sd, js], value=two(v(sd, 2019), v(js, 2019)))
        case("sum", [f"{fj.official}2019年和2020年{n}一共多少？", f"{fj.short}2019-2020年{n}总共多少？"][k % 2],
             [2019, 2020], [fj], value=two(v(fj, 2019), v(fj, 2020)), style="sum_years")
        case("argmax", [f"{fj.official}哪一年{n}最多？", f"{fj.short}哪年的{n}更多？"][k % 2], [], [fj], by="year")
        case("argmin", [f"2019年哪个单位{n}最少？", f"2019年哪家单位的{n}最少？"][k % 2], [2019], [], by="agency")
        case("argmax", [f"2019年哪个单位的{n}最多？", f"2019年{n}最多的是哪个单位？"][k % 2], [2019], [], by="agency",
             style="argmax_agency")
        case("argmax", [f"哪份报告的{n}最多？", f"{n}最多的是哪份报告？"][k % 2], [], [], by="report", style="argmax_report")
        case("argmin", [f"哪一年{n}最少？", f"哪年{n}最少？"][k % 2], [], [], by="year", style="argmin_year")
        case("diff", [f"{fj.official}2020年{n}比2019年增加了多少？", f"{fj.short}2020年的{n}较2019年变化了多少？"][k % 2],
             [2019, 2020], [fj], value=None if v(fj, 2019) is None else v(fj, 2020) - v(fj, 2019))
        case("diff", [f"2019年{sd.official}的{n}比{js.official}多多少？", f"2019年{sd.short}和{js.short}的{n}相差多少？"][k % 2],
             [2019], [sd, js], style="diff_agencies")
        if _ratio_ok(qid):
            case("ratio", [f"{xm.official}2020年{n}占比是多少？", f"{xm.short}2020年{n}所占比例是多少？"][k % 2],
                 [2020], [xm])
        case("trend", [f"{fj.official}历年{n}的变化趋势", f"{fj.short}{n}逐年走势"][k % 2], [], [fj], by="year")
        case("compare", [f"2019年{sd.official}和{js.official}的{n}对比", f"2019年{s1}与{s2}的{n}分别是多少？"][k % 2],
             [2019], [sd, js])
        case("list", [f"哪些单位的报告中有{n}？", f"哪几家单位有{n}？"][k % 2], [], [], by="agency")
    return out


def follow_ups() -> list[Case]:
    """Conversations: a column, a year, an agency or an operation changed by a short follow-up."""
    fj, xm, sd, js = (_by_bare(b) for b in ("福建", "厦门", "山东", "江苏"))
    out: list[Case] = []

    def chain(kind, qid, turns, quantities, years, ags, op, by=None, value=None):
        out.append(Case(f"{kind}/{qid}/{len(out)}", tuple(turns), tuple(quantities), tuple(years),
                        tuple(a.full for a in ags), op, by=by, quantity=qid, style=kind, value=value))

    for k, (qid, (_f, _c, n)) in enumerate(WORDS.items()):
        table = lexicon_quantities()[qid]["table"]
        first = f"{fj.official}2020年{n}有多少？"
        chain("那…年呢", qid, [first, "那2019年呢？"], [qid], [2019], [fj], "lookup", value=expected_value(qid, fj.full, 2019))
        chain("单位呢", qid, [f"{sd.official}2019年{n}有多少？", f"{['江苏', js.short, js.official][k % 3]}呢？"],
              [qid], [2019], [js], "lookup", value=expected_value(qid, js.full, 2019))
        chain("两者相差", qid, [f"{sd.official}2019年{n}有多少？", "江苏呢？", "两者相差多少？"], [qid], [2019], [sd, js],
              "diff")
        chain("增长了多少", qid, [first, ["比上年增长了多少？", "增长了百分之多少？"][k % 2]], [qid], [2019, 2020], [fj],
              "diff")
        chain("这两年合计", qid, [f"{fj.official}2019年{n}有多少？", "那2020年呢？", "这两年合计多少？"], [qid],
              [2019, 2020], [fj], "sum")
        chain("和…比呢", qid, [f"{sd.short}2019年{n}有多少？", ["和江苏比呢？", "跟江苏人社厅比呢？"][k % 2]], [qid], [2019],
              [sd, js], "diff")  # two subjects, one quantity: both values, who has more, and the gap
        chain("那…呢", qid, [f"{fj.short}2020年{n}有多少？", "那厦门呢？"], [qid], [2020], [xm], "lookup")
        chain("去年呢", qid, [f"{fj.official}2019年{n}有多少？", "去年呢？"], [qid], [2020], [fj], "lookup")
        cols = [c for c in COLUMNS if c[0] == table]
        if cols and not lexicon_quantities()[qid].get("parts"):
            t, col, said = cols[k % len(cols)]
            chain("其中…", qid, [f"{js.official}2019年{n}有多少？", said], [f"{qid}·{col}"], [2019], [js], "lookup",
                  value=expected_value(f"{qid}·{col}", js.full, 2019))
    # after an aggregate, a year or an agency named alone keeps the intent for that one
    chain("聚合后…年呢", "新收申请", ["哪年依申请公开最多？", "那2019年呢？"], ["新收申请"], [2019], [], "sum",
          value=sum(expected_value("新收申请", a.full, 2019) for a in (fj, sd, js)))
    chain("聚合后最少", "新收申请", ["2019年哪个单位新收申请最多？", "那最少的呢？"], ["新收申请"], [2019], [], "argmin",
          by="agency")
    chain("换个量", "行政诉讼", ["2020年福建省人社厅新收政府信息公开申请多少件？", "那2019年呢？", "它的行政诉讼呢？"],
          ["行政诉讼"], [2019], [fj], "lookup", value=expected_value("行政诉讼", fj.full, 2019))
    chain("其中…", "新收申请", ["江苏人社厅2019年新收申请多少件？", "其中自然人提出的有多少？"], ["新收申请·自然人"], [2019], [js],
          "lookup", value=127)
    return out


def unsure_readings() -> list[Case]:
    """Questions that leave the quantity open — a generic word several cells could answer, or no word at all
    — and must say how they were read."""
    fj, xm, sd, js = (_by_bare(b) for b in ("福建", "厦门", "山东", "江苏"))
    rows = [
        (f"{fj.short}2019年申请数量是多少？", "新收申请", fj, 2019),
        (f"{xm.official}2020年依申请公开有多少件？", "新收申请", xm, 2020),
        (f"{sd.short}2019年受理了多少？", "新收申请", sd, 2019),
        (f"{js.official}2019年信息公开申请有几件？", "新收申请", js, 2019),
        (f"{fj.official}2020年有多少申请？", "新收申请", fj, 2020),
        (f"{js.short}2019年收费是多少？", "行政事业性收费", js, 2019),
        (f"{fj.official}2019年集中采购情况是多少？", "政府集中采购项目", fj, 2019),
        (f"{sd.official}2019年个人申请的有多少？", "新收申请·自然人", sd, 2019),
    ]
    out = [Case(f"unsure/{qid}/{i}", (q,), (qid,), (y,), (a.full,), "lookup", quantity=qid.split("·")[0],
                style="generic", value=expected_value(qid, a.full, y), unsure=True)
           for i, (q, qid, a, y) in enumerate(rows)]
    return out


def staff_questions() -> list[Case]:
    """Questions as staff phrase them, written apart from the generator (tests/paraphrase_staff.py)."""
    from tests.paraphrase_staff import STAFF

    return [Case(f"staff/{i}", tuple(turns), tuple(qs), tuple(ys), tuple(_by_bare(b).full for b in ags), op, by=by,
                 quantity=qs[0].split("·")[0], style="staff")
            for i, (turns, qs, ys, ags, op, by) in enumerate(STAFF)]


def suite() -> list[Case]:
    return lookups() + operations() + follow_ups() + unsure_readings() + staff_questions()


# ---------------------------------------------------------------- checking a case
GROUPED = ("argmax", "argmin", "rank", "list", "trend")


def expected_slots(c: Case) -> dict:
    out = {"quantities": list(c.quantities), "years": list(c.years), "agencies": list(c.agencies),
           "operation": c.operation}
    if c.operation in GROUPED:
        out["by"] = c.by
    return out


def understood_slots(c: Case, q) -> dict:
    """The same slots read off an understood Query."""
    out = {"quantities": [x.id for x in q.quantities], "years": list(q.years), "agencies": list(q.agencies),
           "operation": q.operation}
    if c.operation in GROUPED:
        out["by"] = q.by
    return out


def mismatches(c: Case, q) -> dict:
    """slot -> (expected, understood) for every slot read wrong; empty when the case is routed right."""
    want, got = expected_slots(c), understood_slots(c, q)
    return {k: (want[k], got[k]) for k in want if want[k] != got[k]}


def still_named(c: Case) -> bool:
    """Whether the question still holds one of the lexicon's own phrases for the quantity (a typo elsewhere
    leaves the reading sure)."""
    base = c.quantity.split("·")[0]
    qs = lexicon_quantities()
    family = [base] + [k for k in qs if k.startswith(base + "-")] + ([base.split("-")[0]] if "-" in base else [])
    return any(p in c.question for k in family for p in qs[k]["phrases"])
