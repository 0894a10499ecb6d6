"""Plain text and Markdown: one Line per line of the file, numbered as in the file (1-based).

Blank lines are kept as empty Lines so that Document.lines[i] is always file line i+1: a citation's line number
is then the line an editor shows.
"""
from __future__ import annotations

from pathlib import Path

from index.errors import IngestError
from index.records import Line, Warning

from .normalize import clean_line, decode_text, split_lines


def load_text(path: Path, data: bytes) -> tuple[list[Line], str, list[Warning]]:
    """-> (lines, encoding, warnings)."""
    try:
        text, encoding = decode_text(data)
    except UnicodeError as e:
        raise IngestError(
            path.name,
            f"无法识别文本编码，请另存为 UTF-8 后重新导入 (cannot decode the text: {e}; save it as UTF-8)",
        ) from None
    warnings = []
    if encoding == "big5":
        warnings.append(Warning("encoding", f"{path.name}: 按 Big5（繁体）编码读入，请核对文字是否正确 "
                                            "(decoded as Big5 traditional Chinese: check the text)", path.name))
    lines = [Line(text=clean_line(t), line=i + 1) for i, t in enumerate(split_lines(text))]
    if not any(ln.text.strip() for ln in lines):
        raise IngestError(path.name, "文件没有文字内容 (the file holds only whitespace): 请检查文件是否导出完整")
    return lines, encoding, warnings
