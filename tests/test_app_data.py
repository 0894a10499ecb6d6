"""assistant/ui/data_tab.py: pivot, chart frames, findings and exports from the built store."""
import pandas as pd
import pytest

from assistant.ui import data_tab
from assistant.ui.services import Services

FUJIAN = "福建省人力资源和社会保障厅"


@pytest.fixture(scope="module")
def svc(built_store):
    return Services(built_store)


def test_pivot_new_applications(svc):
    pv = data_tab.pivot_frame(svc, "本年新收")
    row = pv[pv["机关"] == FUJIAN].iloc[0]
    assert row["2019年"] == "52" and row["2020年"] == "68"
    assert (pv[pv["机关"].str.startswith("山东")]["2020年"] == "—").all()  # not held: a dash, not 0


def test_findings_name_cells_and_exports_round_trip(svc, tmp_path):
    f = data_tab.findings_frame(svc)
    assert (f["结果"] != "通过").all()
    assert f[f["文件"] == "001_0c9ceee508d7cea1.txt"].shape[0] >= 1  # the 1217 vs 1037 conflict
    df = data_tab.facts_frame(svc, FUJIAN, "2020", "依申请公开")
    assert len(df) > 50 and set(df["机关"]) == {FUJIAN}
    back = pd.read_csv(data_tab.export(df, "csv"), encoding="utf-8-sig")
    assert len(back) == len(df)
    assert len(pd.read_excel(data_tab.export(df, "xlsx"))) == len(df)


def test_findings_and_audit_speak_chinese_and_put_failures_first(svc):
    import re

    from assistant.ui import library_tab

    f = data_tab.findings_frame(svc)
    assert not [r for r in f["规则"] if re.search(r"[a-z_]{4,}", r)]  # no rule codes (row_sum, conflict …)
    assert f.iloc[0]["报告"].endswith("年报") and not re.search(r"_[0-9a-f]{8}", " ".join(f["报告"]))
    a = library_tab.audit_frame(svc, "001_0c9ceee508d7cea1.txt")
    results = a["结果"].tolist()
    assert results[0] != "通过"  # the 1217 vs 1037 conflict above ~200 passes
    passes = a[a["结果"] == "通过"]
    assert len(passes) == len(set(passes["规则"])) and all("项核对均通过" in s for s in passes["说明"])


def test_page_images_of_one_upload_become_one_scanned_report(tmp_path):
    from PIL import Image
    import pypdfium2 as pdfium

    from assistant.ui.library_tab import _pages_as_one_report

    pages = []
    for i in range(3):
        p = tmp_path / f"第{i + 1}页.png"
        Image.new("RGB", (400, 560), "white").save(p)
        pages.append(str(p))
    other = tmp_path / "另一份.txt"
    other.write_text("x", encoding="utf-8")
    out = _pages_as_one_report([pages[0], str(other), pages[1], pages[2]])
    assert out[0] == str(other) and len(out) == 2 and out[1].endswith("_扫描件.pdf")
    assert len(pdfium.PdfDocument(out[1])) == 3
    assert _pages_as_one_report([pages[0]]) == [pages[0]]  # one image is a one-page report as it is
