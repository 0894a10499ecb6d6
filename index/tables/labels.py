"""The standard tables' vocabulary (both templates) and fuzzy matching of printed labels to it.

Canonical names are those of the gold facts' schema (data/gold, 2019 template) and of the 2021
template's printed rows. Each row has one or more *keys*: the distinctive words of
its printed label. A printed label matches a key when most of the key's characters appear in it, in
order (LCS coverage) — robust to labels broken mid-word, a dropped character or two (hongze_2023 prints
"其他法律行政止公开"), full/half-width brackets and numbering in any style.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import LCSseq

T1, T2, T3 = "主动公开", "依申请公开", "复议诉讼"

APPLICANT_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
REVIEW_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REVIEW_ROWS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]

OTHER_2021 = [
    "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他处理-其他",
]


@dataclass(frozen=True, eq=False)  # identity hash: specs are built once (row_specs is cached) and hashed often
class RowSpec:
    name: str  # canonical row name
    keys: tuple[str, ...]  # distinctive words; matched after normalisation
    exact: bool = False  # the label must equal a key once numbering is stripped (very short keys)
    columns: tuple[str, ...] = field(default_factory=tuple)  # 主动公开 only: the row's own columns
    money: bool = False  # 主动公开: the last column is an amount of money


def _t2_rows(template: str) -> list[RowSpec]:
    rows = [
        # the shared tail "政府信息公开申请数量" would match the section heading: match the head only
        RowSpec("本年新收", ("本年新收", "本年新增", "本年度新收", "本年度新增")),
        RowSpec("上年结转", ("上年结转", "上年度结转")),
        RowSpec("予以公开", ("予以公开",)),
        RowSpec("部分公开", ("部分公开",)),
        RowSpec("不予公开-属于国家秘密", ("属于国家秘密",)),
        RowSpec("不予公开-其他法律行政法规禁止公开", ("其他法律行政法规禁止公开",)),
        RowSpec("不予公开-危及“三安全一稳定”", ("危及三安全一稳定",)),
        RowSpec("不予公开-保护第三方合法权益", ("保护第三方合法权益",)),
        RowSpec("不予公开-属于三类内部事务信息", ("属于三类内部事务信息",)),
        RowSpec("不予公开-属于四类过程性信息", ("属于四类过程性信息",)),
        RowSpec("不予公开-属于行政执法案卷", ("属于行政执法案卷",)),
        RowSpec("不予公开-属于行政查询事项", ("属于行政查询事项",)),
        RowSpec("无法提供-本机关不掌握相关政府信息", ("本机关不掌握相关政府信息",)),
        RowSpec("无法提供-没有现成信息需要另行制作", ("没有现成信息需要另行制作",)),
        RowSpec("无法提供-补正后申请内容仍不明确", ("补正后申请内容仍不明确",)),
        RowSpec("不予处理-信访举报投诉类申请", ("信访举报投诉类申请",)),
        RowSpec("不予处理-重复申请", ("重复申请",)),
        RowSpec("不予处理-要求提供公开出版物", ("要求提供公开出版物",)),
        RowSpec("不予处理-无正当理由大量反复申请", ("无正当理由大量反复申请",)),
        RowSpec("不予处理-要求行政机关确认或重新出具已获取信息", ("要求行政机关确认或重新出具已获取信息",)),
    ]
    if template == "2021":
        rows += [
            RowSpec(OTHER_2021[0], ("申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",)),
            RowSpec(OTHER_2021[1], ("申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",)),
            RowSpec(OTHER_2021[2], ("其他",), exact=True),
        ]
    else:
        rows.append(RowSpec("其他处理", ("其他处理",)))
    rows += [
        RowSpec("总计", ("总计",)),
        RowSpec("结转下年度继续办理", ("结转下年度继续办理", "结转下年度")),
    ]
    return rows


def _t1_rows(template: str) -> list[RowSpec]:
    if template == "2021":
        c1 = ("本年制发件数", "本年废止件数", "现行有效件数")
        one = ("本年处理决定数量",)
        return [
            RowSpec("规章", ("规章",), columns=c1),
            RowSpec("规范性文件", ("规范性文件",), columns=c1),
            RowSpec("行政许可", ("行政许可",), columns=one),
            RowSpec("行政处罚", ("行政处罚",), columns=one),
            RowSpec("行政强制", ("行政强制",), columns=one),
            RowSpec("行政事业性收费", ("行政事业性收费",), columns=("本年收费金额(万元)",), money=True),
        ]
    c1 = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
    c5 = ("上一年项目数量", "本年增/减", "处理决定数量")
    return [
        RowSpec("规章", ("规章",), columns=c1),
        RowSpec("规范性文件", ("规范性文件",), columns=c1),
        RowSpec("行政许可", ("行政许可",), columns=c5),
        RowSpec("其他对外管理服务事项", ("其他对外管理服务事项",), columns=c5),
        RowSpec("行政处罚", ("行政处罚",), columns=c5),
        RowSpec("行政强制", ("行政强制",), columns=c5),
        RowSpec("行政事业性收费", ("行政事业性收费",), columns=("上一年项目数量", "本年增/减")),
        RowSpec("政府集中采购", ("政府集中采购",), columns=("采购项目数量", "采购总金额(元)"), money=True),
    ]


def _t3_rows() -> list[RowSpec]:
    return [
        RowSpec("行政复议", ("行政复议",)),
        RowSpec("行政诉讼-未经复议直接起诉", ("未经复议直接起诉", "未经复议直接诉讼")),
        RowSpec("行政诉讼-复议后起诉", ("复议后起诉",)),
    ]


@lru_cache(maxsize=8)
def row_specs(table: str, template: str) -> tuple[RowSpec, ...]:
    if table == T1:
        return tuple(_t1_rows(template))
    if table == T2:
        return tuple(_t2_rows(template))
    return tuple(_t3_rows())


def outcome_rows(template: str) -> list[str]:
    """Rows （一）…（六） whose sum is （七）总计."""
    names = [r.name for r in _t2_rows(template)]
    return names[names.index("予以公开"): names.index("总计")]


# ---------------------------------------------------------------- normalisation and scoring
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])+")
_DROP = re.compile(r"[\s\u3000\xa0“”\"'‘’「」《》:：,，;；。、.．()（）\[\]【】|/\\-]")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Comparable form of a label: NFKC (full-width → half-width), no numbering, no spaces or punctuation."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = _NUMBERING.sub("", re.sub(r"\s+", "", t))
    return _DROP.sub("", t)


def _threshold(key: str) -> float:
    n = len(key)
    return 1.0 if n <= 4 else 0.8 if n <= 6 else 0.7


@lru_cache(maxsize=65536)
def key_score(key: str, text_norm: str) -> float:
    """Coverage of `key` by `text_norm` (0..1), 0 below the key's threshold or when the text is much longer
    than the key (then the shared characters are probably scattered, not a label)."""
    if not text_norm:
        return 0.0
    if len(key) <= 4:
        return 1.0 if key in text_norm else 0.0
    if len(text_norm) > 2.2 * len(key) + 8 or len(text_norm) < _threshold(key) * len(key):
        return 0.0
    lcs = LCSseq.similarity(key, text_norm)
    cov = lcs / len(key)
    if cov < _threshold(key):
        return 0.0
    return cov


@lru_cache(maxsize=65536)  # the same labels recur in every report
def match_row(specs: tuple[RowSpec, ...], text: str) -> tuple[RowSpec | None, float]:
    """Best canonical row for a printed label (or a window of label fragments), with its score."""
    t = norm(text)
    best, best_s = None, 0.0
    for spec in specs:
        for key in spec.keys:
            if spec.exact:
                s = 1.0 if t == key else 0.0
            else:
                s = key_score(key, t)
                # a longer key fully covered is a more specific match than a short one
                s = s + 0.001 * len(key) if s else 0.0
            if s > best_s:
                best, best_s = spec, s
    return best, best_s
