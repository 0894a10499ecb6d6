"""The assistant: understand → route → table tool / retrieval → compose → (LLM phrase) → verify → cite → log.

    a = Assistant("data/store", llm="none").warm_up()
    ans = a.ask("2020年福建省人社厅新收政府信息公开申请多少件？")
    ans.text, ans.citations, ans.to_dict()

Numbers only ever come from facts and code; an LLM, when present, rephrases, and its output is verified and
replaced by the extractive answer when a number cannot be grounded (recorded in `checks`, never silent).
"""
from __future__ import annotations

import copy
import re
import time
from pathlib import Path
from typing import Iterator, Optional

from assistant.answering import (agencies, compose, notes, phrasing, readings, rewrite, router, table_tool,
                                 text_answers)
from assistant.answering.compose import Citations, Draft, SourceFiles
from assistant.answering.question_guard import clean_question, question_problem
from assistant.answering.question import Query, ReportInfo, library_reports, understand
from assistant.answering.lexicon import load_lexicon
from assistant.answering.retrieve import HybridRetriever
from assistant.answering.verify import verify
from assistant.llm import backends as llm_mod
from index.config import StorePaths, store_dir as default_store
from index.records import Answer, AnswerCheck, Route

_BRIEF_QUANTITIES = ["新收申请", "予以公开", "办理总计", "行政复议", "行政诉讼"]


