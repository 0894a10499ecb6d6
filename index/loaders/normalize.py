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


_HTML_FRAGMENT = re.compile(rb"<(?:p|div|table|tr|td|th|span|br|font|h[1-6]|strong|b|style|meta)\b")


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
    if probe[:1] == b"<" and _HTML_FRAGMENT.findall(data[:65536].lower()).__len__() >= 8 \
            and re.search(rb"</(p|td|div|table|span)>", data[:65536].lower()):
        return "html"  # a CMS's stored fragment (`<p>…</p><table>…`, no <html>) saved as .txt
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # UTF-16 with BOM: text, NULs are expected
    if b"\x00" in head and utf16_without_bom(data):
        return None  # Windows "Unicode" exports: UTF-16LE, often without a BOM
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

    Order: UTF-8 with BOM, UTF-16 with BOM, UTF-16 without BOM (see `utf16_without_bom`), UTF-8, then GB18030 (a superset of GBK/GB2312) against Big5,
    chosen by which decoding yields common Chinese characters.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    bomless = utf16_without_bom(data)
    if bomless:
        return data.decode(bomless), bomless
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


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when BOM-less bytes read as UTF-16 text, else None.

    Why this test: UTF-8 and GBK text never holds NUL bytes, UTF-16 of Chinese prose holds one in every
    ASCII character (digits, newlines, spaces) on one side of the pair. So: an even length, NULs on one
    side only, and the decoded text mostly Chinese, ASCII or punctuation (a binary file fails the last test).
    """
    if len(data) < 4 or len(data) % 2:
        return None
    probe = data[:8192]
    even, odd = probe[0::2].count(0), probe[1::2].count(0)
    if even == odd or min(even, odd) > max(even, odd) // 20:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    sample = text[:4000]
    good = sum(c.isprintable() or c in "\t\r\n" for c in sample)
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in sample)
    return enc if good >= 0.98 * len(sample) and cjk >= 0.05 * len(sample) else None


# ---------------------------------------------------------------- traditional characters
def _t2s():
    """The t2s converter (opencc-python-reimplemented, pure Python tables), or None when not installed.
    Characters only: opencc's tw2sp phrase table rewrites wording (本年新增 -> 本年添加, 文件 -> 文档), which
    would change the template's own labels; the one Taiwan word that matters here is mapped by hand."""
    global _CONVERTER
    if _CONVERTER is None:
        try:
            from opencc import OpenCC
        except ImportError:
            _CONVERTER = False
        else:
            _CONVERTER = OpenCC("t2s")
    return _CONVERTER or None


_WORDS = {"资讯": "信息"}  # 政府資訊公開 -> 政府信息公开 (same length, so offsets hold)


_CONVERTER = None


def to_simplified(texts: list[str], force: bool = False) -> tuple[list[str], float]:
    """Traditional characters read as simplified, when the text is written in them; -> (texts, share changed).

    Why convert at all: the statistics tables' labels (本年新收政府資訊公開申請數量 …) and every question are
    simplified; a Big5 report read as printed gives no facts. Why only when >= 3% of its Chinese characters
    change: simplified text has a few characters opencc maps anyway (乾/干 …), which must stay as printed.
    Conversion is per line and kept only where it keeps the line's length (t2s is almost always one for
    one), so a citation's column offsets still point at the same characters of the source.
    """
    cc = _t2s()
    if cc is None:
        return texts, 0.0
    joined = "".join(texts[:4000])
    cjk = [c for c in joined if "\u4e00" <= c <= "\u9fff"]
    if not cjk and not force:
        return texts, 0.0
    sample = "".join(cjk[:20000])
    conv = cc.convert(sample)
    changed = (sum(a != b for a, b in zip(sample, conv)) / len(sample) if len(conv) == len(sample) else 1.0) \
        if sample else 0.0
    if changed < 0.03 and not force:
        return texts, changed
    out = []
    for t in texts:
        if not t:
            out.append(t)
            continue
        c = cc.convert(t)
        for a, b in _WORDS.items():
            c = c.replace(a, b)
        out.append(c if len(c) == len(t) else t)
    return out, changed


# ---------------------------------------------------------------- what a file expands to
# A report's Word XML is well under 5 MB (the samples: 0.1–0.6 MB); a .docx holding far more is a zip bomb or
# not a report, and python-docx would hold all of it, parsed, in memory (1 GB of XML took over 6 GB). The
# limits are checked on the zip's directory before a byte is inflated. zipfile stops inflating at an entry's
# declared size (and fails its CRC), so a directory that lies about sizes cannot get past them either.
MAX_ZIP_TOTAL_MB = 200       # all entries inflated (images included)
MAX_XML_MB = 20              # word/document.xml and any other XML part
MAX_ZIP_RATIO = 200          # inflated / compressed, for entries over 1 MB inflated
MAX_ZIP_ENTRIES = 5000
MAX_LINES = 200_000          # lines of one text file (the longest sample has under 400)


def check_zip(path, name: str) -> None:
    """Raise IngestError (Chinese message naming the limit) when a .docx would expand past the limits."""
    import zipfile

    from index.errors import IngestError

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # the loader says it is corrupt, with its own message
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IngestError(name, f"DOCX 压缩包内有 {len(infos)} 个文件，超过上限 {MAX_ZIP_ENTRIES}：不像是年度报告，"
                                f"可能是压缩炸弹，未读取 (too many zip entries)")
    total = 0
    for i in infos:
        total += i.file_size
        mb = i.file_size / 1048576
        if i.filename.lower().endswith((".xml", ".rels")) and mb > MAX_XML_MB:
            raise IngestError(name, f"DOCX 中的 {i.filename} 解压后 {mb:.0f} MB，超过上限 {MAX_XML_MB} MB：年度报告正文通常"
                                    f"不足 5 MB，可能是压缩炸弹或嵌入了异常内容，未读取；请用 Word 另存后再导入 "
                                    f"(XML part too large when inflated)")
        if i.file_size > 1048576 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise IngestError(name, f"DOCX 中的 {i.filename} 压缩比异常（{i.file_size / max(i.compress_size, 1):.0f} 倍，"
                                    f"上限 {MAX_ZIP_RATIO} 倍）：可能是压缩炸弹，未读取 (suspicious compression ratio)")
    if total > MAX_ZIP_TOTAL_MB * 1048576:
        raise IngestError(name, f"DOCX 解压后共 {total / 1048576:.0f} MB，超过上限 {MAX_ZIP_TOTAL_MB} MB：可能是压缩炸弹，"
                                f"未读取 (inflates past the limit)")


def check_lines(data: bytes, name: str) -> None:
    """Raise IngestError when a text file has more lines than any report (checked on the bytes, before
    a Line object is made: 30 MB of newlines would be 30 million of them)."""
    from index.errors import IngestError

    n = max(data.count(b"\n"), data.count(b"\r"), data.count(b"\n\x00"), data.count(b"\x00\n"))
    if n > MAX_LINES:
        raise IngestError(name, f"文件有 {n} 行，超过上限 {MAX_LINES} 行：年度报告通常不足 1000 行，请确认是否选错了文件 "
                                f"(too many lines)")
