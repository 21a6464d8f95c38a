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


# Vietnamese alphabetical order (ă, â, đ, ê, ô, ơ, ư are letters of their own, after their base letter),
# with f, j, w, z where the Latin alphabet has them; tones are a second level: none, huyền, hỏi, ngã, sắc,
# nặng, as Vietnamese dictionaries order "a à ả ã á ạ".
_VI_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_VI_LETTER_RANK = {letter: rank for rank, letter in enumerate(_VI_LETTERS, start=1)}
_VI_VOWEL_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_VI_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_sort_key(text: str) -> tuple:
    """A key that sorts Vietnamese as its alphabet does: "Đất đai" after "Dược" and before "Giáo dục"
    (a plain sort puts Đ after X, since U+0110 follows every ASCII letter), "Ăn" after "An" and before "Bán".
    Letters first, then tones, then case; anything that is not a letter keeps its code point order
    before the letters (spaces and digits first, so "Hộ tịch" sorts before "Hội")."""
    primary, tones, cases = [], [], []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        lower = base.lower()
        tone = 0
        letter = lower
        for mark in marks:
            if mark in _VI_TONE_RANK:
                tone = _VI_TONE_RANK[mark]
            else:
                letter = unicodedata.normalize("NFC", letter + mark)
        if char in "đĐ":
            letter = "đ"
        rank = _VI_LETTER_RANK.get(letter)
        primary.append(rank + 0x110000 if rank is not None else ord(letter))
        tones.append(tone)
        cases.append(0 if base == lower else 1)
    return (tuple(primary), tuple(tones), tuple(cases))


def sorted_vietnamese(items, *, key=lambda item: item.name) -> list:
    """`items` sorted by `key(item)` in Vietnamese alphabetical order (vietnamese_sort_key)."""
    return sorted(items, key=lambda item: vietnamese_sort_key(key(item)))


# After a consonant, a syllable's final i and y are two spellings of one sound that people mix freely:
# "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ", "sĩ"/"sỹ", "tỉ"/"tỷ", "hi"/"hy" (folded: "ki"/"ky" ...).
_I_Y_FINAL = re.compile(r"^([bcdghklmnpqrstvx]|ch|gh|kh|nh|ph|th|tr)([iy])$")


def spelling_variants(term: str) -> list[str]:
    """The folded `term` and its other i/y spelling, if it has one: "ki" -> ["ki", "ky"]."""
    match = _I_Y_FINAL.match(term)
    if not match:
        return [term]
    other = "y" if match.group(2) == "i" else "i"
    return [term, match.group(1) + other]
