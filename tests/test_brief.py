"""简报 drafts over the sample reports: the 福建省人社厅 2019–2020 draft read back from .docx, the all-agency
ranking, agency resolution, LLM polishing guarded by the verifier, markdown and the CLI.

The library is the real ingested store (`built_store`) when the ingest pipeline is complete; until then a store
with the same schema holding the hand-checked gold facts (no source lines for cells), read through the real
`index.library.Library` — either way every number is checked against the store and the report files.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from assistant.brief.draft import make_brief
from assistant.brief.polish import check_rewrite
from assistant.llm.backends import ScriptedBackend
from assistant.answering.verify import extract_numbers
from index import db
from index.config import CHUNKER_VERSION, PARSER_VERSION
from index.errors import ConfigError
from index.library import Library

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json")
FUJIAN = "福建省人力资源和社会保障厅"


def _pipeline_ready() -> bool:
    try:
        import index.audit, index.chunking, index.metadata, index.tables  # noqa: F401,E401
        return True
    except ImportError:
        return False


def _seed_store(root: Path) -> Path:
    """The gold facts in a store of the real schema (manifest rows point at data/sample)."""
    con = db.connect(root / "library.sqlite")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with con:
        for r in gold["reports"]:
            con.execute("INSERT INTO reports(file, path, sha256, format, agency, region, level, year, parser_version, "
                        "chunker_version) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (r["file"], str(ROOT / "data" / "sample" / r["file"]), "seed", "txt", r["agency"], r["region"],
                         r["level"], r["year"], PARSER_VERSION, CHUNKER_VERSION))
            for f in r["facts"]:
                con.execute("INSERT INTO facts(file, tbl, row_name, col_name, value, kind) VALUES (?,?,?,?,?,?)",
                            (r["file"], f["table"], f["row"], f["column"], f["value"],
                             "number" if f["value"] is not None else "empty"))
    con.close()
    return root


@pytest.fixture(scope="module")
def store(request, tmp_path_factory) -> Path:
    if _pipeline_ready():
        return request.getfixturevalue("built_store")
    return _seed_store(tmp_path_factory.mktemp("seed") / "store")


@pytest.fixture
def library(store):
    lib = Library(store)
    yield lib
    lib.close()


@pytest.fixture
def fujian(library, tmp_path):
    return make_brief(library, "福建省人社厅", "2019-2020", chart_dir=str(tmp_path / "charts"))


def _docx_text(path: Path) -> tuple[str, str]:
    """(body, sources): the document's paragraphs and table cells, split at the source list."""
    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    cut = paras.index("七、资料来源")
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(paras[:cut] + cells), "\n".join(paras[cut:])


