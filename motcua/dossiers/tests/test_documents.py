"""The seven forms (Circular 03/2025 Annex I): pages, PDFs, QR codes, the register and who may read them."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.dossiers.documents import Timeliness, control_slip, form_context, qr_payload
from motcua.dossiers.pdf import qr_svg
from motcua.dossiers.selectors import dossier_for
from motcua.dossiers.services import actor_name, dossier_act, dossier_submit
from motcua.dossiers.tests.conftest import HCM

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=HCM)


def act(clock, dossier, moment, action, actor, **payload):
    clock.set(moment)
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


@pytest.fixture
def story(world, clock):
    """Received at the commune desk → the Department of Justice → two agencies consulted in
    parallel (one answers early, one late), with an apology and a new appointment a working day before
    the deadline → supplement (clock paused) → result → returned at the desk, late."""
    clock.set(MONDAY)
    d = world.receive(at=MONDAY, applicant=world.applicant(authorised_person="Lò Văn Bình"))
    d = act(clock, d, at(2, 9), "forward", world.officer)
    d = act(clock, d, at(2, 10), "assign", world.leader, assignee="sam")
    d = act(clock, d, at(2, 10, 30), "consult", world.specialist, agencies=["000.00.21.H48", "000.00.22.H48"])
    d = act(clock, d, at(2, 14), "join", world.health_specialist, opinion="Đồng ý")
    d = act(clock, d, at(3, 16), "apologise_extend", world.leader, days="2", reason="Cần xác minh thêm")
    d = act(clock, d, at(4, 9), "join", world.finance_specialist, opinion="Đồng ý")
    d = act(
        clock, d, at(4, 10), "request_supplement", world.specialist, reason="Bổ sung bản sao Giấy khai sinh"
    )
    d = act(clock, d, at(4, 15), "supplement", world.citizen)
    d = act(clock, d, at(9, 8), "forward", world.specialist)
    d = act(clock, d, at(9, 8, 30), "propose", world.specialist)
    d = act(clock, d, at(9, 8, 45), "approve", world.leader)
    d = act(clock, d, at(9, 9), "mark_result_ready", world.leader)
    d = act(clock, d, at(9, 10), "return_result", world.officer, method="desk")
    return d


def _text(response) -> str:
    return unicodedata.normalize("NFC", response.content.decode())


def _get(client, user, name, *args, **query):
    client.force_login(user)
    url = reverse(f"dossier_documents:{name}", args=args)
    return client.get(url, query)


# --- what each form says -----------------------------------------------------------------------------------


def test_form_01_receipt_and_appointment(world, story, client):
    page = _text(_get(client, world.officer, "form", story.code, "01"))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "BỘ PHẬN MỘT CỬA XÃ CHIỀNG MUNG",
        story.code,
        "Nguyễn Văn An",
        "014090000001",  # số định danh
        "Lò Văn Bình",  # authorised person
        "Cấp Phiếu lý lịch tư pháp",
        "Tờ khai theo mẫu",
        "Giấy tờ tùy thân",
        "01 (bộ)",
        "3 ngày làm việc",
        "08:00 02/03/2026",  # received
        "08:00 05/03/2026",  # the appointment given at receipt (3 working days)
        "Quyển số: 01, Số thứ tự: 1",
        "Lò Thị Olga",  # the receiving officer
        "<svg",  # the QR code
    ):
        assert expected in page, expected


def test_form_02_supplement_request(world, story, client):
    page = _text(_get(client, world.specialist, "form", story.code, "02"))
    for expected in (
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "SỞ TƯ PHÁP",  # issued by the agency holding the dossier then
        "Bổ sung bản sao Giấy khai sinh",
        "10:00 04/03/2026",
        "08:00 02/03/2026",
        "Cầm Văn Sam",
        "không tính vào thời hạn giải quyết",  # pause policy
    ):
        assert expected in page, expected


def test_form_04_apology_and_new_appointment(world, story, client):
    context = form_context(dossier_for(world.leader, story.code), "04")
    # The letter as issued on Tuesday, a working day before the deadline: the receipt's appointment, and
    # two working days after it (the supplement's pause moved both later, after the letter).
    assert context["appointment_at"] == "08:00 05/03/2026"
    assert context["new_appointment_at"] == "08:00 09/03/2026"
    assert story.extended_due_at == at(9, 11)
    page = _text(_get(client, world.leader, "form", story.code, "04"))
    for expected in (
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "Cần xác minh thêm",
        "08:00 05/03/2026",
        "08:00 09/03/2026",
        "Quàng Thị Linh",
        "ngày 02 tháng 03 năm 2026",
    ):
        assert expected in page, expected


def test_form_06_control_slip_rows(world, story, client):
    slip = control_slip(dossier_for(world.officer, story.code))
    rows = [(r.giver, r.receiver, r.given_at, r.given_by, r.received_by, r.status) for r in slip.rows]
    desk = "Bộ phận Một cửa xã Chiềng Mung"
    hoa, phuc = actor_name(world.health_specialist), actor_name(world.finance_specialist)
    assert rows == [
        (desk, "Sở Tư pháp", "09:00 02/03/2026", "Lò Thị Olga", "Quàng Thị Linh", Timeliness.ON_TIME),
        ("Sở Tư pháp", "Sở Y tế", "10:30 02/03/2026", "Cầm Văn Sam", hoa, None),
        ("Sở Tư pháp", "Sở Tài chính", "10:30 02/03/2026", "Cầm Văn Sam", phuc, None),
        # Acknowledged by the leader's apology, the department's next action.
        ("Sở Y tế", "Sở Tư pháp", "14:00 02/03/2026", hoa, "Quàng Thị Linh", Timeliness.EARLY),
        ("Sở Tài chính", "Sở Tư pháp", "09:00 04/03/2026", phuc, "Cầm Văn Sam", Timeliness.LATE),
        ("Sở Tư pháp", "Sở Tư pháp", "08:00 09/03/2026", "Cầm Văn Sam", "Cầm Văn Sam", Timeliness.LATE),
        ("Sở Tư pháp", desk, "09:00 09/03/2026", "Quàng Thị Linh", "Lò Thị Olga", Timeliness.ON_TIME),
        (desk, "Tổ chức, cá nhân", "10:00 09/03/2026", "Lò Thị Olga", "Lò Văn Bình", Timeliness.LATE),
    ]
    assert slip.outcome == Timeliness.LATE
    assert slip.coordinating == ["Sở Tài chính", "Sở Y tế"]
    page = _text(_get(client, world.officer, "form", story.code, "06"))
    for expected in ("Phiếu kiểm soát quá trình giải quyết hồ sơ", "Trước hạn", "Đúng hạn", "Quá hạn", hoa):
        assert expected in page, expected
    assert page.count("Giao: ") >= 2 * len(rows)


def test_forms_03_refusal_and_05_stop(world, clock, client):
    clock.set(MONDAY)
    online = dossier_submit(
        actor=world.citizen,
        procedure_version=world.version,
        applicant=world.applicant(),
        receiving_agency=world.commune,
    )
    online = act(
        clock, online, at(2, 9, 15), "refuse", world.officer, reason="Thủ tục không thuộc thẩm quyền"
    )
    page = _text(_get(client, world.citizen, "form", online.code, "03"))
    for expected in (
        "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
        "Thủ tục không thuộc thẩm quyền",
        "09:15 02/03/2026",
    ):
        assert expected in page, expected

    d = world.receive(at=MONDAY)
    d = act(clock, d, at(2, 9), "forward", world.officer)
    d = act(
        clock, d, at(3, 11, 5), "stop", world.leader, reason="Người nộp chưa thực hiện nghĩa vụ tài chính"
    )
    page = _text(_get(client, world.citizen, "form", d.code, "05"))
    for expected in (
        "Về việc dừng giải quyết hồ sơ",
        "SỞ TƯ PHÁP",
        "11:05 03/03/2026",
        "Người nộp chưa thực hiện nghĩa vụ tài chính",
        "Quàng Thị Linh",
    ):
        assert expected in page, expected
    # A form the dossier was never issued is a 404.
    assert _get(client, world.officer, "form", d.code, "04").status_code == 404


def test_index_lists_the_issued_forms(world, story, client):
    page = _text(_get(client, world.officer, "index", story.code))
    for number in ("01", "02", "04", "06"):
        assert reverse("dossier_documents:form", args=[story.code, number]) in page
    assert reverse("dossier_documents:form", args=[story.code, "03"]) not in page


# --- QR code and PDF ------------------------------------------------------------------------------------------


def test_qr_payload_names_dossier_procedure_applicant_and_document(world, story):
    dossier = dossier_for(world.officer, story.code)
    context = form_context(dossier, "01")
    url = urlsplit(context["qr_payload"])
    assert url.path == "/tra-cuu/" and parse_qs(url.query) == {"ma": [story.code]}  # a camera opens tracking
    assert dict(parse_qsl(url.fragment)) == {
        "ma_tthc": "2.001263",
        "so_dinh_danh": "014090000001",
        "ten_giay_to": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "mau_so": "01",
        "thoi_diem": "08:00 02/03/2026",
    }
    assert qr_svg(context["qr_payload"]).startswith("<svg")
    assert qr_payload(dossier, context["form"], None)  # builds without an event moment too


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode())


@pytest.mark.parametrize("number", ["01", "02", "04", "06", "07"])
def test_each_pdf_is_a_real_pdf(world, story, client, number, tmp_path):
    response = _get(client, world.officer, "form_pdf", story.code, number)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = _pdf_text(response.content, tmp_path)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert story.code in text.replace("\n", "")


@needs_poppler
def test_pdf_text_keeps_vietnamese_diacritics(world, story, client, tmp_path):
    text = _pdf_text(_get(client, world.officer, "form_pdf", story.code, "01").content, tmp_path)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Nguyễn Văn An",
        "08:00 05/03/2026",
        "Lò Thị Olga",
    ):
        assert expected in text, expected


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler-utils/zbar-tools"
)
def test_qr_in_the_pdf_decodes_to_the_payload(world, story, client, tmp_path):
    response = _get(client, world.officer, "form_pdf", story.code, "01")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True)
    decoded = out.stdout.decode().strip()
    expected = form_context(dossier_for(world.officer, story.code), "01")["qr_payload"]
    assert decoded == expected


# --- the register (Form 07) ---------------------------------------------------------------------------------------


def test_register_html_and_xlsx_hold_the_same_rows(world, story, clock, client):
    clock.set(at(3, 8))
    second = world.receive(
        at=at(3, 8), applicant=world.applicant(name="Trần Thị Bích", identifier="014090000009")
    )
    query = {"agency": world.commune.identifier, "from": "2026-03-01", "to": "2026-03-31"}
    response = _get(client, world.officer, "register", **query)
    assert response.status_code == 200
    register = response.context["register"]
    rows = [row.cells() for row in register.rows]
    assert [(r[0], r[1]) for r in rows] == [(1, story.code), (2, second.code)]
    first = rows[0]
    assert first[3] == "Nguyễn Văn An" and "0912 345 678" in first[4] and first[5] == "Sở Tư pháp"
    assert first[6:10] == (
        "08:00 02/03/2026",
        "11:00 09/03/2026",
        "10:00 09/03/2026",
        "Trực tiếp tại Bộ phận Một cửa",
    )
    assert "Quá hạn" in first[10]
    page = _text(response)
    assert page.count('class="register-row"') == 2 and story.code in page and "Trần Thị Bích" in page

    xlsx = _get(client, world.officer, "register_xlsx", **query)
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(tuple(response.context["columns"]))
    assert values[header + 1 :] == rows

    pdf = _get(client, world.officer, "register_pdf", **query)
    assert pdf.content.startswith(b"%PDF")


def test_register_sequence_matches_form_01(world, story, clock, client):
    clock.set(at(3, 8))
    second = world.receive(at=at(3, 8))
    context = form_context(dossier_for(world.officer, second.code), "01")
    assert (context["register_volume"], context["register_sequence"]) == (1, 2)
    # The register of a later window keeps counting from the start of the year's volume.
    response = _get(
        client, world.officer, "register", agency=world.commune.identifier, **{"from": "2026-03-03"}
    )
    assert [row.sequence for row in response.context["register"].rows] == [2]


def test_dossier_register_page_is_for_staff(world, story, client):
    assert _get(client, world.officer, "form", story.code, "07").status_code == 200
    assert _get(client, world.citizen, "form", story.code, "07").status_code == 404


# --- who may read what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["01", "02", "04"])
def test_applicant_gets_their_own_forms(world, story, client, number):
    assert _get(client, world.citizen, "form", story.code, number).status_code == 200
    assert _get(client, world.citizen, "form_pdf", story.code, number).status_code == 200


def test_applicant_gets_no_control_slip_nor_register(world, story, client):
    assert _get(client, world.citizen, "form", story.code, "06").status_code == 404
    assert _get(client, world.citizen, "register").status_code == 404


@pytest.mark.parametrize("user", ["stranger", "outsider"])
@pytest.mark.parametrize("number", ["01", "02", "04", "06", "07"])
def test_outside_scope_is_not_found(world, story, client, user, number):
    response = _get(client, getattr(world, user), "form", story.code, number)
    assert response.status_code == 404
    assert _get(client, getattr(world, user), "index", story.code).status_code == 404


def test_consulted_agency_sees_the_control_slip(world, story, client):
    assert _get(client, world.health_specialist, "form", story.code, "06").status_code == 200


def test_register_of_another_agency_is_not_found(world, story, client):
    response = _get(client, world.officer, "register", agency=world.other.identifier)
    assert response.status_code == 404
    response = _get(
        client, world.outsider, "register", agency=world.other.identifier, **{"from": "2026-03-01"}
    )
    assert response.status_code == 200 and response.context["register"].rows == []


def test_anonymous_is_sent_to_log_in(world, story, client):
    response = client.get(reverse("dossier_documents:form", args=[story.code, "01"]))
    assert response.status_code == 302


def test_form_01_lists_the_documents_checked_at_reception(world, client):
    dossier = world.receive(documents_received=[2], sets=2)
    assert dossier.events.get(seq=1).payload["documents_received"] == [2]
    page = _text(_get(client, world.officer, "form", dossier.code, "01"))
    assert "Giấy tờ tùy thân" in page and "Tờ khai theo mẫu" not in page
    assert "02 (bộ)" in page


@pytest.mark.parametrize("kwargs", [{"documents_received": [9]}, {"sets": 0}])
def test_reception_refuses_documents_not_on_the_list(world, kwargs):
    from motcua.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        world.receive(**kwargs)


# --- the dossier page and Form 06 show one slip ----------------------------------------------------------


def _cells(html: str, table_marker: str) -> list[list[str]]:
    """The text of each body row of the table that follows `table_marker`, cell by cell."""
    import re

    body = html[html.index(table_marker) :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    clean = lambda cell: " ".join(re.sub(r"<[^>]+>", " ", cell).split())  # noqa: E731
    return [[clean(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]


def test_dossier_page_and_form_06_agree(world, clock, client):
    """Parallel consultations and a send-back: the page's control slip lists the same hand-overs, in the
    same order, with the same result status as the printed Form 06 (one slip, one timeliness rule)."""
    clock.set(MONDAY)
    d = world.receive(at=MONDAY, applicant=world.applicant())
    d = act(clock, d, at(2, 9), "forward", world.officer)
    d = act(clock, d, at(2, 10), "assign", world.leader, assignee="sam")
    d = act(clock, d, at(2, 10, 30), "consult", world.specialist, agencies=["000.00.21.H48", "000.00.22.H48"])
    d = act(clock, d, at(2, 14), "join", world.health_specialist, opinion="Đồng ý")
    d = act(clock, d, at(4, 9), "join", world.finance_specialist, opinion="Đồng ý")
    d = act(clock, d, at(4, 9, 30), "forward", world.specialist)
    d = act(clock, d, at(4, 10), "send_back", world.leader, reason="Xem lại ý kiến Sở Tài chính")
    d = act(clock, d, at(4, 11), "forward", world.specialist)
    d = act(clock, d, at(4, 14), "propose", world.specialist)
    d = act(clock, d, at(4, 15), "approve", world.leader)
    d = act(clock, d, at(4, 16), "mark_result_ready", world.leader)
    d = act(clock, d, at(5, 9), "return_result", world.officer, method="desk")

    slip = control_slip(dossier_for(world.officer, d.code))
    assert any(r.status == Timeliness.LATE for r in slip.rows) and any(r.status is None for r in slip.rows)
    client.force_login(world.officer)
    page = _text(client.get(reverse("dossiers:detail", args=[d.code])))
    form = _text(client.get(reverse("dossier_documents:form", args=[d.code, "06"])))
    page_rows = _cells(page, 'id="control-slip"')
    form_rows = _cells(form, "Kết quả giải quyết hồ sơ<br>")
    assert len(page_rows) == len(form_rows) == len(slip.rows) == 10
    for row, on_page, on_form in zip(slip.rows, page_rows, form_rows, strict=True):
        assert on_page[0].startswith(row.giver) and on_page[2] == row.receiver
        assert on_form[1] == f"Giao: {row.giver} Nhận: {row.receiver}"
        assert on_page[1] == row.given_at and f"Giao: {row.given_at}" in on_form[2]
        # Same status on both, each in its wording (the page in the reader's language, the form in law's).
        assert on_form[3] == (row.status.legal_label if row.status else "—")
        assert on_page[4].casefold() == (row.status.legal_label.casefold() if row.status else "—")


def test_the_register_xlsx_keeps_a_formula_like_applicant_name_as_text(world, story, clock, client):
    # Issue 10, item 4: a citizen's name is typed by the citizen; the officer opens the register in Excel.
    clock.set(at(3, 8))
    evil = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
    world.receive(
        at=at(3, 8), applicant=world.applicant(name=evil, identifier="014090000009", address="@SUM(1+1)")
    )
    query = {"agency": world.commune.identifier, "from": "2026-03-01", "to": "2026-03-31"}
    sheet = load_workbook(
        io.BytesIO(_get(client, world.officer, "register_xlsx", **query).content)
    ).worksheets[0]
    cells = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in (evil,) or str(cell.value).startswith("@")
    ]
    assert {cell.value for cell in cells} >= {evil}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
