"""Import and export of the catalog as .xlsx / .csv (motcua.catalog.spreadsheet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from motcua.catalog import spreadsheet
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import DocumentData, FeeData, ProcedureData, StepData, procedure_version_save
from motcua.catalog.spreadsheet import (
    COLUMN_KEYS,
    COLUMNS,
    export_procedures,
    import_procedures,
    parse_procedures,
)
from motcua.core.errors import InvalidInput
from motcua.org.tests.factories import AgencyFactory, UnitFactory, UnitLevelFactory

JUSTICE = "000.00.10.H48"
CENTRE = "000.00.53.H48"
TODAY = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def _english_messages():
    # These tests read the messages' wording; the UI default is Vietnamese (checked in portal tests).
    with translation.override("en"):
        yield


@pytest.fixture
def org(db):
    province = UnitLevelFactory(code="province", name="Cấp tỉnh", rank=1)
    UnitLevelFactory(code="commune", name="Cấp xã", rank=3)
    unit = UnitFactory(code="14", name="Sơn La", level=province)
    AgencyFactory(identifier=JUSTICE, name="Sở Tư pháp", unit=unit)
    AgencyFactory(identifier=CENTRE, name="Trung tâm Phục vụ hành chính công", unit=unit)


def good_row(n: int = 0, **overrides: object) -> dict[str, object]:
    row = {
        "code": f"1.{n + 100:06d}",
        "name": f"Cấp bản sao trích lục hộ tịch số {n}",
        "field": "Hộ tịch",
        "levels": "province, commune",
        "competent_agency": JUSTICE,
        "time_limit": "3",
        "time_limit_unit": "working_days",
        "time_limit_text": "Ngay trong ngày làm việc hoặc 3 ngày",
        "valid_from": "2025-07-01",
        "applicants": "Công dân Việt Nam",
        "requirements": "Không",
        "result": "Bản sao trích lục",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP",
        "online_service": "full",
        "desk": "yes",
        "post": "no",
        "boundary_free": "true",
        "supplement_policy": "pause",
        "documents": "Tờ khai theo mẫu | original | 1\nGiấy ủy quyền | certified_copy | 1 | optional",
        "fees": "Phí cấp bản sao | 8000 | mỗi bản",
        "steps": (
            f"Tiếp nhận hồ sơ | receiving_officer | 0.25 | {CENTRE}\n"
            "Thẩm định | specialist | 2,5\n"
            "Ký duyệt | leader | 1/4"
        ),
    }
    row.update(overrides)
    return row


def xlsx_file(rows: list[dict[str, object]], header: list[str] | tuple[str, ...] = COLUMN_KEYS) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    keys = [spreadsheet._HEADER_ALIASES.get(spreadsheet._header_key(h), h) for h in header]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(
    rows: list[dict[str, object]],
    header: list[str] | tuple[str, ...] = COLUMN_KEYS,
    *,
    delimiter: str = ",",
    bom: bool = True,
) -> io.BytesIO:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    keys = [spreadsheet._HEADER_ALIASES.get(spreadsheet._header_key(h), h) for h in header]
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key in keys])
    return io.BytesIO(text.getvalue().encode("utf-8-sig" if bom else "utf-8"))


FILES = {"xlsx": xlsx_file, "csv": csv_file}


def import_error(file_obj: io.BytesIO, name: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        import_procedures(file_obj, name, today=TODAY)
    return info.value


# --- all or nothing -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_fifty_rows_with_three_bad_ones_import_nothing_and_name_exactly_those_lines(org, fmt):
    rows = [good_row(n) for n in range(50)]
    rows[6]["code"] = "1.00089"  # line 8
    rows[25]["steps"] = "Tiếp nhận | receiving_officer | 0.5\nThẩm định | specialist | 2"  # line 27: 2.5 ≠ 3
    rows[48]["competent_agency"] = "999.99.99.H99"  # line 50

    error = import_error(FILES[fmt](rows), f"catalog.{fmt}")

    assert error.code == "import_invalid"
    assert "3 errors" in error.message
    assert [(d["line"], d["column"]) for d in error.details] == [
        (8, "code"),
        (27, "steps"),
        (50, "competent_agency"),
    ]
    assert "1.00089" in error.details[0]["message"]
    assert "2.5" in error.details[1]["message"] and "3" in error.details[1]["message"]
    assert "999.99.99.H99" in error.details[2]["message"]
    assert Procedure.objects.count() == 0
    assert ProcedureVersion.objects.count() == 0


@pytest.mark.django_db
def test_every_problem_of_a_row_is_reported(org):
    row = good_row(
        name="",
        levels="province, district",
        time_limit="-1",
        valid_from="31/02/2026",
        online_service="maybe",
        desk="perhaps",
        documents="Tờ khai | photocopy | 1\n | original | 1",
        fees="Lệ phí | 12,5",
        steps="Ký | citizen | 1",
    )
    result = parse_procedures(csv_file([row]), "c.csv")
    columns = [e.column for e in result.errors]
    assert columns == [
        "name",
        "levels",
        "time_limit",
        "valid_from",
        "online_service",
        "desk",
        "documents",
        "documents",
        "fees",
        "steps",
    ]
    assert all(e.line == 2 for e in result.errors)
    assert "district" in result.errors[1].reason
    assert "item 2" in result.errors[7].reason
    assert "staff role" in result.errors[9].reason
    assert not result.rows


@pytest.mark.django_db
def test_duplicate_codes_are_reported_on_the_later_line(org):
    rows = [good_row(1), good_row(2), good_row(1, name="Khác")]
    error = import_error(xlsx_file(rows), "c.xlsx")
    assert error.details == [
        {"line": 4, "column": "code", "message": "the code 1.000101 is already on line 2"}
    ]


@pytest.mark.django_db
def test_step_shares_must_add_up_to_the_time_limit(org):
    rows = [good_row(0), good_row(1, time_limit="5")]
    error = import_error(csv_file(rows), "c.csv")
    assert [(d["line"], d["column"]) for d in error.details] == [(3, "steps")]
    assert "3 working days" in error.details[0]["message"]
    assert "5 working days" in error.details[0]["message"]


@pytest.mark.django_db
def test_step_shares_of_an_hour_limit_count_eight_hours_a_day(org):
    ok = good_row(
        0,
        time_limit="4",
        time_limit_unit="giờ",
        steps="Tiếp nhận | receiving_officer | 1/4\nKý | leader | 0,25",
    )
    bad = good_row(1, time_limit="8", time_limit_unit="working_hours", steps="Ký | leader | 0.5")
    result = parse_procedures(xlsx_file([ok, bad]), "c.xlsx")
    assert [(e.line, e.column) for e in result.errors] == [(3, "steps")]
    assert result.rows[0].data.steps[0].duration_days == Decimal("0.25")


# --- storing --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_good_file_imports_every_row_with_documents_fees_and_steps(org, fmt):
    rows = [good_row(n) for n in range(5)]
    summary = import_procedures(FILES[fmt](rows), f"c.{fmt}", today=TODAY)

    assert (summary.created, summary.added_versions, summary.updated) == (5, 0, 0)
    assert "5 procedures" in str(summary)
    version = ProcedureVersion.objects.get(procedure__code="1.000100")
    assert version.is_current
    assert version.valid_from == dt.date(2025, 7, 1)
    assert version.field.name == "Hộ tịch"
    assert sorted(version.levels.values_list("code", flat=True)) == ["commune", "province"]
    assert version.competent_agency.identifier == JUSTICE
    assert version.time_limit_value == Decimal("3")
    assert version.legal_basis == "Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP"
    assert (version.online_service, version.accepts_desk, version.accepts_post, version.boundary_free) == (
        "full",
        True,
        False,
        True,
    )
    assert [(d.name, d.form, d.count, d.is_optional) for d in version.documents.all()] == [
        ("Tờ khai theo mẫu", "original", 1, False),
        ("Giấy ủy quyền", "certified_copy", 1, True),
    ]
    assert [(f.description, f.amount, f.note) for f in version.fees.all()] == [
        ("Phí cấp bản sao", 8000, "mỗi bản")
    ]
    assert [
        (s.name, s.role, s.duration_days, s.agency and s.agency.identifier) for s in version.steps.all()
    ] == [
        ("Tiếp nhận hồ sơ", "receiving_officer", Decimal("0.25"), CENTRE),
        ("Thẩm định", "specialist", Decimal("2.5"), None),
        ("Ký duyệt", "leader", Decimal("0.25"), None),
    ]


@pytest.mark.django_db
def test_reimport_with_the_same_valid_from_updates_the_version_in_place(org):
    import_procedures(csv_file([good_row(0)]), "c.csv", today=TODAY)
    changed = good_row(0, name="Tên đã sửa", fees="", documents="Tờ khai | bản chính | 2")
    summary = import_procedures(csv_file([changed]), "c.csv", today=TODAY)

    assert (summary.created, summary.added_versions, summary.updated) == (0, 0, 1)
    version = ProcedureVersion.objects.get()
    assert (version.number, version.name, version.is_current) == (1, "Tên đã sửa", True)
    assert version.fees.count() == 0
    assert [(d.name, d.count) for d in version.documents.all()] == [("Tờ khai", 2)]


@pytest.mark.django_db
def test_a_new_valid_from_adds_a_version(org):
    import_procedures(csv_file([good_row(0)]), "c.csv", today=TODAY)
    summary = import_procedures(
        csv_file([good_row(0, valid_from="01/01/2026", name="Bản mới")]), "c.csv", today=TODAY
    )

    assert (summary.created, summary.added_versions, summary.updated) == (0, 1, 0)
    old, new = ProcedureVersion.objects.order_by("number")
    assert (old.valid_to, old.is_current) == (dt.date(2026, 1, 1), False)
    assert (new.number, new.valid_from, new.valid_to, new.is_current, new.name) == (
        2,
        dt.date(2026, 1, 1),
        None,
        True,
        "Bản mới",
    )


@pytest.mark.django_db
def test_nfd_input_is_stored_nfc(org):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    row = good_row(
        0,
        name=nfd("Đăng ký kết hôn"),
        field=nfd("Hộ tịch"),
        documents=nfd("Tờ khai | bản sao | 1"),
        steps=nfd("Thẩm định | chuyên viên | 3"),
    )
    import_procedures(xlsx_file([row]), "c.xlsx", today=TODAY)
    version = ProcedureVersion.objects.get()
    assert version.name == unicodedata.normalize("NFC", "Đăng ký kết hôn")
    assert version.field.name == unicodedata.normalize("NFC", "Hộ tịch")
    assert version.documents.get().form == "copy"
    assert version.steps.get().role == "specialist"


@pytest.mark.django_db
def test_vietnamese_headers_and_values_are_understood(org):
    header = [
        "Mã TTHC",
        "Tên thủ tục",
        "Lĩnh vực",
        "Cấp thực hiện",
        "Thời hạn giải quyết",
        "Ngày có hiệu lực",
        "Nộp qua bưu chính",
        "Dịch vụ công trực tuyến",
        "Khi bổ sung hồ sơ",
        "Thành phần hồ sơ",
    ]
    row = good_row(
        0,
        levels="Cấp xã",
        post="Có",
        online_service="Một phần",
        supplement_policy="tính lại",
        valid_from="15/01/2026",
        documents="Giấy tờ | bản chính hoặc bản sao | 1\nẢnh | bản sao chứng thực | 2 | tùy chọn",
    )
    result = parse_procedures(csv_file([row], header, delimiter=";"), "danh-muc.CSV")
    assert result.errors == []
    data = result.rows[0].data
    assert data.level_codes == ("commune",)
    assert (data.accepts_post, data.online_service, data.supplement_policy) == (True, "partial", "restart")
    assert data.valid_from == dt.date(2026, 1, 15)
    assert data.documents == (
        DocumentData("Giấy tờ", "original_or_copy", 1, False),
        DocumentData("Ảnh", "certified_copy", 2, True),
    )


@pytest.mark.django_db
def test_numbers_and_dates_typed_by_a_spreadsheet_are_read(org):
    # Excel turns 1.000890 into the number 1.00089, 3 into an integer and dates into datetimes.
    row = good_row(
        0, code=1.00089, time_limit=3, valid_from=dt.datetime(2025, 7, 1), desk=True, fees="Phí | 50.000"
    )
    result = parse_procedures(xlsx_file([row]), "c.xlsx")
    assert result.errors == []
    data = result.rows[0].data
    assert (data.code, data.time_limit_value, data.valid_from, data.accepts_desk) == (
        "1.000890",
        Decimal(3),
        dt.date(2025, 7, 1),
        True,
    )
    assert data.fees == (FeeData("Phí", Decimal(50000)),)


def test_every_header_spelling_names_one_column():
    spellings = [spreadsheet._header_key(s) for c in COLUMNS for s in (c.key, *c.labels)]
    assert len(spellings) == len(set(spellings))


# --- export ---------------------------------------------------------------------------------------------------


def catalog() -> list[ProcedureData]:
    return [
        ProcedureData(
            code="1.000894",
            name="Đăng ký kết hôn",
            field_name="Hộ tịch",
            level_codes=("commune",),
            time_limit_value=Decimal("3"),
            valid_from=dt.date(2025, 7, 1),
            result="Giấy chứng nhận kết hôn",
            legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP",
            requirements="Dòng 1\nDòng 2",
            online_service="partial",
            accepts_post=False,
            time_limit_text='=3 ngày, "ngay"; trong ngày',
            documents=(
                DocumentData("Tờ khai", "original", 1),
                DocumentData("CCCD, hộ chiếu", "copy", 2, True),
            ),
            fees=(FeeData("Lệ phí", Decimal(0), "Miễn lệ phí"),),
            steps=(
                StepData("Tiếp nhận", "receiving_officer", Decimal("0.25"), CENTRE),
                StepData("Thẩm định", "specialist", Decimal("2.5")),
                StepData("Ký", "leader", Decimal("0.25")),
            ),
        ),
        ProcedureData(
            code="2.001218.000.00.00.H38",
            name="Cấp phép xây dựng",
            field_name="Hoạt động xây dựng",
            level_codes=("province", "commune"),
            time_limit_value=Decimal("16"),
            time_limit_unit="working_hours",
            valid_from=dt.date(2025, 8, 1),
            competent_agency_identifier=JUSTICE,
            supplement_policy="restart",
            boundary_free=False,
            steps=(
                StepData("Xử lý", "specialist", Decimal("1.875")),
                StepData("Ký", "leader", Decimal("0.125")),
            ),
        ),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips(org, fmt):
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)

    exported = export_procedures(fmt)
    parsed = parse_procedures(io.BytesIO(exported), f"export.{fmt}")
    assert parsed.errors == []
    assert [row.data for row in parsed.rows] == catalog()

    summary = import_procedures(io.BytesIO(exported), f"export.{fmt}", today=TODAY)
    assert (summary.created, summary.added_versions, summary.updated) == (0, 0, 2)
    assert [
        row.data for row in parse_procedures(io.BytesIO(export_procedures(fmt)), f"again.{fmt}").rows
    ] == catalog()


@pytest.mark.django_db
def test_csv_export_is_stable_through_a_reimport(org):
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)
    before = export_procedures("csv")
    assert before.startswith(b"\xef\xbb\xbf" + ",".join(COLUMN_KEYS).encode())
    import_procedures(io.BytesIO(before), "export.csv", today=TODAY)
    assert export_procedures("csv") == before


@pytest.mark.django_db
def test_xlsx_export_keeps_text_that_looks_like_a_formula(org):
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(export_procedures("xlsx"))).worksheets[0]
    column = COLUMN_KEYS.index("time_limit_text") + 1
    assert sheet.cell(2, column).value == '=3 ngày, "ngay"; trong ngày'
    assert sheet.cell(2, column).data_type == "s"


def test_export_refuses_an_unknown_format():
    with pytest.raises(InvalidInput):
        export_procedures("pdf")


# --- bad files ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (os.urandom(2048), "catalog.xlsx", "not a real .xlsx"),
        (b"PK\x03\x04" + os.urandom(2048), "catalog.xlsx", "not a real .xlsx"),
        (b"", "catalog.xlsx", "empty"),
        (b"  \n", "catalog.csv", "empty"),
        (b"code,name\n", "catalog.pdf", ".xlsx or a .csv"),
        (b"code,name\n", "catalog.xls", ".xlsx or a .csv"),
        ("code,name\nabc,Tên\n".encode("cp1258"), "catalog.csv", "not UTF-8"),
        (b"\xef\xbb\xbf\n\n", "catalog.csv", "column names"),
        (",".join(COLUMN_KEYS).encode() + b"\n\n,,,\n", "catalog.csv", "no procedure rows"),
        (b'code,name\n1.000001,"unterminated\n', "catalog.csv", None),
    ],
)
def test_bad_files_get_a_clear_error(org, content, name, expected):
    error = import_error(io.BytesIO(content), name)
    if expected is None:  # the unterminated quote: a missing column is what the user sees
        assert error.code == "import_invalid"
        return
    assert error.code == "import_bad_file"
    assert expected in error.message
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_gets_a_clear_error(org):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    error = import_error(io.BytesIO(buffer.getvalue()), "catalog.xlsx")
    assert error.code == "import_bad_file"
    assert "could not be read" in error.message


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_missing_and_unknown_headers_are_listed(org, fmt):
    header = ["code", "name", "lĩnh vực", "time_limit", "colour", "name"]
    error = import_error(FILES[fmt]([good_row(0)], header), f"c.{fmt}")
    assert error.code == "import_invalid"
    assert [(d["line"], d["column"]) for d in error.details] == [(1, "colour"), (1, "name"), (1, "levels")]
    assert "missing" in error.details[2]["message"]


@pytest.mark.django_db
def test_a_file_above_the_upload_limit_is_refused(org, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    error = import_error(csv_file([good_row(n) for n in range(5)]), "c.csv")
    assert error.code == "import_bad_file"
    assert "larger than" in error.message


@pytest.mark.django_db
def test_too_many_rows_are_refused(org, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    error = import_error(csv_file([good_row(n) for n in range(4)]), "c.csv")
    assert error.code == "import_bad_file"
    assert "more than 3" in error.message


@pytest.mark.django_db
def test_values_in_a_column_without_header_and_control_characters_are_errors(org):
    text = ",".join(COLUMN_KEYS) + ",\n"
    row = good_row(0, name="Tên\x07")
    text += ",".join(f'"{row[k]}"' for k in COLUMN_KEYS) + ",lạc\n"
    result = parse_procedures(io.BytesIO(text.encode()), "c.csv")
    assert [(e.line, e.column) for e in result.errors] == [(2, "name"), (2, "V")]


# --- commands -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_command_prints_a_summary(org, tmp_path):
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(xlsx_file([good_row(n) for n in range(3)]).getvalue())
    out = io.StringIO()
    call_command("catalog_import", str(path), "--today", "2026-01-15", stdout=out)
    assert "3 procedures" in out.getvalue()
    assert Procedure.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("check", [False, True])
def test_import_command_lists_every_bad_row_and_fails(org, tmp_path, check):
    rows = [good_row(n) for n in range(4)]
    rows[1]["levels"] = "hamlet"
    rows[3]["time_limit"] = "abc"
    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_file(rows).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors"):
        call_command("catalog_import", str(path), *(["--check"] if check else []), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 3, levels: unknown unit level")
    assert lines[1].startswith("line 5, time_limit: ")
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_import_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("catalog_import", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_command_writes_a_file_import_reads(org, tmp_path, fmt):
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)
    path = tmp_path / f"out.{fmt}"
    call_command("catalog_export", "--format", fmt, "-o", str(path), stdout=io.StringIO())
    with path.open("rb") as handle:
        assert len(parse_procedures(handle, path.name).rows) == 2


@pytest.mark.django_db
def test_the_example_row_of_the_documentation_imports(org):
    doc = (Path(__file__).resolve().parents[3] / "docs" / "catalog-import.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    result = parse_procedures(io.BytesIO(example.encode()), "example.csv")
    assert result.errors == []
    data = result.rows[0].data
    assert (data.code, len(data.documents), len(data.fees), len(data.steps)) == ("1.000894", 2, 1, 3)


@pytest.mark.django_db
def test_csv_export_escapes_formula_like_cells_and_reads_them_back(org):
    # Issue 10, item 4: = + - @ tab CR at the start of a CSV cell would run in Excel; an apostrophe stops it.
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)
    exported = export_procedures("csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    column = COLUMN_KEYS.index("time_limit_text")
    assert rows[1][column] == '\'=3 ngày, "ngay"; trong ngày'
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    parsed = parse_procedures(io.BytesIO(exported.encode("utf-8-sig")), "export.csv")
    assert parsed.rows[0].data.time_limit_text == '=3 ngày, "ngay"; trong ngày'


@pytest.mark.django_db
def test_xlsx_export_marks_formula_like_cells_as_quoted_text(org):
    for data in catalog():
        procedure_version_save(data=data, today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(export_procedures("xlsx"))).worksheets[0]
    cell = sheet.cell(2, COLUMN_KEYS.index("time_limit_text") + 1)
    assert cell.data_type == "s" and cell.quotePrefix
