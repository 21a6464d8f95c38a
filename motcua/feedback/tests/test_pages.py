import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.feedback import services
from motcua.feedback.choices import PetitionStatus
from motcua.feedback.models import Petition
from motcua.feedback.tests.helpers import EXE, PDF, route, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = PetitionStatus


def form_data(category, **overrides):
    data = {
        "category": category.code,
        "subject": "Giấy tờ không cần thiết",
        "content": "Xã yêu cầu bản sao sổ hộ khẩu.",
        "submitter_name": "Phạm Thị Dung",
        "submitter_phone": "0912345678",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def post_raw_multipart(client, url, fields, file_name, content):
    """POST a multipart body by hand: the test client would strip folders from the file name."""
    boundary = "----motcua-test-boundary"
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.generic(
        "POST", url, b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_submit_form_has_csrf_and_labels(client):
    response = client.get(reverse("feedback:submit"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in html and 'enctype="multipart/form-data"' in html
    for field in (
        "category",
        "subject",
        "content",
        "attachment",
        "submitter_name",
        "submitter_phone",
        "is_public",
    ):
        assert f'for="id_{field}"' in html and f'id="id_{field}"' in html


def test_submit_then_confirmation_with_code(client, category, tmp_path):
    pdf = tmp_path / "don.pdf"
    pdf.write_bytes(PDF)
    with pdf.open("rb") as fh:
        response = client.post(reverse("feedback:submit"), form_data(category, attachment=fh))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == reverse("feedback:submitted", args=[petition.code])
    assert petition.attachment_name == "don.pdf" and petition.is_public
    page = client.get(response.url)
    assert page.status_code == 200 and petition.code in page.content.decode()


def test_csrf_is_enforced(category):
    response = Client(enforce_csrf_checks=True).post(reverse("feedback:submit"), form_data(category))
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_bad_input_gives_form_errors(client, category):
    response = client.post(reverse("feedback:submit"), form_data(category, submitter_phone="", content=""))
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "not a .pdf document"),
        ("../../x.pdf", PDF, "file name is not acceptable"),
        ("to.pdf", PDF + b"0" * 4096, "too large"),
    ],
)
def test_bad_uploads_are_refused_on_the_page(client, category, settings, _media, name, content, message):
    settings.MAX_UPLOAD_BYTES = 1024
    response = post_raw_multipart(client, reverse("feedback:submit"), form_data(category), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Petition.objects.exists()
    assert not any(p.is_file() for p in _media.rglob("*")) if _media.exists() else True


def test_public_list_search_and_detail(client, category, reviewer, specialist, department):
    petition = route(submit(category, subject="Lệ phí đăng ký kết hôn"), reviewer=reviewer, agency=department)
    hidden = submit(category, subject="Đăng ký kết hôn chưa trả lời")
    services.petition_answer(actor=specialist, code=petition.code, answer="Không thu lệ phí.")
    services.petition_publish(actor=reviewer, code=petition.code)
    url = reverse("feedback:public_list")
    html = client.get(url, {"q": "dang ky ket hon"}).content.decode()
    assert petition.code in html and hidden.code not in html
    today = timezone.localdate().isoformat()
    html = client.get(
        url, {"q": "LỆ PHÍ", "category": category.code, "date_from": today, "date_to": today}
    ).content
    assert petition.code in html.decode()
    assert petition.code not in client.get(url, {"q": "xay dung"}).content.decode()
    assert client.get(url, {"date_from": "not-a-date"}).status_code == 400
    detail = client.get(reverse("feedback:public_detail", args=[petition.code]))
    assert detail.status_code == 200 and "Không thu lệ phí." in detail.content.decode()
    assert client.get(reverse("feedback:public_detail", args=[hidden.code])).status_code == 404


def test_lookup_by_code_shows_status_only(client, category):
    petition = submit(category, submitter_phone="0912345678")
    html = client.get(reverse("feedback:lookup"), {"code": petition.code.lower()}).content.decode()
    assert petition.code in html and str(S.RECEIVED.label) in html
    assert "0912345678" not in html and petition.content not in html
    missing = client.get(reverse("feedback:lookup"), {"code": "PAKN-000000-9999"})
    assert missing.status_code == 200 and "field-error" in missing.content.decode()


def test_staff_pages_need_login(client):
    response = client.get(reverse("feedback:staff_queue"))
    assert response.status_code == 302 and response.url.startswith("/tai-khoan/dang-nhap/")


def _post_action(client, petition, action, **data):
    petition.refresh_from_db()
    payload = {f"{action}-{k}": v for k, v in {"version": petition.version, **data}.items()}
    return client.post(reverse("feedback:staff_action", args=[petition.code, action]), payload)


def test_staff_walk_through(client, category, reviewer, specialist, outsider, department):
    petition = submit(category)
    client.force_login(reviewer)
    queue = client.get(reverse("feedback:staff_queue"))
    assert queue.status_code == 200 and petition.code in queue.content.decode()
    detail = client.get(reverse("feedback:staff_detail", args=[petition.code])).content.decode()
    assert "csrfmiddlewaretoken" in detail
    assert f"/xu-ly/{petition.code}/classify/" in detail and f"/xu-ly/{petition.code}/reject/" in detail
    assert "/answer/" not in detail

    assert _post_action(client, petition, "classify", category=category.code).status_code == 302
    response = _post_action(client, petition, "assign", agency=department.pk, due_date="")
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == S.ASSIGNED

    client.force_login(outsider)
    assert client.get(reverse("feedback:staff_detail", args=[petition.code])).status_code == 404
    assert _post_action(client, petition, "answer", answer="x").status_code == 404

    client.force_login(specialist)
    detail = client.get(reverse("feedback:staff_detail", args=[petition.code])).content.decode()
    assert "/answer/" in detail and "/publish/" not in detail
    assert _post_action(client, petition, "answer", answer="").status_code == 400
    assert _post_action(client, petition, "answer", answer="Đã chấn chỉnh.").status_code == 302

    client.force_login(reviewer)
    assert _post_action(client, petition, "publish").status_code == 302
    petition.refresh_from_db()
    assert petition.status == S.PUBLISHED
    assert petition.code in client.get(reverse("feedback:public_list")).content.decode()


def test_stale_form_shows_a_conflict(client, category, reviewer):
    petition = submit(category)
    client.force_login(reviewer)
    url = reverse("feedback:staff_action", args=[petition.code, "classify"])
    assert client.post(url, {"classify-version": 1, "classify-category": category.code}).status_code == 302
    response = client.post(url, {"classify-version": 1, "classify-category": category.code})
    assert response.status_code == 400 and "Someone else changed" in response.content.decode()


def test_queue_flags_overdue(client, category, reviewer):
    petition = submit(category)
    Petition.objects.filter(pk=petition.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(reviewer)
    html = client.get(reverse("feedback:staff_queue"), {"overdue": "1"}).content.decode()
    assert petition.code in html and re.search(r'class="overdue"', html) and "badge-overdue" in html


def test_bad_action_and_method(client, category, reviewer):
    petition = submit(category)
    client.force_login(reviewer)
    assert client.post(reverse("feedback:staff_action", args=[petition.code, "explode"])).status_code == 404
    assert client.get(reverse("feedback:staff_action", args=[petition.code, "classify"])).status_code == 405
    response = client.post(
        reverse("feedback:staff_action", args=[petition.code, "assign"]), {"assign-version": "x"}
    )
    assert response.status_code == 400
