"""index/loaders: real sample reports, real PDFs, and DOCX/PDF/HTML files made here from a sample's text."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from index.errors import IngestError
from index.loaders import load
from index.loaders.normalize import clean_line, is_page_footer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf")
S003 = SAMPLE / "003_445335a71f9baff7.txt"


def _file_lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").split("\n")[:-1] if p.read_text(encoding="utf-8").endswith("\n") \
        else p.read_text(encoding="utf-8").split("\n")


# ---------------------------------------------------------------- text
@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")), ids=lambda p: p.name[:3])
def test_sample_lines_map_to_file_lines(path):
    doc = load(path)
    raw = _file_lines(path)
    assert doc.format == "txt" and doc.encoding == "utf-8" and doc.file == path.name
    assert len(doc.lines) == len(raw)
    for i, ln in enumerate(doc.lines):
        assert ln.line == i + 1
        assert ln.text == clean_line(raw[i])
        assert len(ln.text) == len(raw[i].replace("\u200b", "").replace("\ufeff", ""))


def test_gbk_bom_crlf_and_cr_give_the_same_lines(tmp_path):
    base = load(S003)
    text = S003.read_text(encoding="utf-8")
    variants = {
        "gbk.txt": text.encode("gbk"),
        "gb18030.txt": text.encode("gb18030"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.md": text.replace("\n", "\r").encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
    }
    for name, data in variants.items():
        p = tmp_path / name
        p.write_bytes(data)
        doc = load(p)
        assert [ln.text for ln in doc.lines] == [ln.text for ln in base.lines], name
        assert [ln.line for ln in doc.lines] == [ln.line for ln in base.lines], name
    assert load(tmp_path / "gbk.txt").encoding == "gb18030"
    assert load(tmp_path / "bom.txt").encoding == "utf-8-sig"
    assert load(tmp_path / "cr.md").format == "md"


def test_big5_is_detected_and_flagged(tmp_path):
    p = tmp_path / "big5.txt"
    text = "臺北市政府資訊公開年度報告\n一、總體情況\n本機關依照政府資訊公開法辦理資訊公開業務，並於網站公開相關資料。\n"
    p.write_bytes(text.encode("big5"))
    doc = load(p)
    assert doc.encoding == "big5"
    assert doc.lines[0].text == "臺北市政府資訊公開年度報告"
    assert [w.code for w in doc.warnings] == ["encoding"]


def test_unicode_spaces_are_replaced_one_for_one():
    s = "一、\u3000总体\u00a0情况\u200b\t表"
    assert clean_line(s) == "一、 总体 情况\t表"


def test_footer_patterns():
    for t in ("- 3 -", "— 4 —", "第3页", "第 3 页 共 6 页", "3/6", "－12－"):
        assert is_page_footer(t, 3), t
    assert is_page_footer("5", 5) and not is_page_footer("5", 4)
    assert not is_page_footer("规章 0 0 0", 1)


# ---------------------------------------------------------------- real PDFs
@pytest.mark.parametrize("name", ["huaian_2024.pdf", "hongze_2023.pdf", "hongze_2024.pdf"])
def test_real_pdf_pages_and_lines(name):
    doc = load(REAL_PDF / name)
    assert doc.format == "pdf"
    pages = sorted({ln.page for ln in doc.lines})
    assert pages[0] == 1 and len(pages) >= 5
    assert all(ln.line >= 1 for ln in doc.lines)
    # numbering restarts on each page and increases within it
    for p in pages:
        nums = [ln.line for ln in doc.lines if ln.page == p]
        assert nums == sorted(nums) and len(set(nums)) == len(nums)
    assert not any(is_page_footer(ln.text, ln.page) for ln in doc.lines)
    assert not any(ln.text.strip() in (f"- {p} -" for p in pages) for ln in doc.lines)
    assert "年政府信息公开工作年度报告" in doc.lines[1].text.replace(" ", "")
    # the 2021-template table comes out as text lines with its numbers
    assert any(ln.text.startswith("规章 ") for ln in doc.lines)


# ---------------------------------------------------------------- made here: PDF, DOCX, HTML
def _sample_blocks(path: Path):
    """A sample's text as ('p', text) paragraphs and ('table', rows) for its tab-separated table rows."""
    blocks = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            row = [c.strip() for c in line.split("\t")]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(row)
            else:
                blocks.append(("table", [row]))
        elif line.strip():
            blocks.append(("p", line.strip()))
    return blocks


