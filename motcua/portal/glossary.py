"""Mark known abbreviations in a text as <abbr title="..."> elements.

The text is escaped first, piece by piece, and only the abbreviations are wrapped, so the result is
safe HTML whatever the text held. Matching is on whole words (a term never matches inside a longer
word), longest term first (so "VP UBND" wins over "UBND"), in one pass (so nothing is wrapped twice).
Text that is already safe HTML (say, the filter applied twice) is handled tag-aware: tags and
existing <abbr> elements are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from motcua.core.text import nfc
from motcua.portal.selectors import Term

# Tags of already-safe HTML, and whole <abbr> elements, which must not be touched again.
_MARKUP = re.compile(r"(<abbr\b[^>]*>.*?</abbr>|<[^>]*>)", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=8)
def _compile(terms: tuple[Term, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    if not terms:
        return None, {}
    titles = {nfc(t.abbreviation): t.title for t in terms}
    # In escaped (safe) text, an abbreviation holding &, <, > or quotes appears escaped.
    titles.update({escape(a): title for a, title in list(titles.items())})
    alternatives = sorted(titles, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), titles


def _wrap(match: re.Match[str], titles: dict[str, str]) -> str:
    found = match.group(0)
    key = re.sub(r"\s+", " ", found)
    return f'<abbr title="{escape(titles.get(key, ""))}">{found}</abbr>'


def mark_abbreviations(value: object, terms: Sequence[Term]) -> SafeString:
    """Return `value` as safe HTML with each known abbreviation wrapped in <abbr title="...">."""
    pattern, titles = _compile(tuple(terms))
    if isinstance(value, SafeData):
        if pattern is None:
            return mark_safe(value)  # noqa: S308 - already safe
        parts = _MARKUP.split(str(value))
        # Odd indices are markup (captured by the split); even ones are escaped text.
        out = [
            part if i % 2 else pattern.sub(lambda m: _wrap(m, titles), part) for i, part in enumerate(parts)
        ]
        return mark_safe("".join(out))  # noqa: S308 - text parts were escaped already
    text = nfc(str(value))
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(_wrap(match, titles))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped or built from escaped parts