class Assistant:
    def __init__(self, store_dir=None, llm="auto", library=None, log: bool = True, dense: bool = True):
        """`llm`: a backend kind (auto | none | local | openai) or a backend object (stream_chat, name)."""
        self.store_dir = Path(store_dir) if store_dir else default_store()
        self._given = None if isinstance(llm, str) else llm
        self.llm_kind = llm if isinstance(llm, str) else getattr(llm, "name", "custom")
        self._library = library
        self.log = log
        self.dense = dense
        self.backend = None
        self.retriever: Optional[HybridRetriever] = None
        self._reports: Optional[list[ReportInfo]] = None
        self._sources: Optional[SourceFiles] = None
        self._holdings: Optional[agencies.Holdings] = None  # which reports can answer what (rebuilt with reports)

    # ------------------------------------------------------------ set-up
    @property
    def library(self):
        if self._library is None:
            from index.library import Library

            self._library = Library(self.store_dir)
        return self._library

    def warm_up(self) -> "Assistant":
        load_lexicon()
        self.reports()
        self.retriever = self.retriever or HybridRetriever(self.library, dense=self.dense)
        self.retriever.warm_up()
        if self._given is not None:
            self.backend = self._given
        else:
            self.backend = llm_mod.get_backend(self.llm_kind)
            if self.backend is not None:
                self.backend.warm_up()
        return self

    def with_llm(self, llm) -> "Assistant":
        """The same assistant (library, retriever, caches shared) phrasing with another backend object."""
        if self.retriever is None:
            self.warm_up()
        other = copy.copy(self)
        other._given, other.backend = llm, llm
        other.llm_kind = getattr(llm, "name", "custom")
        return other

    def reports(self) -> list[ReportInfo]:
        version = self.library.version()  # another process ingested
        if self._reports is None or version != getattr(self, "_version", None):
            self._reports, self._sources, self._version = library_reports(self.library), None, version
        return self._reports

    def refresh(self) -> None:
        """Call after an ingest: re-read the reports and rebuild the retriever."""
        self._reports, self._sources, self._holdings = None, None, None
        self.retriever = None
        self.warm_up()

    @property
    def sources(self) -> SourceFiles:
        if self._sources is None:
            self._sources = SourceFiles(self.library)
        return self._sources

    # ------------------------------------------------------------ answering
    def ask(self, question: str, history: Optional[list] = None, id: Optional[str] = None) -> Answer:
        ans = None
        for piece in self.ask_stream(question, history=history, id=id):
            if isinstance(piece, Answer):
                ans = piece
        return ans

    def ask_stream(self, question: str, history: Optional[list] = None, id: Optional[str] = None) -> Iterator:
        """Yields text pieces (LLM deltas, or the whole template answer) and finally the Answer. `history`: the
        earlier turns, best as their Answer.query (then the last one is all a follow-up needs); questions as
        strings are understood again in order."""
        if self.retriever is None:
            self.warm_up()
        t0 = time.perf_counter()
        question = clean_question(question)
        problem = question_problem(question)
        if problem:  # empty / too long / no words / not Chinese: say so before any retrieval is spent on it
            ans = Answer(question=question, text=problem[1], citations=[], route=Route("refuse", f"input: {problem[0]}"),
                         refused=True, timings_ms={"total": _ms(t0)}, id=id)
            if self.log:
                from index.qa_log import log_answer

                log_answer(StorePaths(self.store_dir).db, ans)
            yield ans.text
            yield ans
            return
        timings: dict[str, float] = {}
        reports = self.reports()
        q = understand(question, self.library, history=history, reports=reports)
        rewrote = None
        if rewrite.wants_rewrite(q, self.backend):  # the rules found no table item: a server model may name it
            got = rewrite.reread(question, self.backend,
                                 lambda text: understand(text, self.library, history=history, reports=reports))
            if got is not None:
                q, rewrote = got
        timings["understand"] = _ms(t0)
        scope = self._unheld(q, reports)
        rt = router.route(q)
        cites = Citations(self.sources, reports)
        checks: list[AnswerCheck] = []
        if scope is not None:  # a named agency held only as an unnamed/unreadable report, or not at all
            draft, rt = scope
        elif rt.kind == "refuse":
            draft = notes.refusal(q, reports, "agency" if q.unknown_agencies and not q.agencies else "year")
        elif q.operation == "holdings":
            rs = self.reports()
            draft = Draft(text=f"库中共有{len(rs)}份报告：{notes.holdings(rs)}。",
                          computed=[float(len(rs))] + [float(r.year) for r in rs if r.year])
        elif q.operation == "brief":
            draft = self._brief(q, cites, timings)
        else:
            draft, rt = self._draft(q, rt, cites, timings)
        note = notes.assumed_years_note(q) if not draft.refused else None
        if note:
            draft.add_note(note)
        if rewrote and not draft.refused:
            draft.add_note(f"（问题按统计表中的“{rewrote}”理解：由服务器模型对照统计表项目改写后，再按规则读取。）")
        # an unsure reading of a table item: how it was read, and what else; a text answer read no table item
        read_as = readings.sentence(q) if not draft.refused and rt.kind in ("table", "both") else ""
        if read_as:
            draft.add_note(read_as)
            draft.computed += readings.label_numbers(read_as)
        draft.text, draft.details = self._for_staff(draft.text, reports), self._for_staff(draft.details, reports)
        text = draft.text
        used_llm = "none"
        # a table figure next to prose about something else (网络申请 vs 新收总计): a small model merges them
        # wrongly with every number still "grounded", so such answers stay extractive
        if rt.kind == "both" and not draft.lead and not draft.extractive:
            draft.extractive = "表格数字与原文内容并列的答案保持按数据和原文生成，不交给模型改写。"
        if self.backend is not None and not draft.refused and not draft.extractive:
            t1 = time.perf_counter()
            text, used_llm, llm_checks = yield from phrasing.phrase(
                self.backend, q, draft, cites, timings, [r.year for r in reports if r.year])
            checks += llm_checks
            timings["llm"] = _ms(t1)
        else:
            if draft.extractive and self.backend is not None:
                checks.append(AnswerCheck("llm_skipped", "pass", draft.extractive))
            yield text
        res = verify(text, [question], computed=draft.computed, allowed_years=[r.year for r in reports if r.year] + q.years,
                     n_citations=len(cites.items), cited_sources=cites.by_number(),
                     cited_passages=cites.passage_quotes())
        checks.append(res.to_check())
        checks += self._quality_notes(cites)
        timings["total"] = _ms(t0)
        ans = Answer(question=question, text=text, citations=cites.items if not draft.refused else [],
                     route=rt, refused=draft.refused, unverified_numbers=res.unverified, checks=checks,
                     timings_ms=timings, llm=used_llm, id=id, query=q, reading=read_as or None,
                     alternatives=[a.to_dict() for a in q.alternatives] if read_as else [])
        if self.log:
            from index.qa_log import log_answer

            log_answer(StorePaths(self.store_dir).db, ans)
        yield ans

    # ------------------------------------------------------------ drafts
    def _draft(self, q: Query, rt: Route, cites: Citations, timings: dict) -> tuple[Draft, Route]:
        parts: list[Draft] = []
        no_fact = False
        unread, none_read = self.holdings.unread_notes(q) if rt.kind in ("table", "both") else ([], False)
        if rt.kind in ("table", "both"):
            t = time.perf_counter()
            ta = table_tool.run(q, self.library)
            timings["table"] = _ms(t)
            if ta.found:
                caveats = self._conflicts(ta, cites) + unread  # before drafting: adds the audit's numbers to computed
                d = compose.table_draft(ta, cites)
                for n in caveats:
                    d.add_note(n)
                parts.append(d)
            elif none_read:  # the report is held but its table was not read: say so, never a silent swap
                draft = Draft(text="无法给出数字：" + "".join(n.replace("注意：", "", 1) for n in unread), refused=True)
                return draft, Route("refuse", "所问报告的统计表未能读取")
            elif rt.kind == "table":
                rt = Route("text", rt.reason + "；表格中没有对应数值，改为检索原文")
                no_fact = True
        if rt.kind in ("text", "both"):
            t = time.perf_counter()
            td = text_answers.text_draft(self.retriever, self.sources, q, cites, strict=not parts)
            timings["retrieve"] = _ms(t)
            if td is not None:
                if no_fact:  # say the table has no such cell before quoting the prose (never a silent swap)
                    gaps = table_tool.template_gaps(q, self.library)
                    td.computed += [float(t) for _g, t in gaps]
                    td.add_note(notes.no_cell_note(q, [g for g, _t in gaps]), first=True)
                parts.append(td)
        if not parts:
            reason = "no_fact" if q.quantities and q.agencies and q.years else "weak"
            # the template has no such row: a fact about the report, not a weakness of the search
            gaps = table_tool.template_gaps(q, self.library) if reason == "no_fact" else []
            draft = notes.refusal(q, self.reports(), reason, gaps=[g for g, _t in gaps])
            draft.computed += [float(t) for _g, t in gaps]
            return draft, Route("refuse", "没有匹配的事实，原文证据也不足")
        for gap in notes.library_gaps(q):
            parts[0].add_note(gap)
        if len(parts) == 1:
            return parts[0], rt
        return notes.combined(*parts), Route("both", rt.reason)

    def _for_staff(self, text: str, reports: list[ReportInfo]) -> str:
        """No file names (often a hash: 001_0c9ceee508d7cea1.txt) and no "None" in what staff read: a report
        is named by its agency and year, or its own title."""
        if not text:
            return text
        for r in reports:
            if r.file in text:
                label = self.holdings.label(r)
                text = text.replace(f"{r.file}：", f"{label}：").replace(r.file, label)
        text = re.sub(r"(?<![A-Za-z])None年", "（年度未能识别）", text)
        return re.sub(r"(?<![A-Za-z])None(?![A-Za-z])", compose.UNNAMED, text)

    @property
    def holdings(self) -> agencies.Holdings:
        if self._holdings is None or self._holdings.reports is not self.reports():
            self._holdings = agencies.Holdings(self.library, self.reports())
        return self._holdings

    def _unheld(self, q: Query, reports: list[ReportInfo]) -> Optional[tuple[Draft, Route]]:
        """A question naming an agency held only as an unnamed or unreadable report, or not at all."""
        said = self.holdings.unheld(q)
        if said is None:
            return None
        if said[0] is None:  # not held at all: the refusal with what the library does hold
            return notes.refusal(q, reports, "agency"), Route("refuse", said[1])
        return Draft(text=said[0], refused=True), Route("refuse", said[1])

    def _brief(self, q: Query, cites: Citations, timings: dict) -> Draft:
        """A short 简报 answer: the key table figures per year, and the report's own words on 主动公开."""
        lex = load_lexicon()
        t = time.perf_counter()
        bq = Query(question=q.question, text=q.text, years=q.years, agencies=q.agencies,
                   agency_mentions=q.agency_mentions, missing_years=q.missing_years,
                   quantities=[lex.quantities[x] for x in _BRIEF_QUANTITIES], operation="compare")
        ta = table_tool.run(bq, self.library)
        timings["table"] = _ms(t)
        lines, computed, keys = [], list(ta.computed), []
        years = sorted({i.year for i in ta.items if i.year})
        who = "、".join(q.agencies) if q.agencies else "库中各单位"
        lines.append(f"{who}{'—'.join(str(y) for y in years[:1] + years[-1:]) if years else ''}年政府信息公开工作简报（据年报数据）：")
        for qty in bq.quantities:
            its = [i for i in ta.items if i.quantity.id == qty.id and i.value is not None]
            if not its:
                continue
            seq = "，".join(f"{i.year}年{'' if len(q.agencies) == 1 else i.agency}{table_tool.fmt(i.value)}{qty.unit}"
                           f"{cites.marks(i.cells)}" for i in its)
            lines.append(f"- {qty.label}：{seq}。")
            keys += [table_tool.fmt(i.value) for i in its]
        t = time.perf_counter()
        for r in [r for r in self.reports() if (not q.agencies or r.agency in q.agencies) and (not years or r.year in years)]:
            sub = Query(question=q.question, text=q.text, years=[r.year] if r.year else [], agencies=[r.agency])
            td = text_answers.text_draft(self.retriever, self.sources, sub, cites, strict=False,
                                         query_text="全年主动公开文件多少份", k=1)
            if td is not None:
                lines.append(f"- 主动公开（{r.year}年原文）：{td.text}")
        timings["retrieve"] = _ms(t)
        said = list(dict.fromkeys(ta.notes))
        return Draft(text="\n".join(lines + said), key_numbers=[], facts=lines, computed=computed, lead=True,
                     evidence=[c.n for c in cites.items if c.kind == "passage"])

    def _conflicts(self, ta, cites: Citations) -> list[str]:
        """Audit findings on the very cells an answer uses: the text says another number (show both, cited),
        or the table's own balance rules fail there. Never pick one silently."""
        used = {(c.file, c.table, c.row, c.column) for c in ta.cells}
        out = []
        for f in sorted({k[0] for k in used}):
            for ch in self.library.checks(f):
                if ch.status not in ("fail", "uncertain") or ch.file != f:
                    continue
                keys = {(f, *k) for side in (ch.left, ch.right) if side for k in side.cells}
                if not keys & used:
                    continue
                if ch.rule == "conflict" and ch.left and ch.right:
                    said, line = ch.left.quote, ch.left.line
                    if said is None:  # a store parsed before the audit kept the prose side's quote and line
                        m = re.search(r"第(\d+)行「(.+?)」", ch.left.label or "")
                        said, line = (m.group(2), int(m.group(1))) if m else (None, None)
                    n = None
                    if said:
                        loc = self.sources.locate(f, said, near=(ch.left.page, line))
                        if loc:
                            n = cites.passage(f, loc[3], loc[0], loc[1], loc[2], page_end=loc[4])
                    mark = f"[{n}]" if n else ""
                    out.append(f"注意：该报告正文写“{said or ch.left.label}”{mark}，与表格数值"
                               f"{table_tool.fmt(ch.right.value)}不一致，两处都是报告原文，请以原件核对。")
                elif ch.left and ch.right:  # the audit's own arithmetic: its numbers are code-computed
                    diff = ch.difference if ch.difference is not None else (
                        (ch.left.value or 0) - (ch.right.value or 0))
                    out.append(f"注意：该报告表格自身的勾稽关系不平（{ch.scope}）：{ch.left.label} = "
                               f"{table_tool.fmt(ch.left.value)}，{ch.right.label} = {table_tool.fmt(ch.right.value)}，"
                               f"相差{table_tool.fmt(abs(diff))}。")
                    ta.computed += [v for v in (ch.left.value, ch.right.value, diff, abs(diff)) if v is not None]
                else:
                    out.append(f"注意：该报告表格的勾稽关系检查未通过（{ch.scope}）。")
        return list(dict.fromkeys(out))[:3]

    def _quality_notes(self, cites: Citations) -> list[AnswerCheck]:
        """Failed audit checks of the cited reports: a report whose own numbers do not add up is worth saying."""
        files = {c.file for c in cites.items if c.kind == "cell"}
        out = []
        for f in sorted(files):
            for ch in self.library.checks(f):
                if ch.status in ("fail", "uncertain"):
                    out.append(AnswerCheck("data_quality", ch.status, self._for_staff(ch.message, self.reports()),
                                           file=f))
        return out[:5]


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0