def test_pdf_made_with_reportlab_loads_with_its_table(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    story = []
    for kind, content in _sample_blocks(S003):
        if kind == "p":
            story.append(Paragraph(content, style))
        else:
            width = max(len(r) for r in content)
            rows = [[Paragraph(c, style) if j == 0 and c else c for j, c in enumerate(r)] + [""] * (width - len(r))
                    for r in content]
            widths = [230] + [260 / (width - 1)] * (width - 1)
            story.append(Table(rows, colWidths=widths, style=[("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                                            ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))

    def footer(canvas, d):
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 20, f"- {d.page} -")
        canvas.drawCentredString(A4[0] / 2, A4[1] - 30, "山东省人社厅政务公开")  # a running head on every page

    out = tmp_path / "made.pdf"
    SimpleDocTemplate(str(out), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    doc = load(out)
    assert doc.format == "pdf" and len({ln.page for ln in doc.lines}) >= 2
    text = "\n".join(ln.text for ln in doc.lines)
    assert "山东省人力资源和社会保障厅" in text.replace(" ", "")
    assert not any(ln.text.strip().startswith("- ") and ln.text.strip().endswith(" -") for ln in doc.lines)
    heads = [ln for ln in doc.lines if ln.text.replace(" ", "") == "山东省人社厅政务公开"]
    assert [ln.page for ln in heads] == [1]  # the running head is dropped, except on page 1
    row = [ln for ln in doc.lines if ln.text.replace(" ", "").startswith("一、本年新增政府信息公开申请数量")]
    assert row and "158" in row[0].text and "159" in row[0].text


def _docx_from_sample(path: Path, out: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    d = docx.Document()
    for kind, content in _sample_blocks(path):
        if kind == "p":
            d.add_paragraph(content)
            continue
        width = max(len(r) for r in content)
        t = d.add_table(rows=len(content), cols=width)
        for r, row in enumerate(content):
            for c, val in enumerate(row):
                t.cell(r, c).text = val
    # a header row with a horizontally merged title cell, and a vertically merged label column
    t = d.add_table(rows=3, cols=3)
    title = t.cell(0, 0).merge(t.cell(0, 2))
    title.text = "合并标题"
    label = t.cell(1, 0).merge(t.cell(2, 0))
    label.text = "行政复议"
    for r, vals in ((1, ("维持", "1")), (2, ("纠正", "2"))):
        t.cell(r, 1).text, t.cell(r, 2).text = vals
    inner = t.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "嵌套", "9"
    # a soft line break inside one paragraph
    p = d.add_paragraph("第一行")
    run = p.add_run()
    br = OxmlElement("w:br")
    run._r.append(br)
    run.add_text("第二行")
    assert qn("w:br")
    d.save(str(out))


def test_docx_made_from_a_sample_loads_paragraphs_and_tables_in_order(tmp_path):
    out = tmp_path / "made.docx"
    _docx_from_sample(S003, out)
    doc = load(out)
    assert doc.format == "docx"
    assert [ln.line for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    texts = [ln.text for ln in doc.lines]
    assert texts[0].replace(" ", "").startswith("山东省人力资源和社会保障厅")
    rows = [ln for ln in doc.lines if ln.cells is not None]
    first = next(ln for ln in rows if ln.cells[0].startswith("一、本年新增"))
    assert first.text == "\t".join(first.cells) and "159" in first.cells and first.cell_ref.startswith("表")
    # order: the part heading comes before the table, the next part heading after it
    i3 = texts.index("三、收到和处理政府信息公开申请情况")
    assert i3 < texts.index(first.text) < texts.index("四、政府信息公开行政复议、行政诉讼情况")
    merged = [ln for ln in rows if "合并标题" in ln.text]
    assert merged and merged[0].cells == ["合并标题"]  # one w:tc with gridSpan: given once
    last = merged[0].cell_ref.split("第")[0] + "第"
    vrows = [ln for ln in rows if ln.cell_ref.startswith(last) and ln.cells[-1] in ("1", "2")]
    assert vrows[0].cells[0] == "行政复议" and vrows[1].cells[0] == ""  # vertical merge: text once
    nested = [ln for ln in rows if "嵌套表" in (ln.cell_ref or "")]
    assert nested and nested[0].cells == ["嵌套", "9"]
    assert "第一行" in texts and "第二行" in texts


def test_html_blocks_tables_spans_entities_and_scripts(tmp_path):
    html = """<!DOCTYPE html><html><head><meta charset="gbk"><title>标题</title>
    <style>p {color: red}</style><script>var x = "不应出现";</script></head><body>
    <h1>厦门市人力资源和社会保障局&nbsp;2020年政府信息公开工作年度报告</h1>
    <div>一、总体情况<br>本报告根据&lt;条例&gt;编制。</div>
    <p>（一）<span>加强</span>政策解读</p>
    <table><tr><th colspan="3">收到和处理政府信息公开申请情况</th></tr>
    <tr><td rowspan="2">申请人</td><td>自然人</td><td>31</td></tr>
    <tr><td>商业企业</td><td>1&nbsp;</td></tr></table>
    <noscript>请启用脚本</noscript><p>六、其他需要报告的事项</p></body></html>"""
    p = tmp_path / "page.html"
    p.write_bytes(html.encode("gbk"))
    doc = load(p)
    texts = [ln.text for ln in doc.lines]
    assert texts[0] == "厦门市人力资源和社会保障局 2020年政府信息公开工作年度报告"
    assert "一、总体情况" in texts and "本报告根据<条例>编制。" in texts and "（一）加强政策解读" in texts
    assert not any("不应出现" in t or "color" in t or "请启用脚本" in t or t == "标题" for t in texts)
    rows = [ln for ln in doc.lines if ln.cells is not None]
    assert [r.cells for r in rows] == [["收到和处理政府信息公开申请情况"], ["申请人", "自然人", "31"],
                                       ["商业企业", "1"]]
    assert rows[1].cell_ref == "表1第2行" and rows[1].text == "申请人\t自然人\t31"
    assert texts[-1] == "六、其他需要报告的事项"


# ---------------------------------------------------------------- bad files
def _refused(path: Path, *words: str) -> IngestError:
    with pytest.raises(IngestError) as ei:
        load(path)
    err = ei.value
    assert err.file == path.name and path.name in str(err)
    for w in words:
        assert w in err.problem, (w, err.problem)
    return err


def test_empty_and_blank_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    _refused(tmp_path / "empty.txt", "文件为空", "empty")
    (tmp_path / "blank.txt").write_bytes(b"  \r\n\t\n")
    _refused(tmp_path / "blank.txt", "空")


def test_binary_renamed_and_undecodable(tmp_path):
    png = tmp_path / "report.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    _refused(png, "二进制", "PNG")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x80\xff\xfe\x81" * 200)
    _refused(junk, "编码", "UTF-8")
    notpdf = tmp_path / "fake.pdf"
    notpdf.write_text("这不是PDF", encoding="utf-8")
    _refused(notpdf, "不是PDF")


def test_unsupported_extension(tmp_path):
    for name in ("report.doc", "data.xls", "report"):
        p = tmp_path / name
        p.write_bytes(b"some bytes")
        _refused(p, "不支持的文件类型", "unsupported")


def test_corrupt_truncated_pdf(tmp_path):
    data = (REAL_PDF / "hongze_2023.pdf").read_bytes()
    p = tmp_path / "truncated.pdf"
    p.write_bytes(data[:2000])
    _refused(p, "PDF", "损坏")


def test_password_protected_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(str(REAL_PDF / "hongze_2023.pdf")).pages[:1]:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as f:
        w.write(f)
    _refused(p, "加密", "password")


def test_scanned_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)  # an "image" of a page: shapes, no text
        c.showPage()
    c.save()
    _refused(p, "没有文字层", "OCR")  # nothing to OCR either: shapes, no page image


def test_corrupt_docx_and_zip_that_is_not_word(tmp_path):
    good = tmp_path / "good.docx"
    _docx_from_sample(S003, good)
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(good.read_bytes()[:3000])
    _refused(bad, "DOCX", "损坏")
    z = tmp_path / "archive.docx"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("readme.txt", "hello")
    _refused(z, "不是 Word 文档")


def test_content_beats_extension(tmp_path):
    p = tmp_path / "really_a_pdf.txt"
    p.write_bytes((REAL_PDF / "hongze_2023.pdf").read_bytes())
    doc = load(p)
    assert doc.format == "pdf" and [w.code for w in doc.warnings] == ["format"]


def test_html_portal_page_keeps_the_article_and_its_headline(tmp_path):
    html = """<html><head><title>淮安市人民政府2024年政府信息公开工作年度报告_淮安市人民政府</title></head><body>
    <div class="nav"><a>首页</a><a>政务公开</a><a>淮安市财政局</a></div>
    <div class="main"><h2 class="tit">淮安市人民政府2024年政府信息公开工作年度报告</h2><p>发布时间：2025-01-20</p>
      <div class="TRS_Editor"><p>一、总体情况</p><p>2024年，我市推进政务公开。</p>
      <p>六、其他需要报告的事项</p><p>无。</p></div></div>
    <div class="footer">主办：淮安市人民政府办公室 网站标识码3208000001 苏ICP备05000000号</div></body></html>"""
    p = tmp_path / "portal.htm"
    p.write_text(html, encoding="utf-8")
    texts = [ln.text for ln in load(p).lines]
    assert texts == ["淮安市人民政府2024年政府信息公开工作年度报告", "一、总体情况", "2024年，我市推进政务公开。",
                     "六、其他需要报告的事项", "无。"]
    # no heading above the article: the page <title> stands in
    p2 = tmp_path / "portal2.html"
    p2.write_text(html.replace('<h2 class="tit">淮安市人民政府2024年政府信息公开工作年度报告</h2>', ""), encoding="utf-8")
    assert load(p2).lines[0].text == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_password_protected_docx_is_named_as_such(tmp_path):
    p = tmp_path / "locked.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # encrypted OOXML = an OLE container
    _refused(p, "加密", "password")


def test_docx_tracked_insertions_and_hyperlinks_are_read_deletions_are_not(tmp_path):
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d.element.body.insert(0, parse_xml(
        f'<w:p {ns}><w:r><w:t>一、总体</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>情况</w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="a"><w:r><w:delText>删掉</w:delText></w:r></w:del></w:p>'))
    d.element.body.insert(1, parse_xml(
        f'<w:p {ns}><w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>后</w:t></w:r></w:p>'))
    p = tmp_path / "tracked.docx"
    d.save(str(p))
    texts = [ln.text for ln in load(p).lines]
    assert texts[:2] == ["一、总体情况", "链接文字\t后"]


def test_html_layout_table_is_read_as_blocks(tmp_path):
    prose = "2020年，我局认真贯彻落实《条例》，" + "持续推进政务公开，" * 30 + "取得成效。"
    html = f"""<html><body><table><tr><td>导航</td><td>
      <p>一、总体情况</p><p>{prose}</p>
      <table><tr><td>自然人</td><td>31</td></tr></table>
      <p>六、其他需要报告的事项</p></td></tr></table></body></html>"""
    p = tmp_path / "layout.html"
    p.write_text(html, encoding="utf-8")
    doc = load(p)
    texts = [ln.text for ln in doc.lines]
    assert "一、总体情况" in texts and prose in texts and "六、其他需要报告的事项" in texts
    rows = [ln for ln in doc.lines if ln.cells is not None]
    assert [r.cells for r in rows] == [["自然人", "31"]] and rows[0].cell_ref == "表1第1行"
    # without the standard parts the whole body is read: the layout table still gives blocks, not one huge row
    p2 = tmp_path / "layout2.html"
    p2.write_text(html.replace("一、总体情况", "概况").replace("六、其他需要报告的事项", "结束语"), encoding="utf-8")
    doc2 = load(p2)
    assert [ln.text for ln in doc2.lines] == ["导航", "概况", prose, "自然人\t31", "结束语"]
