"""The procedure catalog as a spreadsheet: import from and export to .xlsx or .csv.

One row per procedure, the same columns in both formats; the format is documented column by
column in docs/catalog-import.md. An import is all or nothing: every row is validated, every
problem is collected as a `RowError` naming the spreadsheet line and column, and only a file
without a single error is stored, in one transaction, through `procedure_version_save`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import IO

import openpyxl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.catalog import selectors, validation
from motcua.catalog.choices import DocumentForm, OnlineService, SupplementPolicy, TimeLimitUnit
from motcua.catalog.models import PROCEDURE_CODE_RE, ProcedureVersion
from motcua.catalog.services import DocumentData, FeeData, ProcedureData, StepData, procedure_version_save
from motcua.core.cells import csv_row, unescape, xlsx_protect_row
from motcua.core.errors import InvalidInput
from motcua.core.text import fold, nfc
from motcua.org.choices import STAFF_ROLES, Role
from motcua.org.models import Agency, UnitLevel

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
MAX_ROWS = 5000
# An .xlsx is a zip archive: refuse archives that would inflate far beyond the upload limit.
MAX_XLSX_INFLATION = 20
PART_SEPARATOR = "|"
# Text cells may hold line breaks and tabs, no other control characters (they break .xlsx files).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:[., ]\d{3})+)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Column:
    """A column of the format: its key (the English header) and the Vietnamese headers accepted for it."""

    key: str
    required: bool = False
    labels: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", True, ("Mã TTHC", "Mã thủ tục")),
    Column("name", True, ("Tên thủ tục", "Tên TTHC")),
    Column("field", True, ("Lĩnh vực",)),
    Column("levels", True, ("Cấp thực hiện",)),
    Column("competent_agency", False, ("Cơ quan có thẩm quyền", "Mã cơ quan có thẩm quyền")),
    Column("time_limit", True, ("Thời hạn giải quyết", "Thời hạn")),
    Column("time_limit_unit", False, ("Đơn vị thời hạn",)),
    Column("time_limit_text", False, ("Thời hạn theo công bố", "Ghi chú thời hạn")),
    Column("valid_from", False, ("Ngày hiệu lực", "Ngày có hiệu lực")),
    Column("applicants", False, ("Đối tượng thực hiện",)),
    Column("requirements", False, ("Yêu cầu, điều kiện", "Yêu cầu điều kiện")),
    Column("result", False, ("Kết quả thực hiện", "Kết quả")),
    Column("legal_basis", False, ("Căn cứ pháp lý",)),
    Column("online_service", False, ("Dịch vụ công trực tuyến", "DVC trực tuyến")),
    Column("desk", False, ("Nộp trực tiếp",)),
    Column("post", False, ("Nộp qua bưu chính", "Qua bưu chính")),
    Column("boundary_free", False, ("Không phụ thuộc địa giới hành chính", "Phi địa giới")),
    Column("supplement_policy", False, ("Khi bổ sung hồ sơ", "Thời hạn khi bổ sung hồ sơ")),
    Column("documents", False, ("Thành phần hồ sơ",)),
    Column("fees", False, ("Phí, lệ phí", "Phí lệ phí", "Lệ phí")),
    Column("steps", False, ("Quy trình nội bộ",)),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def _header_key(text: str) -> str:
    """The lookup form of a header cell: folded, `_` as space, without a trailing required-marker."""
    return " ".join(fold(text).replace("_", " ").rstrip(" *:").split())


_HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.key, *_column.labels):
        _HEADER_ALIASES[_header_key(_alias)] = _column.key


def _aliases(table: dict[str, Iterable[str]]) -> dict[str, str]:
    """`{value: [spellings]}` -> `{folded spelling: value}`, the value itself included."""
    result = {}
    for value, spellings in table.items():
        for spelling in (value, *spellings):
            result[_header_key(spelling)] = value
    return result


_UNITS = _aliases(
    {
        TimeLimitUnit.WORKING_DAYS: ["days", "day", "ngày", "ngày làm việc"],
        TimeLimitUnit.WORKING_HOURS: ["hours", "hour", "giờ", "giờ làm việc"],
    }
)
_FORMS = _aliases(
    {
        DocumentForm.ORIGINAL: ["bản chính"],
        DocumentForm.CERTIFIED_COPY: ["bản sao chứng thực", "bản sao có chứng thực"],
        DocumentForm.COPY: ["bản sao", "bản chụp"],
        DocumentForm.ORIGINAL_OR_COPY: ["original or copy", "bản chính hoặc bản sao"],
    }
)
_ONLINE = _aliases(
    {
        OnlineService.FULL: ["toàn trình", "trực tuyến toàn trình"],
        OnlineService.PARTIAL: ["một phần", "trực tuyến một phần"],
        OnlineService.NONE: ["không", "no"],
    }
)
_SUPPLEMENT = _aliases(
    {
        SupplementPolicy.PAUSE: ["tạm dừng"],
        SupplementPolicy.RESTART: ["tính lại", "tính lại từ đầu"],
    }
)
_ROLES = _aliases(
    {
        Role.RECEIVING_OFFICER: ["cán bộ tiếp nhận", "một cửa", "bộ phận một cửa"],
        Role.SPECIALIST: ["chuyên viên"],
        Role.LEADER: ["lãnh đạo"],
        Role.OFFICE_REVIEWER: ["văn phòng"],
        Role.CHAIRMAN: ["chủ tịch"],
        Role.ADMINISTRATOR: ["quản trị"],
        Role.CITIZEN: ["công dân"],
    }
)
_BOOLEANS = _aliases({"yes": ["true", "1", "có", "x"], "no": ["false", "0", "không"]})
_OPTIONAL = _aliases({"yes": ["optional", "tùy chọn", "tuỳ chọn", "không bắt buộc"]})


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: the spreadsheet line (the header is line 1), the column and why."""

    line: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.reason}

    def __str__(self) -> str:
        return _("line %(line)d, %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ParsedRow:
    line: int
    data: ProcedureData


@dataclass
class ImportResult:
    """What `parse_procedures` found: the valid rows and every error. Nothing is stored yet."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportSummary:
    """What `import_procedures` stored: new procedures, new versions of known ones, versions replaced."""

    created: int
    added_versions: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.added_versions + self.updated

    def __str__(self) -> str:
        return ngettext(
            "Imported %(total)d procedure: %(created)d created, %(added)d new versions, %(updated)d updated.",
            "Imported %(total)d procedures: %(created)d created, %(added)d new versions, %(updated)d updated.",
            self.total,
        ) % {
            "total": self.total,
            "created": self.created,
            "added": self.added_versions,
            "updated": self.updated,
        }


# --- reading a file --------------------------------------------------------------------------------------------


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput(message, code="import_bad_file")


def _file_kind(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise _bad_file(
            _("%(name)s is not a spreadsheet motcua reads: use an .xlsx or a .csv file.") % {"name": filename}
        )
    return suffix


def _read_upload(file_obj: IO[bytes]) -> bytes:
    limit = settings.MAX_UPLOAD_BYTES
    content = file_obj.read(limit + 1)
    if isinstance(content, str):  # a file opened in text mode
        content = content.encode("utf-8")
    if len(content) > limit:
        raise _bad_file(
            _("The file is larger than %(mb).1f MB; split it into smaller files.")
            % {"mb": limit / 1024 / 1024}
        )
    if not content.strip():
        raise _bad_file(_("The file is empty."))
    return content


def _xlsx_rows(content: bytes) -> Iterator[tuple[object, ...]]:
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        raise _bad_file(_("The file is not a real .xlsx workbook; save it from the spreadsheet as .xlsx."))
    try:
        with zipfile.ZipFile(buffer) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_XLSX_INFLATION * settings.MAX_UPLOAD_BYTES:
            raise _bad_file(_("The workbook is too large once unpacked."))
        workbook = openpyxl.load_workbook(buffer, read_only=True, data_only=True)
        try:
            # read_only parses lazily: errors in the sheet's XML surface while iterating.
            sheet = workbook.worksheets[0]
            # Some tools write a wrong <dimension>; without this read_only mode would cut rows short.
            sheet.reset_dimensions()
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()
    except InvalidInput:
        raise
    except Exception as exc:
        # The workbook comes from outside: whatever openpyxl, zipfile or the XML parser raise on a
        # damaged or disguised file is the user's problem to fix, not a server error.
        logger.info("Unreadable workbook: %r", exc)
        raise _bad_file(
            _("The workbook could not be read; open it in a spreadsheet and save it again as .xlsx.")
        ) from exc


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad_file(_("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max(
        (",", ";", "\t"),
        # Whichever separator turns the header into the most known column names wins; ties go to ",".
        key=lambda d: sum(
            _header_key(cell) in _HEADER_ALIASES for cell in next(csv.reader([first_line], delimiter=d))
        ),
    )
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise _bad_file(_("The CSV file is malformed: %(error)s.") % {"error": exc}) from exc


def _cell_text(value: object, key: str | None = None) -> str:
    """A cell as text, whatever type the spreadsheet gave it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if key == "code":
            # A spreadsheet that took 1.000890 for a number keeps 1.00089: codes have six decimals.
            return f"{value:.6f}"
        return str(int(value)) if value.is_integer() else repr(value)
    text = unescape(str(value))  # a motcua CSV export escapes formula-like cells with an apostrophe
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


# --- validating a row ------------------------------------------------------------------------------------------


@dataclass
class _References:
    """The unit levels and agencies a file may name, each loaded with one query."""

    level_by_name: dict[str, str]
    level_rank: dict[str, int]
    agencies: set[str]
    workday_hours: int

    @classmethod
    def load(cls) -> _References:
        levels = list(UnitLevel.objects.values_list("code", "name", "rank"))
        by_name = {_header_key(name): code for code, name, _rank in levels}
        by_name.update({_header_key(code): code for code, _name, _rank in levels})
        return cls(
            level_by_name=by_name,
            level_rank={code: rank for code, _name, rank in levels},
            agencies=set(Agency.objects.values_list("identifier", flat=True)),
            workday_hours=settings.MOTCUA_WORKDAY_HOURS,
        )


class _Invalid(Exception):
    """A cell failed validation; the message is the reason shown to the user."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _parts(line: str, *, least: int, most: int) -> list[str]:
    parts = [part.strip() for part in line.split(PART_SEPARATOR)]
    if not least <= len(parts) <= most:
        raise _Invalid(
            _("expected %(least)d to %(most)d parts separated by “ | ”, found %(found)d")
            % {"least": least, "most": most, "found": len(parts)}
        )
    return parts + [""] * (most - len(parts))


def _choice(text: str, table: dict[str, str], allowed: Iterable[str]) -> str:
    value = table.get(_header_key(text))
    if value is None:
        raise _Invalid(
            _("“%(value)s” is not one of: %(allowed)s") % {"value": text, "allowed": ", ".join(allowed)}
        )
    return value


def _bool(text: str, default: bool) -> bool:
    if not text:
        return default
    return _choice(text, _BOOLEANS, ["yes", "no"]) == "yes"


def _bounded(text: str, max_length: int) -> str:
    if len(text) > max_length:
        raise _Invalid(
            _("%(length)d characters, at most %(max)d allowed") % {"length": len(text), "max": max_length}
        )
    return text


def _time_limit(text: str) -> Decimal:
    if not _DECIMAL.match(text):
        raise _Invalid(_("“%(value)s” is not a positive number such as 15 or 0.5") % {"value": text})
    value = Decimal(text.replace(",", "."))
    if problem := validation.time_limit_problem(value):
        raise _Invalid(problem)
    return value


def _share(text: str) -> Fraction:
    """A step's share of a day: 0.25, 0,25 or 1/4."""
    compact = text.replace(" ", "")
    if match := _FRACTION.match(compact):
        numerator, denominator = int(match[1]), int(match[2])
        if denominator == 0:
            raise _Invalid(_("“%(value)s” divides by zero") % {"value": text})
        share = Fraction(numerator, denominator)
    elif _DECIMAL.match(compact):
        share = Fraction(Decimal(compact.replace(",", ".")))
    else:
        raise _Invalid(_("“%(value)s” is not a number of days such as 1, 0.25 or 1/4") % {"value": text})
    if problem := validation.step_days_problem(share):
        raise _Invalid(problem)
    return share


def _as_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _amount(text: str) -> Decimal:
    if not _AMOUNT.match(text):
        raise _Invalid(
            _("“%(value)s” is not a whole amount of đồng such as 50000 or 50.000") % {"value": text}
        )
    value = Decimal(re.sub(r"[., ]", "", text))
    if problem := validation.fee_amount_problem(value):
        raise _Invalid(problem)
    return value


def _date(text: str) -> dt.date:
    try:
        if match := _ISO_DATE.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _VN_DATE.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError as exc:
        raise _Invalid(_("“%(value)s” is not a date of the calendar") % {"value": text}) from exc
    raise _Invalid(_("“%(value)s” is not a date written YYYY-MM-DD or DD/MM/YYYY") % {"value": text})


_format_days = validation.format_days


class _RowValidator:
    """Validates one row into a `ProcedureData`, collecting every problem of the row."""

    def __init__(self, *, line: int, cells: dict[str, str], headers: dict[str, str], refs: _References):
        """`headers` maps each key to the header as the file spells it, which errors name."""
        self.line = line
        self.cells = cells
        self.headers = headers
        self.refs = refs
        self.errors: list[RowError] = []

    def error(self, key: str, reason: str) -> None:
        self.errors.append(RowError(self.line, self.headers.get(key, key), reason))

    def cell(self, key: str, convert=None, *, required: bool = False, default=None):
        """The cell `key` converted; on a problem the error is recorded and `default` returned."""
        text = self.cells.get(key, "")
        if not text:
            if required:
                self.error(key, _("this column is required"))
            return default
        if convert is None:
            return text
        try:
            return convert(text)
        except _Invalid as exc:
            self.error(key, str(exc))
            return default

    def items(self, key: str, convert) -> list:
        """Each line of a list cell converted; problems name the item by its position."""
        result = []
        for position, line in enumerate(_lines(self.cells.get(key, "")), start=1):
            try:
                result.append(convert(line))
            except _Invalid as exc:
                self.error(key, _("item %(n)d: %(reason)s") % {"n": position, "reason": exc})
        return result

    def agency(self, identifier: str) -> str:
        identifier = identifier.upper()
        if identifier not in self.refs.agencies:
            raise _Invalid(_("no agency has the identifier %(value)s") % {"value": identifier})
        return identifier

    def levels(self, text: str) -> tuple[str, ...]:
        codes = []
        for name in re.split(r"[,;\n]", text):
            if not name.strip():
                continue
            code = self.refs.level_by_name.get(_header_key(name))
            if code is None:
                raise _Invalid(
                    _("unknown unit level “%(value)s” (known: %(known)s)")
                    % {"value": name.strip(), "known": ", ".join(sorted(self.refs.level_rank))}
                )
            if code not in codes:
                codes.append(code)
        if not codes:
            raise _Invalid(_("name at least one unit level"))
        return tuple(sorted(codes, key=lambda c: (self.refs.level_rank[c], c)))

    def document(self, line: str) -> DocumentData:
        name, form, count, optional = _parts(line, least=1, most=4)
        if not name:
            raise _Invalid(_("the document has no name"))
        if not count.isdigit() and count:
            raise _Invalid(_("the count “%(value)s” is not a whole number") % {"value": count})
        if count and (problem := validation.document_count_problem(int(count))):
            raise _Invalid(problem)
        is_optional = False
        if optional:
            key = _header_key(optional)
            is_optional = _OPTIONAL.get(key) == "yes" or _BOOLEANS.get(key) == "yes"
            if not is_optional and _BOOLEANS.get(key) != "no":
                raise _Invalid(
                    _("the fourth part is “optional” or empty, not “%(value)s”") % {"value": optional}
                )
        return DocumentData(
            name=_bounded(name, validation.NAME_MAX),
            form=_choice(form, _FORMS, DocumentForm.values) if form else DocumentForm.ORIGINAL,
            count=int(count) if count else 1,
            is_optional=is_optional,
        )

    def fee(self, line: str) -> FeeData:
        description, amount, note = _parts(line, least=2, most=3)
        if not description:
            raise _Invalid(_("the fee has no description"))
        return FeeData(
            description=_bounded(description, validation.NAME_MAX),
            amount=_amount(amount),
            note=_bounded(note, validation.TEXT_MAX),
        )

    def step(self, line: str) -> tuple[StepData, Fraction]:
        name, role, days, agency = _parts(line, least=3, most=4)
        if not name:
            raise _Invalid(_("the step has no name"))
        if validation.step_role_problem(_choice(role, _ROLES, sorted(STAFF_ROLES))):
            raise _Invalid(validation.step_role_problem(role))
        role = _ROLES[_header_key(role)]
        share = _share(days)
        data = StepData(
            name=_bounded(name, validation.STEP_NAME_MAX),
            role=role,
            duration_days=_as_decimal(share),
            agency_identifier=self.agency(agency) if agency else None,
        )
        return data, share

    def validate(self) -> ProcedureData | None:
        code = self.cell("code", self._code, required=True)
        name = self.cell("name", lambda t: _bounded(t, validation.NAME_MAX), required=True)
        field_name = self.cell("field", lambda t: _bounded(t, validation.FIELD_NAME_MAX), required=True)
        levels = self.cell("levels", self.levels, required=True)
        errors_before = len(self.errors)
        unit = self.cell(
            "time_limit_unit",
            lambda t: _choice(t, _UNITS, TimeLimitUnit.values),
            default=TimeLimitUnit.WORKING_DAYS,
        )
        time_limit = self.cell("time_limit", _time_limit, required=True)
        limit_ok = len(self.errors) == errors_before
        errors_before = len(self.errors)
        steps = self.items("steps", self.step)
        steps_ok = len(self.errors) == errors_before
        data = dict(
            competent_agency_identifier=self.cell("competent_agency", self.agency),
            time_limit_text=self.cell(
                "time_limit_text", lambda t: _bounded(t, validation.TEXT_MAX), default=""
            ),
            valid_from=self.cell("valid_from", _date),
            applicants=self.cell("applicants", lambda t: _bounded(t, validation.TEXT_MAX), default=""),
            requirements=self.cell("requirements", default=""),
            result=self.cell("result", lambda t: _bounded(t, validation.TEXT_MAX), default=""),
            legal_basis="\n".join(_lines(self.cells.get("legal_basis", ""))),
            online_service=self.cell(
                "online_service",
                lambda t: _choice(t, _ONLINE, OnlineService.values),
                default=OnlineService.NONE,
            ),
            accepts_desk=self.cell("desk", lambda t: _bool(t, True), default=True),
            accepts_post=self.cell("post", lambda t: _bool(t, True), default=True),
            boundary_free=self.cell("boundary_free", lambda t: _bool(t, True), default=True),
            supplement_policy=self.cell(
                "supplement_policy",
                lambda t: _choice(t, _SUPPLEMENT, SupplementPolicy.values),
                default=SupplementPolicy.PAUSE,
            ),
            documents=tuple(self.items("documents", self.document)),
            fees=tuple(self.items("fees", self.fee)),
        )
        if steps and limit_ok and steps_ok:
            problem = validation.steps_total_problem(
                (share for _step, share in steps),
                time_limit=time_limit,
                unit=unit,
                workday_hours=self.refs.workday_hours,
            )
            if problem:
                self.error("steps", problem)
        if self.errors:
            return None
        return ProcedureData(
            code=code,
            name=name,
            field_name=field_name,
            level_codes=levels,
            time_limit_value=time_limit,
            time_limit_unit=unit,
            steps=tuple(step for step, _share in steps),
            **data,
        )

    @staticmethod
    def _code(text: str) -> str:
        if not re.fullmatch(PROCEDURE_CODE_RE, text) or len(text) > 40:
            raise _Invalid(
                _("“%(value)s” is not a procedure code such as 1.000894 or 2.001218.000.00.00.H38")
                % {"value": text}
            )
        return text


# --- the header ------------------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def _read_header(cells: tuple[object, ...] | list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Map each column position to its key; raise with every header problem at once."""
    positions: dict[int, str] = {}
    headers: dict[str, str] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(cells):
        text = _cell_text(raw)
        if not text:
            continue
        key = _HEADER_ALIASES.get(_header_key(text))
        if key is None:
            errors.append(
                RowError(
                    1, text, _("unknown column; the columns are: %(keys)s") % {"keys": ", ".join(COLUMN_KEYS)}
                )
            )
        elif key in headers:
            errors.append(RowError(1, text, _("the column %(key)s appears twice") % {"key": key}))
        else:
            positions[index] = key
            headers[key] = text
    for column in COLUMNS:
        if column.required and column.key not in headers:
            errors.append(RowError(1, column.key, _("this required column is missing")))
    if errors:
        raise _invalid(errors)
    return positions, headers


def _invalid(errors: list[RowError]) -> InvalidInput:
    return InvalidInput(
        ngettext(
            "The file has %(count)d error; nothing was imported.",
            "The file has %(count)d errors; nothing was imported.",
            len(errors),
        )
        % {"count": len(errors)},
        code="import_invalid",
        details=[error.as_dict() for error in errors],
    )


# --- the public functions --------------------------------------------------------------------------------------


def parse_procedures(file_obj: IO[bytes], filename: str) -> ImportResult:
    """Read and validate every row of the spreadsheet `file_obj` (named `filename`, .xlsx or .csv).

    Nothing is stored. A file that cannot be read at all (wrong type, empty, too large, too many
    rows, damaged) raises `InvalidInput` with the code `import_bad_file`; problems in the header
    raise `InvalidInput` (`import_invalid`) listing them. Problems in the rows are returned, all of
    them, in `ImportResult.errors`.
    """
    kind = _file_kind(filename)
    content = _read_upload(file_obj)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    header = next(rows, None)
    if header is None or not any(_cell_text(value) for value in header):
        raise _bad_file(_("The first line must hold the column names; it is empty."))
    positions, headers = _read_header(header)
    refs = _References.load()

    column_order = {headers[key]: index for index, key in positions.items()}
    column_order.update({_column_letter(index): index for index in range(len(header))})
    result = ImportResult()
    first_line_of_code: dict[str, int] = {}
    count = 0
    for line, values in enumerate(rows, start=2):
        cells: dict[str, str] = {}
        stray: list[int] = []
        for index, value in enumerate(values):
            key = positions.get(index)
            text = _cell_text(value, key)
            if not text:
                continue
            if key is None:
                stray.append(index)
            else:
                cells[key] = text
        if not cells and not stray:
            continue  # blank rows are allowed anywhere
        count += 1
        if count > MAX_ROWS:
            raise _bad_file(
                _("The file has more than %(max)d procedures; split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        validator = _RowValidator(line=line, cells=cells, headers=headers, refs=refs)
        validator.errors.extend(
            RowError(line, _column_letter(index), _("a value in a column without a name")) for index in stray
        )
        for key, text in cells.items():
            if _CONTROL_CHARS.search(text):
                validator.error(key, _("contains a control character"))
        data = validator.validate()
        # A duplicate code is an error even when either occurrence has other problems.
        code = data.code if data else cells.get("code")
        if code and (first := first_line_of_code.setdefault(code, line)) != line:
            validator.error(
                "code", _("the code %(code)s is already on line %(line)d") % {"code": code, "line": first}
            )
        if data is not None and not validator.errors:
            result.rows.append(ParsedRow(line, data))
        # Report a row's problems left to right, as the user reads the row.
        result.errors.extend(sorted(validator.errors, key=lambda error: column_order.get(error.column, 0)))
    if count == 0:
        raise _bad_file(_("The file has a header but no procedure rows."))
    return result


def import_procedures(file_obj: IO[bytes], filename: str, *, today: dt.date | None = None) -> ImportSummary:
    """Import every row of the spreadsheet, or nothing.

    If any row has a problem, raise `InvalidInput` (code `import_invalid`) whose `details` list every
    problem as `{line, column, message}`. Otherwise store each row with `procedure_version_save`,
    all in one transaction: a row with the `valid_from` of an existing version replaces that version,
    any other date adds a new version (an empty `valid_from` means `today`).
    """
    today = today or timezone.localdate()
    result = parse_procedures(file_obj, filename)
    if result.errors:
        raise _invalid(result.errors)
    codes = [row.data.code for row in result.rows]
    existing: dict[str, set[dt.date]] = {}
    for code, valid_from in ProcedureVersion.objects.filter(procedure__code__in=codes).values_list(
        "procedure__code", "valid_from"
    ):
        existing.setdefault(code, set()).add(valid_from)
    created = added = updated = 0
    with transaction.atomic():
        for row in result.rows:
            dates = existing.get(row.data.code)
            if dates is None:
                created += 1
            elif (row.data.valid_from or today) in dates:
                updated += 1
            else:
                added += 1
            procedure_version_save(data=row.data, today=today)
    logger.info("Catalog import of %s: %d created, %d added, %d updated", filename, created, added, updated)
    return ImportSummary(created=created, added_versions=added, updated=updated)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _joined(*parts: str) -> str:
    return f" {PART_SEPARATOR} ".join(parts)


def _export_row(version: ProcedureVersion) -> list[str]:
    levels = sorted(version.levels.all(), key=lambda level: (level.rank, level.code))
    documents = [
        _joined(d.name, d.form, str(d.count), *(["optional"] if d.is_optional else []))
        for d in sorted(version.documents.all(), key=lambda d: d.position)
    ]
    fees = [
        _joined(f.description, str(f.amount.quantize(Decimal(1))), *([f.note] if f.note else []))
        for f in sorted(version.fees.all(), key=lambda f: f.position)
    ]
    steps = [
        _joined(s.name, s.role, _format_days(s.duration_days), *([s.agency.identifier] if s.agency else []))
        for s in version.steps.all()
    ]
    values = {
        "code": version.procedure.code,
        "name": version.name,
        "field": version.field.name,
        "levels": ", ".join(level.code for level in levels),
        "competent_agency": version.competent_agency.identifier if version.competent_agency else "",
        "time_limit": _format_days(version.time_limit_value),
        "time_limit_unit": version.time_limit_unit,
        "time_limit_text": version.time_limit_text,
        "valid_from": version.valid_from.isoformat(),
        "applicants": version.applicants,
        "requirements": version.requirements,
        "result": version.result,
        "legal_basis": version.legal_basis,
        "online_service": version.online_service,
        "desk": _yes_no(version.accepts_desk),
        "post": _yes_no(version.accepts_post),
        "boundary_free": _yes_no(version.boundary_free),
        "supplement_policy": version.supplement_policy,
        "documents": "\n".join(documents),
        "fees": "\n".join(fees),
        "steps": "\n".join(steps),
    }
    return [values[key] for key in COLUMN_KEYS]


def export_procedures(fmt: str) -> bytes:
    """The procedures in force as a spreadsheet in the import format ("xlsx" or "csv"), so that
    importing the export changes nothing. CSV is UTF-8 with a byte-order mark, which Excel needs
    to show Vietnamese correctly."""
    if fmt not in FORMATS:
        raise InvalidInput(_("Export as xlsx or csv."), code="export_format")
    rows = (_export_row(version) for version in selectors.procedures_current_full().iterator(chunk_size=500))
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(COLUMN_KEYS)
        writer.writerows(csv_row(row) for row in rows)
        return buffer.getvalue().encode("utf-8-sig")

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "procedures"
    sheet.append(COLUMN_KEYS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in values])
        # A text starting with "=" (or + - @) would become a formula: keep every cell a plain string.
        xlsx_protect_row(sheet[sheet.max_row])
        for cell in sheet[sheet.max_row]:
            if "\n" in str(cell.value or ""):
                cell.alignment = wrap
    sheet.freeze_panes = "C2"
    for letter, width in {"A": 14, "B": 60, "C": 24}.items():
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
