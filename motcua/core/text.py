"""Vietnamese text: NFC storage and diacritic folding for search.

Folding turns any spelling of a Vietnamese phrase, NFC or NFD, upper or lower case, with or
without diacritics, into one ASCII key: "ĐĂNG KÝ KẾT HÔN" -> "dang ky ket hon". Stored beside
the text (a `search_text` column) it lets a plain indexed LIKE/trigram search work on both
SQLite and PostgreSQL without database extensions for accents.
"""

from __future__ import annotations

import re
import unicodedata

# đ/Đ are letters of their own in Unicode, not d + a combining mark: NFD does not split them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the form motcua stores."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return the search key of `text`: lower case, no diacritics, đ -> d, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str) -> list[str]:
    """Split a user's query into folded words, each of which a match must contain."""
    return [term for term in fold(query).split(" ") if term]
