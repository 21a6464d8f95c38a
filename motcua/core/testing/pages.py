"""Helpers for tests that read pages."""

from __future__ import annotations

import re

from django.http import HttpResponse

# Every page in the site's layout carries a freshly masked CSRF token, and its forms (language, font size) send
# the reader back to the address they asked for: neither says anything about what was asked for.
_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')


def refusal_text(response: HttpResponse, code: str) -> bytes:
    """A refusal page as it would read for any code: the masked CSRF token and the asked-for code blanked, so
    that a refusal for an existing dossier can be compared byte for byte with the one for a missing code."""
    return _CSRF_VALUE.sub(rb'\1"', response.content).replace(code.encode(), b"<code>")
