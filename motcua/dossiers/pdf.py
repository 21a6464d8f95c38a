"""Printable documents: the QR code (segno) and HTML → PDF (WeasyPrint).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and a serif font with Vietnamese
glyphs (fonts-liberation's Liberation Serif, metric-compatible with Times New Roman, or
fonts-dejavu's DejaVu Serif); the print stylesheet names them in that order.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def qr_svg(payload: str) -> SafeString:
    """The QR code of `payload` as an inline SVG element sized by CSS (its viewBox only).

    Error correction M survives a smudged or folded paper; segno encodes non-Latin-1 text as UTF-8
    and marks it with an ECI header so readers need not guess the charset."""
    code = segno.make(payload, error="m", micro=False, eci=True)
    return mark_safe(code.svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", border=2))


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document (with its inline print stylesheet) to PDF bytes."""
    from weasyprint import HTML  # imported lazily: Pango loads only when a PDF is asked for

    return HTML(string=html, base_url=base_url).write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a document template for print and convert it to PDF."""
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    return html_to_pdf(html, base_url=request.build_absolute_uri("/") if request is not None else None)
