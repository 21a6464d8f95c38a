"""The back-office search key of a dossier (issue 9 item 7).

One folded column holds what staff type to find a dossier: its code, the applicant's and the authorised
person's names without diacritics, the personal identifier and the phone's digits. A search matches when
every typed word is inside it: "nguyen van an", "0912 345 678", "0001" and "014090000001" all find the
dossier. It is written once, when the dossier is created (these fields never change afterwards).
"""

from __future__ import annotations

import re

from motcua.core.text import fold, search_terms

_NOT_DIGITS = re.compile(r"\D")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def search_key(
    *, code: str, name: str, identifier: str = "", phone: str = "", authorised_person: str = ""
) -> str:
    """The folded search text of a dossier."""
    digits = _NOT_DIGITS.sub("", phone or "")
    parts = [
        fold(code),
        fold(name),
        fold(authorised_person or ""),
        (identifier or "").strip().lower(),
        digits,
    ]
    return " ".join(p for p in parts if p)[:500]


def query_terms(query: str) -> list[str]:
    """The words of a staff search, folded. A phone number typed with spaces or dots ("0912 345 678",
    "0912.345.678") is one term of digits, as it is stored."""
    compact = _PHONE_SEPARATORS.sub("", query or "")
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    if len(compact) >= 4 and compact.isdigit():
        return [compact]
    return search_terms(query or "")
