"""The form 06 report as an Excel workbook (openpyxl) and a PDF (WeasyPrint), holding the page's figures."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.cells import xlsx_protect_row
from motcua.stats.figures import COLUMN_LABELS, COLUMN_ORDER, Report
from motcua.stats.service_index import GROUPS, ServiceIndex


def dimension_label(report: Report) -> str:
    names = {
        "agency": _("Agency"),
        "field": _("Field"),
        "procedure": _("Procedure"),
        "level": _("Level"),
        None: _("Scope"),
    }
    return names[report.dimension]


def report_xlsx(report: Report) -> bytes:
    """One sheet: a title, the header row (form 06 columns), one row per group, the total row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Form 06"
    ws.append([_("Report form 06/VPCP/KSTT: dossiers received and resolved")])
    ws["A1"].font = Font(bold=True)
    ws.append(
        [
            _("Period: %(start)s to %(end)s (end excluded)")
            % {"start": report.date_from, "end": report.date_to}
        ]
    )
    header = [_("Code"), dimension_label(report)]
    if report.by_month:
        header.append(_("Month"))
    header += [str(COLUMN_LABELS[c]) for c in COLUMN_ORDER] + [_("On-time rate (%)")]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in report.rows:
        values = [row.code, row.name]
        if report.by_month:
            values.append(row.month.strftime("%m/%Y"))
        rate = row.on_time_rate
        values += [row.figures[c] for c in COLUMN_ORDER] + [
            round(rate * 100, 2) if rate is not None else None
        ]
        ws.append(values)
        xlsx_protect_row(ws[ws.max_row])
    total = ["", _("Total")] + ([""] if report.by_month else [])
    rate = report.on_time_rate
    total += [report.total[c] for c in COLUMN_ORDER] + [round(rate * 100, 2) if rate is not None else None]
    ws.append(total)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_print_html(report: Report, *, request=None) -> str:
    """The printable form 06: the official header (issuing body, national motto, place and date), the
    table with its header repeated on each page and no row split across pages, and the signature block."""
    from django.utils import timezone

    from motcua.org.choices import AgencyKind
    from motcua.org.models import Agency

    office = Agency.objects.filter(kind=AgencyKind.COMMITTEE_OFFICE, is_active=True).select_related("unit")
    office = office.order_by("unit__level__rank", "pk").first()
    return render_to_string(
        "stats/report_print.html",
        {
            "report": report,
            "columns": [(c, COLUMN_LABELS[c]) for c in COLUMN_ORDER],
            "dimension": dimension_label(report),
            "office": office,
            "today": timezone.localdate(),
        },
        request=request,
    )


def report_pdf(report: Report, *, request=None) -> bytes:
    from motcua.dossiers.pdf import html_to_pdf

    return html_to_pdf(report_print_html(report, request=request))


def service_index_xlsx(index: ServiceIndex) -> bytes:
    """One sheet: the period, one row per indicator (group, code, name, formula, counts, rate, points), the total."""
    wb = Workbook()
    ws = wb.active
    ws.title = "QD 766"
    ws.append([_("Service index (Decision 766/QĐ-TTg)")])
    ws["A1"].font = Font(bold=True)
    ws.append(
        [_("Period: %(start)s to %(end)s (end excluded)") % {"start": index.date_from, "end": index.date_to}]
    )
    ws.append(
        [
            _("Group"),
            _("Code"),
            _("Indicator"),
            _("Formula"),
            _("Numerator"),
            _("Denominator"),
            _("Rate (%)"),
            _("Score"),
            _("Maximum"),
            _("Note"),
        ]
    )
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i in index.indicators:
        rate = i.rate
        ws.append(
            [
                str(GROUPS[i.group][0]),
                i.code,
                i.name,
                i.formula,
                i.numerator if i.computed else None,
                i.denominator if i.computed else None,
                round(rate * 100, 2) if rate is not None else None,
                i.score,
                i.points,
                i.note,
            ]
        )
        xlsx_protect_row(ws[ws.max_row])
    ws.append(["", "", _("Total"), "", None, None, None, index.score, index.points_computable, ""])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["C"].width = 45
    ws.column_dimensions["D"].width = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
