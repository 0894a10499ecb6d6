"""What comes into the write side before parsing: which files a folder holds, the key a file gets in the
library, the limits on what a file may expand to, and traditional characters read as simplified.

Keys: reports are told apart by content, never by base name. A file keeps its base name as its key while no
other report holds that name; a different file under a taken name gets the name plus the first 8 hex digits of
its sha256 (`年度报告~1a2b3c4d.txt`), so downloaded reports that all call themselves 年度报告.txt never
replace each other.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Optional

from index.records import Warning

SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
UNCHANGED = "未变化，已跳过"  # FileResult.reason of a file whose content and parser versions are unchanged


@dataclass
class FileResult:
    file: str
    status: Literal["ok", "skipped", "warning", "error"]
    reason: str = ""
    n_chunks: int = 0
    n_facts: int = 0
    warnings: list[dict] = field(default_factory=list)
    path: str = ""
    seconds: float = 0.0
    name: str = ""  # the file's own base name; `file` is its key in the library (they differ on a name clash)
    sha256: str = ""

    def to_dict(self) -> dict:
        return {"file": self.file, "name": self.name or self.file, "status": self.status, "reason": self.reason,
                "n_chunks": self.n_chunks, "n_facts": self.n_facts, "warnings": self.warnings, "path": self.path,
                "seconds": round(self.seconds, 3)}


def precheck(path: Path) -> None:
    """Limits on what the file expands to, on its bytes, before any loader builds objects from it."""
    from index.loaders import MAX_FILE_MB
    from index.loaders.normalize import check_lines, check_zip, sniff

    try:
        if path.stat().st_size > MAX_FILE_MB * 1048576:
            return  # the loader refuses it by size, without reading a byte
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return  # the loader reports a missing or unreadable file in its own words
    kind = sniff(head)
    if kind == "zip":
        check_zip(path, path.name)
    elif kind is None:
        check_lines(path.read_bytes(), path.name)


def simplify(doc) -> None:
    """Traditional characters (a Big5 or traditional UTF-8 report) read as simplified, with a warning."""
    from index.loaders.normalize import to_simplified

    texts, share = to_simplified([ln.text for ln in doc.lines])
    if share < 0.03:
        return
    for ln, t in zip(doc.lines, texts):
        ln.text = t
        if ln.cells:
            ln.cells = to_simplified(ln.cells, force=True)[0]
    doc.warnings.append(Warning("traditional", f"{doc.file}: 繁体字报告，已按简体读取（{share:.0%} 的汉字有转换），"
                                               "引文为转换后的文字 (traditional characters read as simplified)",
                                doc.file))


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files given, plus report files found under folders given (sorted). A file whose name starts with a dot
    is read like any other (".年度报告.txt" is a report); hidden folders (.git, .Trash) and macOS' "._x"
    resource forks are left out, each said in `left_out`."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in SUFFIXES
                       and _left_out_reason(f, p) is None)
        else:
            out.append(p)
    return out


def left_out(paths: Iterable[Path | str]) -> list[tuple[Path, str]]:
    """(file, why) for report-looking files under the folders given that `expand` leaves out."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend((f, why) for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in SUFFIXES
                       for why in [_left_out_reason(f, p)] if why)
    return out


def _left_out_reason(f: Path, root: Path) -> Optional[str]:
    parts = f.relative_to(root).parts
    hidden = [d for d in parts[:-1] if d.startswith(".")]
    if hidden:
        return f"位于隐藏文件夹 {hidden[0]} 中，未导入；如需导入请单独指定该文件"
    if f.name.startswith("._"):
        return "macOS 生成的附属文件（._ 开头，不是报告本身），未导入"
    return None


def key_for(name: str, sha: str, taken) -> str:
    """The library key of a file named `name` with content `sha`: the name itself when free, else the name
    with the content's first 8 hex digits (`年度报告~1a2b3c4d.txt`), cut to stay within 255 bytes."""
    if not taken(name):
        return name
    p = Path(name)
    tail = f"~{sha[:8]}{p.suffix}"
    stem = p.stem if p.suffix else name
    while len((stem + tail).encode("utf-8")) > 255:
        stem = stem[:-1]
    return stem + tail


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def arrival_notes(key: str, name: str, meta, editions) -> list[str]:
    """What a newly stored file's result line says beyond its warnings: a name clash, and that it is an
    edition of a report already held (with the edition counts use)."""
    notes = []
    if key != name:
        notes.append(f"库中已有同名文件 {name}（内容不同），本文件另存为 {key}，原有文件保留")
    if len(editions) > 1:
        cur = editions[0]
        others = "、".join(e["file"] for e in editions if e["file"] != key)
        notes.append(f"{meta.agency}{meta.year}年报告已有 {len(editions) - 1} 个其他版本（{others}），本文件作为其另一"
                     f"版本保存；统计使用的当前版本：{cur['file']}（{why_current(cur, editions)}）")
    return notes


def why_current(cur, editions) -> str:
    if cur["pinned"]:
        return "工作人员指定"
    if any(e["audit_status"] != cur["audit_status"] for e in editions) and cur["audit_status"] == "pass":
        return "表内数据平衡"
    return "最新导入"
