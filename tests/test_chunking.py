"""index/chunking.py on the real samples and PDFs, with gold facts (seed_facts.json) as the table facts."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from index.chunking import MAX_CHARS, make_chunks, part_of, split_sections
from index.loaders import load as _load_file
from index.metadata import infer_metadata
from index.records import Document, Fact, SourceRef

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf")
GOLD = {r["file"]: r for r in json.loads(Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json").read_text("utf-8"))["reports"]}
ALL = sorted(SAMPLE.glob("*.txt")) + sorted(REAL_PDF.glob("*.pdf"))


@lru_cache(maxsize=None)
def load(path):
    """Loaded once per test session (read-only use: pdfplumber takes a second per real PDF)."""
    return _load_file(path)


def _facts(file: str) -> list[Fact]:
    return [Fact(file=file, table=f["table"], row=f["row"], column=f["column"], value=f["value"])
            for f in GOLD.get(file, {}).get("facts", [])]


def _chunks(path: Path, doc: Document | None = None):
    doc = doc or load(path)
    sections = split_sections(doc)
    return doc, sections, make_chunks(doc, infer_metadata(doc), sections, _facts(path.name))


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _source_text(doc: Document, c) -> str:
    """The source between (line_start, char_start) and (line_end, char_end), from the Lines."""
    pos = {(ln.page, ln.line): i for i, ln in enumerate(doc.lines)}
    i0, i1 = pos[(c.page, c.line_start)], pos[(c.page_end, c.line_end)]
    if i0 == i1:
        return doc.lines[i0].text[c.char_start:c.char_end]
    middle = "".join(ln.text for ln in doc.lines[i0 + 1:i1])
    return doc.lines[i0].text[c.char_start:] + middle + doc.lines[i1].text[:c.char_end]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:10])
def test_six_parts_in_order_and_sections_cover_the_document(path):
    doc = load(path)
    sections = split_sections(doc)
    assert [s.part for s in sections if s.part is not None and len(s.path) == 1] == [1, 2, 3, 4, 5, 6]
    assert sections[0].line_start == 0 and sections[-1].line_end == len(doc.lines) - 1
    for a, b in zip(sections, sections[1:]):
        assert b.line_start == a.line_end + 1
        assert (a.part or 0) <= (b.part or 0)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:10])
def test_every_text_chunk_maps_back_to_exactly_its_text(path):
    doc, sections, chunks = _chunks(path)
    texts = [c for c in chunks if c.kind == "text"]
    assert len(texts) >= 5
    for c in texts:
        assert _squash(_source_text(doc, c)) == _squash(c.text), (c.line_start, c.text[:40])
        assert len(c.text) <= MAX_CHARS + MAX_CHARS // 4
        # never across sections: the whole span lies in the section the chunk names
        pos = {(ln.page, ln.line): i for i, ln in enumerate(doc.lines)}
        i0, i1 = pos[(c.page, c.line_start)], pos[(c.page_end, c.line_end)]
        sec = next(s for s in sections if s.line_start <= i0 <= s.line_end)
        assert i1 <= sec.line_end and c.section == " > ".join(sec.path)


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")), ids=lambda p: p.name[:3])
def test_chunk_sizes_and_metadata(path):
    doc, _, chunks = _chunks(path)
    g = GOLD[path.name]
    texts = [c for c in chunks if c.kind == "text"]
    long_ = [c for c in texts if len(c.text) >= 250]
    assert len(long_) >= len(texts) // 2  # mostly full-size chunks, short ones only where a section is short
    assert all(c.agency == g["agency"] and c.year == g["year"] and c.level == g["level"] for c in chunks)
    assert [c.ord for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)


def test_pdf_hard_wraps_are_joined():
    doc, _, chunks = _chunks(SAMPLE / "002_6b472aee8860b578.txt")
    c = next(c for c in chunks if "2020 年，我厅认真对照" in c.text)
    # source lines 7, 9, 11 … (a blank line after every wrapped line) become one paragraph
    assert "《国务院办公厅关于印发 2020 年政务公开工作要点的通知》" in c.text
    assert c.line_start == 5 and c.text.startswith("一、总体情况\n2020 年，我厅") and c.line_end > 11


def test_real_pdf_chunks_carry_pages():
    doc, _, chunks = _chunks(REAL_PDF / "huaian_2024.pdf")
    assert all(c.page is not None and c.page_end is not None and c.page <= c.page_end for c in chunks)
    assert any(c.page_end > c.page for c in chunks) or len({c.page for c in chunks}) >= 4
    assert chunks[0].text.startswith("淮安市人民政府")


def test_table_parts_are_not_prose():
    for path in sorted(SAMPLE.glob("*.txt")):
        _, _, chunks = _chunks(path)
        for c in chunks:
            if c.kind == "text" and c.section[:2] in ("二、", "三、", "四、"):
                assert "\t" not in c.text and "|" not in c.text
                assert not re.search(r"\d+\s+\d+\s+\d+", c.text), c.text[:80]
                assert "。" in c.text


def test_one_table_row_chunk_per_row_with_agency_year_and_headers():
    doc, sections, chunks = _chunks(SAMPLE / "002_6b472aee8860b578.txt")
    rows = [c for c in chunks if c.kind == "table_row"]
    assert len(rows) == len({(f.table, f.row) for f in _facts(doc.file)}) == 34
    new = next(c for c in rows if " 依申请公开 本年新收：" in c.text)
    assert new.text == ("福建省人力资源和社会保障厅 2020年 依申请公开 本年新收：自然人 63，商业企业 3，科研机构 0，"
                        "社会公益组织 0，法律服务机构 0，其他 2，总计 68")
    # gold facts have no source: the span is the table's part (三、收到和处理政府信息公开申请情况)
    part3 = next(s for s in sections if s.part == 3)
    assert (new.line_start, new.line_end) == (doc.lines[part3.line_start].line, doc.lines[part3.line_end].line)
    assert new.section == "三、收到和处理政府信息公开申请情况"


def test_table_row_span_is_its_source_lines():
    path = SAMPLE / "003_445335a71f9baff7.txt"
    doc = load(path)
    i = next(i for i, ln in enumerate(doc.lines) if ln.text.startswith("一、本年新增政府信息公开申请数量"))
    src = SourceRef(line=doc.lines[i].line, text=doc.lines[i].text)
    facts = [Fact(file=path.name, table="依申请公开", row="本年新收", column=c, value=v, source=src)
             for c, v in (("自然人", 158), ("商业企业", 1), ("总计", 159))]
    facts.append(Fact(file=path.name, table="依申请公开", row="予以公开", column="总计", value=69,
                      source=SourceRef(line=doc.lines[i + 2].line, text="", line_end=doc.lines[i + 3].line)))
    rows = [c for c in make_chunks(doc, infer_metadata(doc), split_sections(doc), facts) if c.kind == "table_row"]
    assert [(c.line_start, c.line_end) for c in rows] == [(i + 1, i + 1), (i + 3, i + 4)]
    assert rows[0].text == "山东省人力资源和社会保障厅 2019年 依申请公开 本年新收：自然人 158，商业企业 1，总计 159"


def test_gbk_copy_gives_the_same_chunks(tmp_path):
    src = SAMPLE / "000_a1db54b6d4824c27.txt"
    copy = tmp_path / src.name
    # NBSP has no GBK code; the loader turns it into a space anyway, so the copy uses a space
    copy.write_bytes(src.read_text(encoding="utf-8").replace("\xa0", " ").encode("gbk"))
    _, _, a = _chunks(src)
    doc_b = load(copy)
    assert doc_b.encoding == "gb18030"
    _, _, b = _chunks(copy, doc_b)
    assert [(c.id, c.text, c.line_start, c.line_end) for c in a] == [(c.id, c.text, c.line_start, c.line_end) for c in b]


def test_ids_are_stable_and_change_with_content():
    _, _, a = _chunks(SAMPLE / "001_0c9ceee508d7cea1.txt")
    _, _, b = _chunks(SAMPLE / "001_0c9ceee508d7cea1.txt")
    assert [c.id for c in a] == [c.id for c in b]
    doc = _load_file(SAMPLE / "001_0c9ceee508d7cea1.txt")
    doc.lines[10].text = doc.lines[10].text.replace("权责清单", "责任清单")
    _, _, c = _chunks(SAMPLE / "001_0c9ceee508d7cea1.txt", doc)
    assert {x.id for x in a} != {x.id for x in c}


def test_headings_number_variants():
    assert part_of("一、总体情况") == 1 and part_of("1.总体情况") == 1 and part_of("5.加强问题整改") is None and part_of(" 二、主动公开政府信息情况 ") == 2
    assert part_of("六、有无其他需要报告的事项") == 6 and part_of("第四部分 政府信息公开行政复议、行政诉讼情况") == 4
    # table labels that look like part headings
    assert part_of("一、本年新收政府信息公开申请数量") is None
    assert part_of("四、结转下年度继续办理") is None and part_of("三、本年度办理结果") is None
    doc = Document(file="t.txt", path="/t", sha256="0", format="txt", lines=[])
    from index.records import Line
    texts = ["一、总体情况", "(一)加强组织领导", "一是健全机制。要求如下。", "1.深入解读重要政策。按照原则。",
             "（2）领导同志解读政策", "二、主动公开政府信息情况"]
    doc.lines = [Line(t, i + 1) for i, t in enumerate(texts)]
    paths = [s.path for s in split_sections(doc)]
    assert paths == [["一、总体情况"], ["一、总体情况", "(一)加强组织领导"],
                     ["一、总体情况", "(一)加强组织领导", "（2）领导同志解读政策"], ["二、主动公开政府信息情况"]]


def test_markdown_and_inline_part_headings():
    from index.records import Line

    texts = ["# 某局2020年政府信息公开工作年度报告", "## 一、总体情况", "**（一）主动公开**", "本年主动公开信息100条。",
             "二、主动公开政府信息情况。具体见下表。", "六、其他"]
    doc = Document(file="t.md", path="/t.md", sha256="0", format="md",
                   lines=[Line(t, i + 1) for i, t in enumerate(texts)])
    paths = [s.path for s in split_sections(doc)]
    assert paths == [["前言"], ["一、总体情况"], ["一、总体情况", "（一）主动公开"], ["二、主动公开政府信息情况"], ["六、其他"]]


def test_an_overlong_sentence_is_cut_at_commas_and_still_maps_back():
    from index.records import Line

    long_line = "，".join(f"第{i}项工作按要求推进并公开相关信息" for i in range(80)) + "。"
    texts = ["一、总体情况", long_line, "五、存在的主要问题及改进情况", "无。"]
    doc = Document(file="t.txt", path="/t", sha256="0", format="txt", lines=[Line(t, i + 1) for i, t in enumerate(texts)])
    chunks = make_chunks(doc, infer_metadata(doc), split_sections(doc), [])
    body = [c for c in chunks if c.line_end == 2]
    assert body[0].text.startswith("一、总体情况\n第0项")  # the heading stays with its text
    assert len(body) >= 3 and all(len(c.text) <= MAX_CHARS + 60 for c in body)
    assert "".join(_squash(c.text) for c in body) == _squash("一、总体情况" + long_line)
    for c in body:
        assert _squash(_source_text(doc, c)) == _squash(c.text)
        assert c.text.endswith(("，", "。"))
