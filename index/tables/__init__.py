"""The standard-table parser: `parse_tables(doc) -> TableResult`.

Modules: labels (canonical vocabulary, fuzzy label matching), numbers (cell values, units, run-together
digits), grid (lines → cells, table regions), rows (labels ↔ value cells), solve (readings confirmed by
the balance rules), parse (facts).
"""
from index.tables.parse import detect_template, parse_tables

__all__ = ["parse_tables", "detect_template"]
