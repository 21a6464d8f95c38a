"""The electronic result: a real PDF attached when the result is ready, stored privately, recorded in the
hash-chained events, downloadable by staff who see the dossier and by its applicant once returned online."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.core.testing.pages import refusal_text
from motcua.dossiers.models import ResultFile
from motcua.dossiers.pdf import html_to_pdf
from motcua.dossiers.results import result_attach
from motcua.dossiers.selectors import result_file_for
from motcua.dossiers.services import dossier_act
from motcua.org.services import api_token_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module")
def pdf() -> bytes:
    """A real PDF, rendered by WeasyPrint like the project's forms."""
    return html_to_pdf("<html><body><h1>Phiếu lý lịch tư pháp số 01/2026</h1></body></html>")


def upload(content: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def act(dossier, action, actor, **payload):
    return dossier_act(
        dossier_code=dossier.code, action=action, actor=actor, version=dossier.version, **payload
    )


@pytest.fixture
def approved(world):
    """Received at the commune desk, at the Department of Justice, proposed and approved."""
    d = world.receive()
    d = act(d, "forward", world.officer)
    d = act(d, "propose", world.specialist)
    return act(d, "approve", world.leader)


@pytest.fixture
def ready(world, approved, pdf):
    return result_attach(
        actor=world.leader,
        dossier_code=approved.code,
        version=approved.version,
        upload=upload(pdf),
        mark_ready=True,
    )


def stored_files() -> list[Path]:
    return [p for p in Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


# --- attaching ------------------------------------------------------------------------------------------


def test_marking_ready_with_the_result_records_it_in_the_event(world, ready, pdf, capsys):
    assert ready.status == "result_ready"
    row = ResultFile.objects.get(dossier=ready)
    event = ready.events.get(seq=ready.version)
    assert event.action == "mark_result_ready" and row.event_seq == event.seq
    assert event.payload["result_file"] == {
        "name": "ket-qua.pdf",
        "size": len(pdf),
        "sha256": hashlib.sha256(pdf).hexdigest(),
    }
    assert (row.content_type, row.uploaded_by_name) == ("application/pdf", "Quàng Thị Linh")
    # Stored privately under a random name, outside MEDIA_ROOT, with no URL.
    (path,) = stored_files()
    assert path.read_bytes() == pdf and path.name != "ket-qua.pdf" and path.suffix == ".pdf"
    assert not path.is_relative_to(Path(django_settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        row.file.url  # noqa: B018
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "every event chain intact" in out and "1 electronic results match their events" in out


def test_attaching_again_replaces_it_and_the_online_return_names_it(world, ready, pdf):
    corrected = pdf.replace(b"%%EOF", b"%%EOF\n%corrected")
    d = result_attach(
        actor=world.specialist,
        dossier_code=ready.code,
        version=ready.version,
        upload=upload(corrected, "kq.pdf"),
    )
    assert d.status == "result_ready" and d.version == ready.version + 1
    assert d.events.get(seq=d.version).action == "attach_result"
    assert result_file_for(world.specialist, d.code).sha256 == hashlib.sha256(corrected).hexdigest()
    d = act(d, "return_result", world.officer, method="online")
    assert d.result_code == f"{d.code}-KQ1"
    returned = d.events.get(seq=d.version).payload
    assert returned["result_file"] == {
        "name": "kq.pdf",
        "size": len(corrected),
        "sha256": hashlib.sha256(corrected).hexdigest(),
    }
    assert ResultFile.objects.filter(dossier=d).count() == 2  # the replaced one stays for the record


def test_attach_result_needs_a_file(world, ready):
    with pytest.raises(InvalidInput) as err:
        act(ready, "attach_result", world.leader)
    assert err.value.code == "result_file_required"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (EXE, "ket-qua.pdf", "upload_bad_type"),  # a program renamed .pdf
        (PNG, "ket-qua.pdf", "upload_bad_type"),
        (b"%PDF-1.4 but a .docx", "ket-qua.docx", "upload_bad_type"),
        (b"", "ket-qua.pdf", "upload_empty"),
        (b"%PDF-1.4\n" + b"0" * 2048, "ket-qua.pdf", "upload_too_large"),
    ],
)
def test_refused_files_leave_nothing(world, approved, settings, content, name, code):
    settings.MOTCUA_RESULT_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as err:
        result_attach(
            actor=world.leader,
            dossier_code=approved.code,
            version=approved.version,
            upload=upload(content, name),
            mark_ready=True,
        )
    assert err.value.code == code and err.value.message
    approved.refresh_from_db()
    assert approved.status == "in_progress" and approved.events.count() == approved.version == 4
    assert not ResultFile.objects.exists() and stored_files() == []


def test_a_name_with_folders_is_refused(world, approved, pdf):
    with pytest.raises(InvalidInput) as err:
        result_attach(
            actor=world.leader,
            dossier_code=approved.code,
            version=approved.version,
            upload=upload(pdf),
            sent_name="../../ket-qua.pdf",
            mark_ready=True,
        )
    assert err.value.code == "upload_bad_name"


@pytest.mark.parametrize(
    ("change", "error", "code"),
    [
        ({"version": 1}, Conflict, "stale_version"),
        (
            {"mark_ready": False},
            Conflict,
            "transition_not_allowed",
        ),  # attach_result before the result is ready
        ({"actor": "outsider"}, NotFound, "dossier_not_found"),
    ],
)
def test_a_refused_action_stores_nothing(world, approved, pdf, change, error, code):
    kwargs = {"actor": world.leader, "version": approved.version, "mark_ready": True, **change}
    if kwargs["actor"] == "outsider":
        kwargs["actor"] = world.outsider
    with pytest.raises(error) as err:
        result_attach(dossier_code=approved.code, upload=upload(pdf), **kwargs)
    assert err.value.code == code
    assert not ResultFile.objects.exists() and stored_files() == []


def test_verify_audit_finds_an_altered_file(world, ready, capsys):
    (path,) = stored_files()
    path.write_bytes(path.read_bytes() + b"\n% tampered")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "the stored file was altered (SHA-256 mismatch)" in capsys.readouterr().err
    row = ResultFile.objects.get()
    ResultFile.objects.filter(pk=row.pk).update(sha256="0" * 64)
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "does not match the file its event records" in capsys.readouterr().err


# --- who may download it ------------------------------------------------------------------------------


def staff_url(code: str) -> str:
    return reverse("dossiers:result_file", kwargs={"code": code})


def applicant_url(code: str) -> str:
    return reverse("filing:result_file", kwargs={"code": code})


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_staff_who_see_the_dossier_download_it_others_get_404(world, ready, pdf, client):
    for user in (world.leader, world.specialist, world.officer):  # competent and receiving agencies
        response = get(client, user, staff_url(ready.code))
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == pdf
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"].startswith("attachment")
            and "ket-qua.pdf" in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    missing_code = "000.00.31.H48-260302-9999"
    for user in (world.outsider, world.health_specialist):  # other agencies, not part of the dossier
        missing = get(client, user, staff_url(missing_code))
        response = get(client, user, staff_url(ready.code))
        assert response.status_code == 404
        assert refusal_text(response, ready.code) == refusal_text(missing, missing_code)
    assert (
        get(client, world.citizen, staff_url(ready.code)).status_code == 403
    )  # the back office is for staff
    anonymous = get(client, None, staff_url(ready.code))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_applicant_downloads_it_once_returned_online(world, ready, pdf, client):
    assert ready.applicant_user == world.citizen
    # Ready, not yet returned: not for the applicant yet.
    assert get(client, world.citizen, applicant_url(ready.code)).status_code == 404
    page = get(client, world.citizen, reverse("filing:dossier", kwargs={"code": ready.code})).content.decode()
    assert applicant_url(ready.code) not in page

    returned = act(ready, "return_result", world.officer, method="online")
    response = get(client, world.citizen, applicant_url(returned.code))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    page = get(
        client, world.citizen, reverse("filing:dossier", kwargs={"code": returned.code})
    ).content.decode()
    assert applicant_url(returned.code) in page and returned.result_code in page
    mine = get(client, world.citizen, reverse("filing:mine")).content.decode()
    assert applicant_url(returned.code) in mine

    assert get(client, world.stranger, applicant_url(returned.code)).status_code == 404
    assert get(client, world.outsider, applicant_url(returned.code)).status_code == 404
    anonymous = get(client, None, applicant_url(returned.code))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_result_returned_at_the_desk_is_not_offered_online(world, ready, client):
    returned = act(ready, "return_result", world.officer, method="desk")
    assert get(client, world.citizen, applicant_url(returned.code)).status_code == 404
    assert get(client, world.leader, staff_url(returned.code)).status_code == 200


# --- the back-office page ---------------------------------------------------------------------------------


def action_url(code: str, action: str) -> str:
    return reverse("dossiers:action", kwargs={"code": code, "action": action})


def test_the_mark_ready_form_takes_the_pdf(world, approved, pdf, client):
    client.force_login(world.leader)
    page = client.get(reverse("dossiers:detail", kwargs={"code": approved.code})).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="mark_result_ready-result_file"' in page
    response = client.post(
        action_url(approved.code, "mark_result_ready"),
        {"mark_result_ready-version": approved.version, "mark_result_ready-result_file": upload(pdf)},
    )
    assert response.status_code == 302
    row = ResultFile.objects.get(dossier=approved)
    page = client.get(reverse("dossiers:detail", kwargs={"code": approved.code})).content.decode()
    assert staff_url(approved.code) in page and row.sha256 in page
    assert 'name="attach_result-result_file"' in page  # replace it while the result waits


def test_the_form_says_why_a_disguised_file_is_refused(world, approved, client):
    client.force_login(world.leader)
    response = client.post(
        action_url(approved.code, "mark_result_ready"),
        {
            "mark_result_ready-version": approved.version,
            "mark_result_ready-note": "Kết quả đã ký số",
            "mark_result_ready-result_file": upload(EXE, "ket-qua.pdf"),
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "The content of the file is not a .pdf document." in page
    assert "Kết quả đã ký số" in page  # the note typed is kept
    approved.refresh_from_db()
    assert approved.status == "in_progress" and not ResultFile.objects.exists() and stored_files() == []


def test_the_form_refuses_a_file_without_a_csrf_token(world, approved, pdf):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.leader)
    response = strict.post(
        action_url(approved.code, "mark_result_ready"),
        {"mark_result_ready-version": approved.version, "mark_result_ready-result_file": upload(pdf)},
    )
    assert response.status_code == 403 and not ResultFile.objects.exists()


# --- the API ---------------------------------------------------------------------------------------------


def api_post(client, user, code, data):
    token = api_token_issue(username=user.username, password="correct horse battery")
    return client.post(f"/api/v1/dossiers/{code}/result-file", data, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_attaches_the_result(world, approved, pdf, client):
    stale = api_post(
        client, world.leader, approved.code, {"version": 1, "mark_ready": "true", "file": upload(pdf)}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    bad = api_post(
        client,
        world.leader,
        approved.code,
        {"version": approved.version, "mark_ready": "true", "file": upload(EXE)},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "upload_bad_type" and bad.json()["message"]
    hidden = api_post(
        client,
        world.outsider,
        approved.code,
        {"version": approved.version, "mark_ready": "true", "file": upload(pdf)},
    )
    assert hidden.status_code == 404 and hidden.json()["code"] == "dossier_not_found"
    missing = api_post(client, world.leader, approved.code, {"version": approved.version})
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert stored_files() == []

    ok = api_post(
        client,
        world.leader,
        approved.code,
        {"version": approved.version, "mark_ready": "true", "file": upload(pdf)},
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == "result_ready" and body["version"] == approved.version + 1
    assert body["result_file"]["sha256"] == hashlib.sha256(pdf).hexdigest() and body["result_file"][
        "size"
    ] == len(pdf)
    assert body["events"][-1]["payload"]["result_file"]["sha256"] == body["result_file"]["sha256"]

    # The applicant's view of the dossier names no file before the result is returned online.
    token = api_token_issue(username=world.citizen.username, password="correct horse battery")
    mine = client.get(f"/api/v1/dossiers/{approved.code}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert mine["result_file"] is None
