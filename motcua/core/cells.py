"""Spreadsheet cells that stay text: no formula injection in any xlsx or CSV export (issue 10, item 4).

A cell whose text begins with = + - @, a tab or a carriage return is taken for a formula by Excel,
LibreOffice and Google Sheets when the file is opened (OWASP "CSV injection"): an applicant named
`=HYPERLINK("http://…","Bấm vào đây")` would put a live link, or worse, into an officer's register.

- CSV: such a text is written with a leading apostrophe, which spreadsheets show as text and hide; the
  catalog import drops that apostrophe again (`unescape`), so exporting and re-importing changes nothing.
- xlsx: every text cell is stored as a string (openpyxl would otherwise store "=…" as a formula) and the
  risky ones carry the "quote prefix" style, so the cell stays text even after someone edits it.

Not defusedcsv: it covers only CSV, and the import needs the inverse; the rule itself is these few lines.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> object:
    """`value` as a CSV cell that no spreadsheet evaluates."""
    return "'" + value if is_risky(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def unescape(text: str) -> str:
    """The text `csv_cell` escaped, as it was (a CSV export read back)."""
    if text.startswith("'") and is_risky(text[1:]):
        return text[1:]
    return text


def xlsx_protect_row(cells: Iterable) -> None:
    """Make the openpyxl cells of a row just appended hold their text as text."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_risky(cell.value):
                cell.quotePrefix = True
