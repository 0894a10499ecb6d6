"""The vocabulary of questions: quantities (table, rows, columns, unit), their phrasings, operations, column
words, regions and agency aliases, read from lexicon.json; and the one normaliser every matcher uses.

Its own module so that question understanding and agency matching both build on it without importing each other.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

LEXICON_PATH = Path(__file__).with_name("lexicon.json")


def norm(text: str) -> str:
    """NFKC (full-width digits/brackets to half-width), unify dashes, drop spaces between CJK and digits."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[‐‑‒–—―─~～]", "-", t)
    t = re.sub(r"\s+", "", t)
    return t


def norm_question(text: str) -> str:
    """A question as the matchers read it: in simplified characters (a question typed in traditional ones,
    江蘇人社廳…申請, means the same cells), then norm(). The same opencc table the loaders read Big5 reports with."""
    from index.loaders.normalize import to_simplified

    return norm(to_simplified([text or ""], force=True)[0][0])


# ---------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class Quantity:
    id: str
    label: str
    table: str
    rows: tuple[str, ...] = ()
    row_prefix: Optional[str] = None
    columns: tuple[str, ...] = ("总计",)  # alternatives, tried in order (2019 / 2021 template names)
    unit: str = "件"
    money: bool = False
    ratio_base: Optional[str] = None
    column_label: Optional[str] = None  # set when the question names a column ("结果维持")
    column_sum: tuple[str, ...] = ()  # a column that is a sum of others (法人或其他组织)
    parts: tuple[str, ...] = ()  # quantity ids whose sum this is (办理总计: 予以公开 … 其他处理), for 构成 questions

    def with_column(self, column: str, alts: Iterable[str] = (), sum_of: Iterable[str] = ()) -> "Quantity":
        return replace(self, columns=(column, *alts), column_label=column, column_sum=tuple(sum_of),
                       id=f"{self.id}·{column}")

    @property
    def display(self) -> str:
        if not self.column_label:
            return self.label
        return f"{re.sub(r'（[^（）]*）$', '', self.label)}（{self.column_label}）"


@lru_cache(maxsize=256)
def row_columns(table: str, rows: tuple[str, ...]) -> Optional[frozenset[str]]:
    """The columns the rows have in either template (主动公开's rows differ: 政府集中采购 has no 上一年项目数量), or
    None for a table whose rows share its columns — so a column word is only taken for a row that has it."""
    from index.tables.labels import row_specs

    cols: set[str] = set()
    for template in ("2019", "2021"):
        for spec in row_specs(table, template):
            if spec.name in rows and spec.columns:
                cols |= {norm(c) for c in spec.columns}
    return frozenset(cols) or None


@dataclass
class Lexicon:
    quantities: dict[str, Quantity]
    phrases: list[tuple[str, str, bool]]  # (phrase, quantity id, weak)
    columns: list[dict]
    ops: dict[str, list[str]]
    total_words: list[str]
    regions: list[str]
    aliases: list[tuple[str, str]]
    agency_suffixes: list[str]
    text_cues: list[str]
    unsure_phrases: frozenset[str] = frozenset()  # read from one of these alone: say how, offer other readings
    near: dict[str, list[str]] = field(default_factory=dict)  # quantity id -> its nearest other readings
    confirm: dict[str, list[str]] = field(default_factory=dict)  # quantity id -> words that settle its reading


# Generic phrasings: they name the 依申请公开 table as a whole and give way to a more specific row.
_WEAK = {"依申请公开", "政府信息公开申请", "信息公开申请", "公开申请", "申请数量", "申请量", "申请数", "申请件数", "受理",
         "诉讼", "复议", "许可", "处罚", "强制", "收费", "集中采购", "政府集中采购"}


@lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON_PATH)) -> Lexicon:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    qs, phrases = {}, []
    for q in raw["quantities"]:
        qty = Quantity(id=q["id"], label=q["label"], table=q["table"], rows=tuple(q.get("rows", ())),
                       row_prefix=q.get("row_prefix"), columns=tuple(q.get("columns", ["总计"])),
                       unit=q.get("unit", "件"), money=bool(q.get("money")), ratio_base=q.get("ratio_base"),
                       parts=tuple(q.get("parts", ())))
        qs[qty.id] = qty
        for p in q["phrases"]:
            phrases.append((norm(p), qty.id, p in _WEAK))
    phrases.sort(key=lambda x: -len(x[0]))
    return Lexicon(quantities=qs, phrases=phrases, columns=raw["columns"], ops=raw["operations"],
                   total_words=raw["total_words"], regions=raw["regions"],
                   aliases=[tuple(a) for a in raw["agency_aliases"]], agency_suffixes=raw["agency_suffixes"],
                   text_cues=raw.get("text_cues", []),
                   unsure_phrases=frozenset(norm(p) for p in raw.get("readings", {}).get("unsure_phrases", [])),
                   near=dict(raw.get("readings", {}).get("near", {})),
                   confirm={k: [norm(w) for w in v] for k, v in raw.get("readings", {}).get("confirm", {}).items()})
