"""Form 07, the tracking register (sổ theo dõi hồ sơ): one volume per agency, field and year.

The rows are dossiers the agency received or decides, numbered by receipt moment within the field
and year (the same number Form 01 prints), read from the dossier rows the workflow keeps. The
page, the PDF and the xlsx export share `register_rows`, so they always hold the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.catalog.models import Field
from motcua.core.cells import xlsx_protect_row
from motcua.core.text import sorted_vietnamese
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.documents import RETURN_METHOD_VI, STATUS_VI, moment, register_scope
from motcua.dossiers.models import Dossier
from motcua.dossiers.timeliness import timeliness
from motcua.org.models import Agency

# At most this many rows a request: a register page is a month or a quarter, not a decade.
MAX_ROWS = 5000

COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Hình thức trả kết quả",
    "Ghi chú",
)


@dataclass(frozen=True)
class RegisterRow:
    sequence: int
    code: str
    procedure: str
    applicant: str
    contact: str
    lead_agency: str
    received_at: str
    appointment_at: str
    returned_at: str
    delivery: str
    note: str

    def cells(self) -> tuple:
        return (
            self.sequence,
            self.code,
            self.procedure,
            self.applicant,
            self.contact,
            self.lead_agency,
            self.received_at,
            self.appointment_at,
            self.returned_at,
            self.delivery,
            self.note,
        )


@dataclass
class RegisterVolume:
    """The rows of one field and year."""

    field_name: str
    year: int
    rows: list[RegisterRow] = field(default_factory=list)
    offset: int = 0  # dossiers of this volume received before the window


@dataclass
class Register:
    agency: Agency
    date_from: dt.date
    date_to: dt.date
    volumes: list[RegisterVolume] = field(default_factory=list)
    truncated: bool = False

    @property
    def rows(self) -> list[RegisterRow]:
        return [row for volume in self.volumes for row in volume.rows]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _note(d: Dossier) -> str:
    parts = []
    if d.status == DossierStatus.RETURNED:
        status = timeliness(d.returned_at, d.due_at)
        if status:
            parts.append(status.legal_label)
    else:
        parts.append(STATUS_VI.get(d.status, d.status))
    if d.apology_issued:
        parts.append("Đã xin lỗi, hẹn lại (Mẫu 04)")
    return "; ".join(parts)


def register_rows(
    dossiers: QuerySet[Dossier],
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    field_id: int | None = None,
) -> Register:
    """The register of `agency` for dossiers received from `date_from` to `date_to` (inclusive),
    one volume per field and year, from `dossiers` (already limited to what the caller may see)."""
    start, end = _day_start(date_from), _day_start(date_to + dt.timedelta(days=1))
    qs = (
        dossiers.filter(register_scope(agency.pk), received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version__procedure", "procedure_version__field", "competent_agency")
        .order_by("procedure_version__field__name", "received_at", "pk")
    )
    if field_id:
        qs = qs.filter(procedure_version__field_id=field_id)
    rows = list(qs[: MAX_ROWS + 1])
    register = Register(agency=agency, date_from=date_from, date_to=date_to, truncated=len(rows) > MAX_ROWS)
    volumes: dict[tuple[int, int], RegisterVolume] = {}
    for d in rows[:MAX_ROWS]:
        year = timezone.localtime(d.received_at).year
        key = (d.procedure_version.field_id, year)
        volume = volumes.get(key)
        if volume is None:
            volume = volumes[key] = RegisterVolume(field_name=d.procedure_version.field.name, year=year)
            # Numbering continues from the dossiers of the same volume received before the window.
            volume.offset = (
                Dossier.objects.filter(
                    register_scope(agency.pk),
                    procedure_version__field_id=d.procedure_version.field_id,
                    received_at__gte=_day_start(dt.date(year, 1, 1)),
                    received_at__lt=start,
                ).count()
                if start > _day_start(dt.date(year, 1, 1))
                else 0
            )
            register.volumes.append(volume)
        volume.rows.append(
            RegisterRow(
                sequence=d.register_sequence or volume.offset + len(volume.rows) + 1,
                code=d.code,
                procedure=f"{d.procedure_version.name} ({d.procedure_version.procedure.code})",
                applicant=d.applicant_name,
                contact="; ".join(p for p in (d.applicant_address, d.applicant_phone) if p),
                lead_agency=d.competent_agency.name,
                received_at=moment(d.received_at),
                appointment_at=moment(d.appointment_at),
                returned_at=moment(d.returned_at),
                delivery=RETURN_METHOD_VI.get(d.return_method, ""),
                note=_note(d),
            )
        )
    return register


def register_fields(dossiers: QuerySet[Dossier], *, agency: Agency) -> list[Field]:
    """The fields of the dossiers in the agency's register (for the field picker), in Vietnamese order."""
    ids = dossiers.filter(register_scope(agency.pk), received_at__isnull=False).values(
        "procedure_version__field_id"
    )
    return sorted_vietnamese(Field.objects.filter(pk__in=ids))


def register_xlsx(register: Register) -> bytes:
    """The register as an xlsx workbook: one sheet per volume (field and year), the Form 07 columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for volume in register.volumes or [
        RegisterVolume(field_name="Sổ theo dõi hồ sơ", year=register.date_to.year)
    ]:
        title = f"{volume.field_name[:24]} {volume.year}"
        for bad in "[]:*?/\\":
            title = title.replace(bad, " ")
        sheet = workbook.create_sheet(title=_unique_title(workbook, title[:31]))
        sheet.append([f"SỔ THEO DÕI HỒ SƠ — {register.agency.name}"])
        sheet.append([f"Lĩnh vực: {volume.field_name} — Năm {volume.year}"])
        sheet.append([f"Từ ngày {register.date_from:%d/%m/%Y} đến ngày {register.date_to:%d/%m/%Y}"])
        sheet.append(list(COLUMNS))
        header_row = sheet.max_row
        for row in volume.rows:
            sheet.append(list(row.cells()))
            xlsx_protect_row(sheet[sheet.max_row])
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row):
            for cell in row:
                cell.border = border
                if cell.row > header_row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, width in enumerate((6, 28, 40, 24, 30, 26, 17, 17, 17, 22, 22), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unique_title(workbook: Workbook, title: str) -> str:
    candidate, n = title, 2
    while candidate in workbook.sheetnames:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    return candidate
