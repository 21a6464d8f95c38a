"""Template helpers of the public pages: the glossary filter and the reader's font size."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from motcua.portal.glossary import mark_abbreviations
from motcua.portal.selectors import glossary_terms
from motcua.portal.views import FONT_SIZE_COOKIE, FONT_SIZES

register = template.Library()


@register.filter(is_safe=True)
def glossary(value: object) -> SafeString:
    """Escape `value` and explain the known abbreviations in it: `{{ version.name|glossary }}`."""
    if value is None or value == "":
        return SafeString("")
    return mark_abbreviations(value, glossary_terms())


@register.simple_tag(takes_context=True)
def font_size(context: template.Context) -> str:
    """The reader's chosen text size (small, normal, large), from the cookie the A−/A/A+ buttons set."""
    request = context.get("request")
    size = request.COOKIES.get(FONT_SIZE_COOKIE, "normal") if request is not None else "normal"
    return size if size in FONT_SIZES else "normal"
