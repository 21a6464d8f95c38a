"""The filing pages: drafts from two devices, refused uploads posted raw, submit, supplement, rating,
and isolation (another citizen gets 404 everywhere and sees nothing in lists)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from motcua.dossiers.models import Dossier
from motcua.filing.models import Attachment, Draft
from motcua.filing.tests.conftest import EXE, PDF, PNG, stored_files, zip_bomb
from motcua.filing.tests.helpers import act, complete_draft, file_online, finish, receive_and_ask_supplement

pytestmark = pytest.mark.django_db


NAME_REFUSED = "The file name is not acceptable: use a plain name such as “van-ban.pdf”, without folders."


def shown(msgid: str) -> str:
    """The part of a (core) message the page shows before its first placeholder, in Vietnamese if translated."""
    with translation.override("vi"):
        return escape(translation.gettext(msgid).split("%(")[0])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fields(draft, **overrides) -> dict:
    data = {"version": draft.version, "name": "Nguyễn Văn An", "phone": "0912345678", "save": "1"}
    data.update(overrides)
    return data


def post_raw_multipart(client, url, data: dict, files: list[tuple[str, str, bytes]]):
    """POST a multipart body by hand: the test client would strip folders from file names."""
    boundary = "----motcua-filing-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in data.items()
    ]
    for field, name, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.generic(
        "POST", url, b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_the_procedure_page_offers_online_filing(world, client):
    html = client.get(
        reverse("portal:procedure_detail", args=[world.version.procedure.code])
    ).content.decode()
    assert reverse("filing:start", args=[world.version.procedure.code]) in html


def test_filing_needs_a_sign_in(world, client):
    response = client.get(reverse("filing:start", args=[world.version.procedure.code]))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_start_then_resume_from_another_device_with_the_profile_prefilled(world, media):
    phone, laptop = signed_in(world.citizen), signed_in(world.citizen)
    start = reverse("filing:start", args=[world.version.procedure.code])
    response = phone.post(start)
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filing:draft", args=[draft.pk])
    html = phone.get(response["Location"]).content.decode()
    assert 'value="Nguyễn Văn An"' in html and 'value="014090000001"' in html
    phone.post(
        reverse("filing:draft", args=[draft.pk]),
        {**fields(draft, address="Bản Mòng"), "doc-1": _file("to-khai.pdf", PDF)},
    )
    # The laptop finds the same draft, with what the phone saved.
    assert str(draft.pk) in laptop.get(start).content.decode()
    html = laptop.get(reverse("filing:draft", args=[draft.pk])).content.decode()
    assert 'value="Bản Mòng"' in html and "to-khai.pdf" in html
    assert reverse("filing:draft", args=[draft.pk]) in laptop.get(reverse("filing:mine")).content.decode()


def _file(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_stale_save_shows_a_conflict_message_and_the_latest_data(world, media):
    draft = complete_draft(world)
    phone, laptop = signed_in(world.citizen), signed_in(world.citizen)
    url = reverse("filing:draft", args=[draft.pk])
    assert phone.post(url, fields(draft, address="Từ điện thoại")).status_code == 302
    response = laptop.post(url, fields(draft, address="Từ máy tính"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "thiết bị khác" in html and 'value="Từ điện thoại"' in html
    assert Draft.objects.get().applicant["address"] == "Từ điện thoại"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("to-khai.pdf", PDF + b"x" * 200_000, "The file is too large: at most %(limit)s."),
        ("setup.pdf", EXE, "The content of the file is not a .%(ext)s document."),
        ("../../etc/to-khai.pdf", PDF, NAME_REFUSED),
        ("..\\..\\to-khai.pdf", PDF, NAME_REFUSED),
        ("bao-cao.docx", None, "The document is too large once unpacked."),
    ],
    ids=["oversized", "exe-renamed-pdf", "path-separators", "windows-separators", "zip-bomb-docx"],
)
def test_bad_uploads_on_the_page_are_refused_clearly_and_nothing_is_stored(
    world, media, settings, name, content, message
):
    settings.MAX_UPLOAD_BYTES = 100_000
    draft = complete_draft(world)
    before_rows, before_files = Attachment.objects.count(), len(stored_files(media))
    client = signed_in(world.citizen)
    content = zip_bomb() if content is None else content
    response = post_raw_multipart(
        client, reverse("filing:draft", args=[draft.pk]), fields(draft), [("doc-1", name, content)]
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "không được chấp nhận" in html and shown(message) in html
    assert Attachment.objects.count() == before_rows
    assert len(stored_files(media)) == before_files


def test_a_raw_post_without_the_csrf_token_is_refused(world, media):
    draft = complete_draft(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)
    response = post_raw_multipart(
        client, reverse("filing:draft", args=[draft.pk]), fields(draft), [("doc-1", "a.pdf", PDF)]
    )
    assert response.status_code == 403


def test_remove_a_file_from_the_draft(world, media):
    draft = complete_draft(world)
    row = Attachment.objects.first()
    response = signed_in(world.citizen).post(reverse("filing:draft", args=[draft.pk]), {"remove": row.pk})
    assert response.status_code == 302 and not Attachment.objects.filter(pk=row.pk).exists()


def test_review_with_missing_documents_says_which_and_submits_nothing(world, media):
    client = signed_in(world.citizen)
    client.post(reverse("filing:start", args=[world.version.procedure.code]))
    draft = Draft.objects.get()
    client.post(
        reverse("filing:draft", args=[draft.pk]), {**fields(draft), "doc-1": _file("to-khai.pdf", PDF)}
    )
    draft.refresh_from_db()
    html = client.get(reverse("filing:review", args=[draft.pk])).content.decode()
    assert "Căn cước công dân" in html
    response = client.post(reverse("filing:review", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 400 and "Căn cước công dân" in response.content.decode()
    assert not Dossier.objects.exists()


def test_submit_twice_makes_one_dossier_and_shows_its_code_and_expected_appointment(world, media):
    client = signed_in(world.citizen)
    client.post(reverse("filing:start", args=[world.version.procedure.code]))
    draft = Draft.objects.get()
    client.post(
        reverse("filing:draft", args=[draft.pk]),
        {
            **fields(draft),
            "doc-1": _file("to-khai.pdf", PDF),
            "doc-2": _file("cccd.png", PNG, "image/png"),
            "review": "1",
        },
    )
    draft.refresh_from_db()
    first = client.post(reverse("filing:review", args=[draft.pk]), {"version": draft.version})
    second = client.post(reverse("filing:review", args=[draft.pk]), {"version": draft.version})
    assert first.status_code == second.status_code == 302
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    html = client.get(first["Location"]).content.decode()
    assert dossier.code in html and "dự kiến" in html
    assert Attachment.objects.filter(dossier=dossier).count() == 2


def test_my_dossier_page_shows_the_timeline_forms_and_the_supplement_request(world, media):
    dossier = file_online(world)
    receive_and_ask_supplement(world, dossier.code, reason="Bổ sung <b>bản sao</b> chứng thực")
    client = signed_in(world.citizen)
    html = client.get(reverse("filing:dossier", args=[dossier.code])).content.decode()
    assert "đã nộp, chờ tiếp nhận" in html and "đã tiếp nhận" in html and "chờ bạn bổ sung hồ sơ" in html
    assert "Bổ sung &lt;b&gt;bản sao&lt;/b&gt; chứng thực" in html  # word for word, escaped
    assert reverse("dossier_documents:form_pdf", kwargs={"code": dossier.code, "number": "01"}) in html
    assert reverse("dossier_documents:form_pdf", kwargs={"code": dossier.code, "number": "02"}) in html
    assert reverse("filing:supplement", args=[dossier.code]) in html
    assert "Mẫu 01:" in html and "Hình thức 01" not in html  # numbered forms are "Mẫu", not "form of a copy"
    assert "Thời hạn giải quyết đang tạm dừng" in html  # the printed appointment moves while paused
    listing = client.get(reverse("filing:mine")).content.decode()
    assert dossier.code in listing and "Chờ bạn bổ sung hồ sơ" in listing


def test_supplement_on_the_page_keeps_the_code(world, media):
    dossier = file_online(world)
    dossier = receive_and_ask_supplement(world, dossier.code)
    client = signed_in(world.citizen)
    response = client.post(
        reverse("filing:supplement", args=[dossier.code]),
        {"version": dossier.version, "note": "Đã bổ sung", "doc-2": _file("cccd-chung-thuc.pdf", PDF)},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "filing:dossier", args=[dossier.code]
    )
    assert Dossier.objects.get().status == "in_progress" and Dossier.objects.count() == 1
    assert Attachment.objects.filter(dossier=dossier, supplement_round=1).count() == 1


def test_a_bad_supplement_file_posted_raw_is_refused_and_nothing_is_stored(world, media):
    dossier = receive_and_ask_supplement(world, file_online(world).code)
    before = len(stored_files(media))
    response = post_raw_multipart(
        signed_in(world.citizen),
        reverse("filing:supplement", args=[dossier.code]),
        {"version": dossier.version},
        [("doc-2", "../x.pdf", PDF)],
    )
    assert response.status_code == 400 and shown(NAME_REFUSED) in response.content.decode()
    assert Dossier.objects.get().status == "awaiting_supplement"
    assert len(stored_files(media)) == before


def test_rating_once_returned(world, media):
    dossier = file_online(world)
    act(dossier.code, "receive", world.officer)
    act(dossier.code, "forward", world.officer)
    finish(world, dossier.code)
    client = signed_in(world.citizen)
    html = client.get(reverse("filing:dossier", args=[dossier.code])).content.decode()
    assert reverse("filing:rate", args=[dossier.code]) in html and dossier.code + "-KQ1" in html
    response = client.post(
        reverse("filing:rate", args=[dossier.code]), {"stars": "5", "contacts": "0", "comment": "Tốt"}
    )
    assert response.status_code == 302
    html = client.get(reverse("filing:dossier", args=[dossier.code])).content.decode()
    assert "5 sao" in html and reverse("filing:rate", args=[dossier.code]) not in html


def test_another_citizen_gets_404_everywhere_and_sees_nothing(world, media):
    draft = complete_draft(world)
    submitted = file_online(world)  # a second procedure draft is not possible: the first one was used
    row = Attachment.objects.filter(dossier=submitted).first()
    draft_row = Attachment.objects.filter(draft=draft, dossier__isnull=True).first()
    stranger = signed_in(world.stranger)
    urls = [
        reverse("filing:draft", args=[draft.pk]),
        reverse("filing:review", args=[draft.pk]),
        reverse("filing:submitted", args=[submitted.filing_draft.pk]),
        reverse("filing:dossier", args=[submitted.code]),
        reverse("filing:attachment", args=[row.pk]),
    ]
    if draft_row:
        urls.append(reverse("filing:attachment", args=[draft_row.pk]))
    for url in urls:
        assert stranger.get(url).status_code == 404, url
    for url, data in [
        (reverse("filing:draft", args=[draft.pk]), fields(draft)),
        (reverse("filing:review", args=[draft.pk]), {"version": draft.version}),
        (reverse("filing:supplement", args=[submitted.code]), {"version": submitted.version, "note": "x"}),
        (reverse("filing:rate", args=[submitted.code]), {"stars": "1", "contacts": "0"}),
    ]:
        assert stranger.post(url, data).status_code == 404, url
    listing = stranger.get(reverse("filing:mine")).content.decode()
    assert submitted.code not in listing and reverse("filing:draft", args=[draft.pk]) not in listing
    assert Draft.objects.get(pk=draft.pk).applicant["name"] == "Nguyễn Văn An"


def test_attachment_download_for_owner_and_staff_in_scope_only(world, media):
    dossier = file_online(world)
    row = Attachment.objects.filter(dossier=dossier, document_position=1).first()
    url = reverse("filing:attachment", args=[row.pk])
    for user in (world.citizen, world.officer, world.specialist):
        response = signed_in(user).get(url)
        assert response.status_code == 200
        assert (
            response["Content-Disposition"].startswith("attachment;")
            and "to-khai.pdf" in response["Content-Disposition"]
        )
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    assert signed_in(world.outsider).get(url).status_code == 404
    assert signed_in(world.stranger).get(url).status_code == 404


def test_the_draft_and_its_files_are_saved_together_or_not_at_all(world, media):
    """One service, one transaction: a refused file leaves the draft as it was (fields and files), the page
    keeps what was typed and names the refused file; the same post with good files saves everything."""
    client = signed_in(world.citizen)
    client.post(reverse("filing:start", args=[world.version.procedure.code]))
    draft = Draft.objects.get()
    before = (draft.version, dict(draft.applicant))
    typed = fields(draft, name="Nguyễn Văn Bình", address="Bản Hẹo, xã Chiềng Mung")
    response = client.post(
        reverse("filing:draft", args=[draft.pk]),
        {**typed, "doc-1": _file("to-khai.pdf", PDF), "doc-2": _file("cccd.pdf", EXE)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "cccd.pdf" in html and "không được chấp nhận" in html
    assert escape("Nguyễn Văn Bình") in html or "Nguyễn Văn Bình" in html  # what was typed stays
    draft.refresh_from_db()
    assert (draft.version, draft.applicant) == before and not Attachment.objects.exists()
    assert stored_files(media) == []

    response = client.post(
        reverse("filing:draft", args=[draft.pk]),
        {**typed, "doc-1": _file("to-khai.pdf", PDF), "doc-2": _file("cccd.pdf", PDF)},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == before[0] + 1 and draft.applicant["name"] == "Nguyễn Văn Bình"
    assert sorted(Attachment.objects.values_list("document_position", flat=True)) == [1, 2]