def _has_number(text: str, n: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", text) is not None


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_fujian_docx_has_the_figures_changes_and_a_chart(fujian, tmp_path):
    path = fujian.to_docx(tmp_path / "福建.docx")
    body, sources = _docx_text(path)
    for n in ("52", "68", "286", "215"):
        assert _has_number(body, n), n
    assert "52→68" in body and "+16件（68−52=16）" in body and "+30.8%（16÷52=30.8%）" in body
    # 行政复议/诉讼: 2019 复议 0, 直接起诉 1 (维持 1); 2020 复议 1 (维持 1), 诉讼 0
    review = next(s for s in fujian.sections if s.title.startswith("四、")).paragraphs
    assert re.search(r"2019年，行政复议0件\[\d+\]；行政诉讼（未经复议直接起诉）1件（结果维持1件）\[\d+\]", review[0])
    assert re.search(r"2020年，行政复议1件（结果维持1件）\[\d+\]", review[1])
    assert len(Document(str(path)).inline_shapes) >= 1
    assert "《福建省人力资源和社会保障厅2019年政府信息公开工作年度报告》" in sources


def test_every_number_traces_to_a_fact_a_quote_or_a_formula(fujian, library, tmp_path):
    body, _ = _docx_text(fujian.to_docx(tmp_path / "b.docx"))
    facts = library.facts(file=fujian.files)
    allowed = {round(abs(float(f.value)), 6) for f in facts if f.value is not None}  # signs are words (增/减)
    for c in fujian.sources:  # quotes must be the report's own words at the cited lines
        if c.kind == "passage":
            lines = {ln.line: ln.text for ln in library.source_lines(c.file)}
            span = "".join(lines[i] for i in range(c.line_start, c.line_end + 1))
            assert _squash(c.quote) in _squash(span), (c.n, c.quote)
            allowed |= {round(n.value, 6) for n in extract_numbers(c.quote)}
    passed = {(c.file, c.rule, c.scope, c.message) for f in fujian.files for c in library.checks(f) if c.status == "pass"}
    allowed.add(float(len(passed)))  # "资料库对这些报告的N项勾稽关系核验均已通过"
    formulas = re.findall(r"[\d.+\-−÷=%]+", body)
    computed = set()
    for f in formulas:  # a formula's result is allowed only when it is right
        f = f.replace("−", "-") if not re.fullmatch(r"\d+−\d+=.*", f) else re.sub(r"=−", "=-", f)
        m = re.fullmatch(r"([\d+]+)=(\d+)", f)
        if m:
            assert sum(int(x) for x in m.group(1).split("+")) == int(m.group(2)), f
            computed.add(float(m.group(2)))
        m = re.fullmatch(r"(-?\d+)÷(\d+)=(-?[\d.]+)%", f)
        if m:
            assert round(int(m.group(1)) / int(m.group(2)) * 100, 1) == float(m.group(3)), f
            computed |= {float(m.group(3)), abs(float(m.group(3)))}
        m = re.fullmatch(r"(\d+)−(\d+)=(-?\d+)", f)
        if m:
            assert int(m.group(1)) - int(m.group(2)) == int(m.group(3)), f
            computed |= {float(m.group(3)), abs(float(m.group(3)))}
    stray = [n.text for n in extract_numbers(re.sub(r"\[\d+\]", "", body))
             if round(n.value, 6) not in allowed | computed and not (n.year_like and n.value in (2019, 2020))]
    assert not stray, (stray, [l for l in body.splitlines() if any(s in l for s in stray)][:3])
    assert fujian.verify().ok


def test_sections_are_records_in_the_six_part_order(fujian):
    from assistant.brief.records import BriefSection, BriefTable, Chart

    assert all(isinstance(s, BriefSection) for s in fujian.sections)
    assert [s.title[:2] for s in fujian.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert isinstance(fujian.sections[0].table, BriefTable) and fujian.sections[0].table.rows
    assert fujian.sections[2].charts and all(isinstance(c, Chart) and Path(c.path).exists() for c in fujian.sections[2].charts)


def test_citations_name_real_cells(fujian, library):
    body = fujian.body_text()
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert cited == set(range(1, len(fujian.sources) + 1))  # every source is used, none dangles
    for c in fujian.sources:
        if c.kind == "cell":
            for col in c.column.split("、"):
                assert library.facts(file=c.file, table=c.table, row=c.row, column=col), (c.n, c.row, col)


def test_part_five_is_quoted_from_the_reports(fujian):
    five = next(s for s in fujian.sections if s.title.startswith("五、"))
    assert len(five.paragraphs) == 2
    assert "新修订的《中华人民共和国政府信息公开条例》" in five.paragraphs[1]
    assert all("“" in p and re.search(r"”\[\d+\]", p) for p in five.paragraphs)


def test_all_agencies_2019_are_ranked_by_new_applications(library, tmp_path):
    b = make_brief(library, None, [2019], chart_dir=str(tmp_path))
    line = next(p for s in b.sections for p in s.paragraphs if "排名" in p)
    order = [line.index(a) for a in ("山东省", "江苏省", "福建省")]
    assert order == sorted(order)
    assert re.search(r"山东省人力资源和社会保障厅159件\[\d+\] > 江苏省人力资源和社会保障厅129件\[\d+\] > "
                     r"福建省人力资源和社会保障厅52件\[\d+\]", line)
    assert b.agency is None and b.years == [2019] and len(b.files) == 3
    assert b.verify().ok


@pytest.mark.parametrize("name", ["福建省人社厅", "福建人社厅", FUJIAN])
def test_agency_names_resolve_leniently(library, tmp_path, name):
    assert make_brief(library, name, "2019", chart_dir=str(tmp_path)).agency == FUJIAN


def test_unknown_agency_lists_what_the_library_holds(library):
    with pytest.raises(ConfigError) as e:
        make_brief(library, "广东省人社厅", "2019")
    assert "广东省人社厅" in str(e.value) and FUJIAN in str(e.value) and "山东省人力资源和社会保障厅" in str(e.value)


def test_years_the_library_lacks_are_noted_not_invented(library, tmp_path):
    b = make_brief(library, "福建人社厅", "2018-2019", chart_dir=str(tmp_path))
    assert b.years == [2019] and any("2018" in n for n in b.notes)
    with pytest.raises(ConfigError):
        make_brief(library, "福建人社厅", "2015")


def test_llm_rewrite_is_kept_only_when_every_number_survives(library, tmp_path):
    template = make_brief(library, "福建人社厅", "2019-2020", chart_dir=str(tmp_path))
    paras = [p for s in template.sections if s.title.startswith(("一", "二", "三", "四")) for p in s.paragraphs]
    replies = [paras[0].replace("整理", "汇编"), paras[1].replace("286", "268"), re.sub(r"\[\d+\]", "", paras[2], count=1)]
    replies += paras[3:]
    b = make_brief(library, "福建人社厅", "2019-2020", llm=ScriptedBackend(replies), chart_dir=str(tmp_path))
    status = [p["status"] for p in b.polish]
    assert status[:3] == ["kept", "rejected", "rejected"] and "skipped" in status
    assert "汇编" in b.sections[0].paragraphs[0] and "286" in b.sections[0].paragraphs[1]
    assert b.llm == "scripted" and b.verify().ok


def test_check_rewrite_reasons():
    orig = "2020年新收68件[1]，52→68，+16件（68−52=16），+30.8%（16÷52=30.8%）。"
    assert check_rewrite(orig, orig.replace("新收", "共收到"), [2020]) is None
    assert "丢失" in check_rewrite(orig, orig.replace("+30.8%（16÷52=30.8%）", "增长明显"), [2020])
    assert "没有的数字" in check_rewrite(orig, orig.replace("68件", "86件"), [2020])
    assert check_rewrite(orig, "", [2020]) == "空输出"


def test_markdown_has_sections_table_charts_and_sources(fujian, tmp_path):
    md = fujian.to_markdown(image_dir=str(tmp_path / "img"), rel_to=str(tmp_path))
    for h in ("## 一、总体情况", "## 三、收到和处理政府信息公开申请情况", "## 六、数据核验提示", "## 七、资料来源"):
        assert h in md
    assert "| 本年新收申请 | 52件 [" in md
    imgs = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert imgs and all((tmp_path / p).exists() for p in imgs)


def test_cli_writes_docx_and_md(store, tmp_path):
    from assistant.cli import cli

    r = CliRunner().invoke(cli, ["brief", "--agency", "福建人社厅", "--years", "2019-2020", "--store", str(store),
                                 "--out", str(tmp_path / "b.docx")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "b.docx").stat().st_size > 20000 and "全部数字可追溯" in r.output
    r = CliRunner().invoke(cli, ["brief", "--years", "2019", "--store", str(store), "--out", str(tmp_path / "all.md")])
    assert r.exit_code == 0, r.output
    assert "排名" in (tmp_path / "all.md").read_text(encoding="utf-8") and (tmp_path / "all_charts").is_dir()
    r = CliRunner().invoke(cli, ["brief", "--agency", "广东人社厅", "--store", str(store)])
    assert r.exit_code == 1 and "资料库现有" in r.output


def test_brief_tab_generate_returns_draft_charts_and_downloads(store, tmp_path):
    from assistant.ui.brief_tab import ALL_AGENCIES, generate

    md, charts_, files, status = generate(lambda: Library(store), "福建人社厅", 2019, 2020, out_root=str(tmp_path))
    assert md.startswith("# 福建省人力资源和社会保障厅2019—2020年") and "52→68" in md
    assert len(charts_) == 2 and all(Path(p).exists() for p in charts_)
    assert [Path(f).suffix for f in files] == [".docx", ".md"] and "data:image/png;base64," in Path(files[1]).read_text()
    assert status.startswith("**核验通过**")
    md, _, files, status = generate(lambda: Library(store), ALL_AGENCIES, 2019, None, out_root=str(tmp_path / "all"))
    assert "排名" in md and files
    md, _, files, status = generate(lambda: Library(store), "广东人社厅", 2019, 2019, out_root=str(tmp_path / "x"))
    assert md == "" and files is None and "资料库现有" in status


REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf")


@pytest.mark.skipif(not REAL_PDF.is_dir(), reason="the real 2021-template PDFs are not on this machine")
def test_2021_template_pdfs_brief_with_page_lines_and_template_columns(tmp_path):
    """Two real 2021-template PDFs (淮安市洪泽区 2023, 2024): the template's own column names, page+line sources,
    the report's own inconsistencies shown as findings, and every number still grounded."""
    pytest.importorskip("index.tables")
    from index.pipeline import Ingestor

    store = tmp_path / "store"
    Ingestor(store).ingest([REAL_PDF / "hongze_2023.pdf", REAL_PDF / "hongze_2024.pdf"])
    b = make_brief(Library(store), "洪泽区", "2023-2024", chart_dir=str(tmp_path / "c"))
    text = b.body_text()
    assert b.agency == "淮安市洪泽区人民政府" and b.years == [2023, 2024]
    assert "规范性文件本年制发件数" in text and "本年处理决定数量" in text
    assert "21→95" in text  # 本年新收 2023 → 2024
    assert any(c.page for c in b.sources) and "第4页" in "\n".join(b.source_labels())
    # a quote that runs onto the next page names both pages, never a backwards span like 第5页第33–1行
    for label in b.source_labels():
        for a, z in re.findall(r"第(\d+)–(\d+)行", label):
            assert int(a) <= int(z), label
    assert any(f.status == "fail" for f in b.findings)  # hongze_2023 prints an unbalanced 复议 row
    assert b.verify().ok


@pytest.mark.slow
def test_local_llm_polish_keeps_every_number(library, tmp_path):
    from assistant.llm import local as llm_local

    if not llm_local.available():
        pytest.skip("local GGUF not assembled: run python -m assistant.llm.local --assemble")
    b = make_brief(library, "福建人社厅", "2020", llm="local", chart_dir=str(tmp_path))
    statuses = [p["status"] for p in b.polish]
    # number-dense paragraphs are never sent to the model ("skipped"); the rest were tried
    assert set(statuses) <= {"kept", "rejected", "skipped"}
    assert any(s in ("kept", "rejected") for s in statuses)
    assert all(p.get("reason") for p in b.polish if p["status"] != "kept")
    assert b.llm != "none" and b.verify().ok  # whatever the model wrote, what is kept is grounded


def test_docx_is_a4_in_gongwen_style(fujian, tmp_path):
    """GB/T 9704: A4, margins 3.7/3.5/2.8/2.6 cm, 仿宋 三号 body at a fixed line, 黑体 headings, a title in
    方正小标宋 (黑体 where the machine lacks it), page numbers in the footer."""
    from docx.shared import Cm, Pt

    from assistant.brief.to_docx import title_font

    doc = Document(str(fujian.to_docx(tmp_path / "a4.docx")))
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(x.cm, 1) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == \
        [3.7, 3.5, 2.8, 2.6]
    from docx.oxml.ns import qn

    def east_asian(style):
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    assert east_asian(doc.styles["Normal"]) == "仿宋" and doc.styles["Normal"].font.size == Pt(16)
    assert east_asian(doc.styles["Heading 1"]) == "黑体"
    assert east_asian(doc.styles["Title"]) == title_font() in ("方正小标宋简体", "黑体")
    assert "PAGE" in sec.footer.paragraphs[0]._p.xml
    assert Cm(0) < sec.footer.paragraphs[0].runs[0].font.size


def test_money_in_wanyuan_throughout_and_one_minus_sign(library, tmp_path):
    from assistant.brief.draft import make_brief

    b = make_brief(library, "厦门人社局", None, chart_dir=str(tmp_path))
    text = "\n".join(p for s in b.sections for p in s.paragraphs)
    money = re.findall(r"采购总金额[^、；。]*", text)
    assert money and all("万元" in m for m in money) and not re.search(r"\d元", " ".join(money))
    assert "金额统一以万元表示" in " ".join(b.notes)
    assert not re.search(r"=-\d", text)  # a negative result is written −3, like the − of its formula
