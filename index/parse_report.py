"""One report parsed, nothing embedded or stored: load → metadata (with staff corrections) → tables (the
balance rules run inside) → the prose-against-table check → sections → chunks. The pipeline stores what this
returns; the `facts` command prints it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from index.intake import precheck, simplify
from index.records import Check, Evidence, ParsedReport, Warning

USER_FIELDS = ("agency", "year", "region", "level")


def parse_report(path: Path | str, overrides: Optional[dict] = None, file: Optional[str] = None) -> ParsedReport:
    """Load and parse one report. `overrides` are user corrections of agency/year/region/level; `file` is its
    key in the library when that is not the file's base name."""
    from index import audit
    from index.chunking import make_chunks, split_sections
    from index.loaders import load
    from index.metadata import infer_metadata
    from index.tables import parse_tables

    path = Path(path)
    precheck(path)
    doc = load(path)
    if file:
        doc.file = file
    simplify(doc)
    meta = infer_metadata(doc)
    for k, v in (overrides or {}).items():
        if k in USER_FIELDS and v is not None:
            setattr(meta, k, v)
            meta.evidence[k] = Evidence(value=v, source="user", text=f"corrected by a user: {k} = {v}")
            meta.warnings = [w for w in meta.warnings if k not in (w.code or "") and k not in w.message]
    tables = parse_tables(doc)
    if any(ln.ocr for ln in doc.lines):  # scanned pages: cells OCR read below its confidence bar are uncertain
        from index.loaders.ocr import settle_uncertain
        tables = settle_uncertain(doc, tables)
    # the balance rules ran once, inside parse_tables (and again in settle_uncertain only when OCR changed a
    # cell); the prose-against-table check needs the document, so it runs here
    checks: list[Check] = list(tables.checks) + list(audit.text_conflicts(doc, tables.facts))
    sections = split_sections(doc)
    chunks = make_chunks(doc, meta, sections, tables.facts)
    warnings: list[Warning] = []
    wseen = set()
    for w in list(doc.warnings) + list(meta.warnings) + list(tables.warnings) + \
            [Warning(c.rule, c.message) for c in checks if c.status == "fail"]:
        if (w.code, w.message) not in wseen:
            wseen.add((w.code, w.message))
            warnings.append(w)
    return ParsedReport(doc=doc, meta=meta, tables=tables, sections=sections, chunks=chunks, checks=checks,
                        warnings=warnings)


# ---------------------------------------------------------------- the writer
