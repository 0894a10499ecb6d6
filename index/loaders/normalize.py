"""Text clean-up shared by the loaders, and the byte-level sniffing that decides how a file is read.

Choice about whitespace (why): a citation quotes a Line's text and the user must be able to find that quote
in the file. So cleaning never adds, removes or reorders visible characters. It only
- replaces every Unicode space separator (NBSP U+00A0, ideographic space U+3000, thin/en/em spaces ...) by one
  ASCII space, one for one, so that column offsets inside a line still match the source, and
- deletes invisible characters (zero-width spaces/joiners, soft hyphen, a stray BOM, C0/C1 controls except tab)
  that no reader can see or type in a search box.
Tabs are kept: table rows of flattened Word tables are tab-separated and the table parser relies on them.
No NFKC: full-width （一） and half-width (一) stay as printed.
"""
from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def clean_line(text: str) -> str:
    """One source line -> Line.text (see module doc for what changes and why)."""
    out = []
    for ch in text.translate(_INVISIBLE):
        if ch == "\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Zs":
            out.append(" ")
        elif cat == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out)


def split_lines(text: str) -> list[str]:
    """CRLF and lone CR normalised to LF; a final newline does not make an extra empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Page footers printed by Word/WPS into PDFs: "- 3 -", "— 4 —", "第3页", "第 3 页 共 6 页", "3/6".
_FOOTER = re.compile(
    r"^\s*(?:[-—–－─~～]+\s*\d{1,4}\s*[-—–－─~～]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[-—–－─]?\s*\d{1,4}\s*[-—–－─]?)\s*$"
)


def is_page_footer(text: str, page: int | None = None) -> bool:
    """A page-number line. A bare number only counts when it is this page's number (else it may be a cell)."""
    m = _FOOTER.match(text)
    if not m:
        return False
    digits = re.findall(r"\d+", text)
    bare = re.fullmatch(r"\s*\d{1,4}\s*", text) is not None
    if bare:
        return page is not None and int(digits[0]) == page
    return True


# ---------------------------------------------------------------- bytes
_BINARY_MAGIC = {
    b"\x89PNG": "PNG 图片 (PNG image)",
    b"\xff\xd8\xff": "JPEG 图片 (JPEG image)",
    b"GIF8": "GIF 图片 (GIF image)",
    b"\xd0\xcf\x11\xe0": "旧版 Office 文件 .doc/.xls (legacy Office binary)",
    b"Rar!": "RAR 压缩包 (RAR archive)",
    b"7z\xbc\xaf": "7z 压缩包 (7z archive)",
    b"\x1f\x8b": "gzip 压缩包 (gzip archive)",
    b"II*\x00": "TIFF 图片 (TIFF image)",
    b"MM\x00*": "TIFF 图片 (TIFF image)",
}


def sniff(data: bytes) -> str | None:
    """'pdf' | 'zip' | 'html' | 'binary:<what>' | None (looks like text)."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return "binary:" + what
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower():
        return "html"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # UTF-16 with BOM: text, NULs are expected
    if b"\x00" in head:
        return "binary:二进制数据 (binary data)"
    return None


# Frequent simplified-Chinese characters, used to tell GB18030 from Big5: the same bytes decode without error
# under both, but only the right codec gives common words.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多"
    "定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由"
    "其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意"
    "建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统"
    "接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导"
    "器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示"
    "议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布"
    "复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选"
    "标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)


def _common_ratio(text: str) -> float:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(c in _COMMON for c in cjk) / len(cjk)


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (text, encoding). Raises UnicodeError when no supported codec fits.

    Order: UTF-8 with BOM, UTF-16 with BOM, UTF-8, then GB18030 (a superset of GBK/GB2312) against Big5,
    chosen by which decoding yields common Chinese characters.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            candidates.append((_common_ratio(data.decode(enc)), enc))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise UnicodeError("not UTF-8, GB18030/GBK or Big5")
    score, enc = max(candidates)
    if score < 0.2:
        raise UnicodeError(f"decodes as {enc} but the result is not readable Chinese (score {score:.2f})")
    return data.decode(enc), enc
