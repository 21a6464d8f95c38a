"""Drafts, files, submission and the applicant's supplement, through the services."""

from __future__ import annotations

import pytest

from motcua.catalog.choices import OnlineService
from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.filing import selectors, services
from motcua.filing.choices import DraftStatus
from motcua.filing.models import Attachment, Draft
from motcua.filing.tests.conftest import EXE, PDF, make_online_procedure, stored_files, upload, zip_bomb
from motcua.filing.tests.helpers import act, complete_draft, file_online, finish, receive_and_ask_supplement

pytestmark = pytest.mark.django_db


def test_a_new_draft_is_prefilled_from_the_profile_and_resumed_not_forked(world):
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    assert draft.applicant["name"] == "Nguyễn Văn An"
    assert draft.applicant["identifier"] == "014090000001"
    assert draft.applicant["phone"] == "0912345678"
    again = services.draft_create(owner=world.citizen, procedure_version=world.version)
    assert again.pk == draft.pk
    assert Draft.objects.count() == 1


def test_a_procedure_not_online_cannot_be_started(world):
    version = make_online_procedure(world.dept, code="1.000001", online=OnlineService.NONE)
    with pytest.raises(InvalidInput) as exc:
        services.draft_create(owner=world.citizen, procedure_version=version)
    assert exc.value.code == "not_online"


def test_saving_from_a_stale_page_is_refused_and_overwrites_nothing(world):
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    first = services.draft_save(
        actor=world.citizen, draft_id=draft.pk, version=draft.version, applicant={"name": "Trên điện thoại"}
    )
    assert first.version == draft.version + 1
    with pytest.raises(Conflict) as exc:
        services.draft_save(
            actor=world.citizen, draft_id=draft.pk, version=draft.version, applicant={"name": "Trên máy tính"}
        )
    assert exc.value.code == "stale_draft"
    assert Draft.objects.get(pk=draft.pk).applicant["name"] == "Trên điện thoại"


def test_another_citizen_cannot_touch_a_draft(world):
    draft = complete_draft(world)
    with pytest.raises(NotFound):
        selectors.draft_for(world.stranger, draft.pk)
    with pytest.raises(NotFound):
        services.draft_save(actor=world.stranger, draft_id=draft.pk, version=draft.version, applicant={})
    with pytest.raises(NotFound):
        services.attachment_add(actor=world.stranger, draft_id=draft.pk, upload=upload(), position=1)
    with pytest.raises(NotFound):
        services.draft_submit(actor=world.stranger, draft_id=draft.pk, version=draft.version)
    with pytest.raises(NotFound):
        services.attachment_remove(actor=world.stranger, attachment_id=Attachment.objects.first().pk)
    assert not selectors.drafts_of(world.stranger).exists()
    assert not selectors.attachments_for(world.stranger, draft).exists()


def test_files_are_stored_under_random_names_with_their_digest(world, media):
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    row = services.attachment_add(
        actor=world.citizen, draft_id=draft.pk, upload=upload("Tờ khai.pdf"), position=1
    )
    assert row.name == "Tờ khai.pdf" and row.document_name.startswith("Tờ khai")
    assert row.content_type == "application/pdf" and row.size == len(PDF) and len(row.sha256) == 64
    assert (
        "Tờ" not in row.file.name and row.file.name.startswith("filing/") and row.file.name.endswith(".pdf")
    )
    assert len(stored_files(media)) == 1
    services.attachment_remove(actor=world.citizen, attachment_id=row.pk)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("make", "sent_name", "code"),
    [
        (lambda: upload("to-khai.pdf", PDF + b"x" * 200_000), None, "upload_too_large"),
        (lambda: upload("setup.pdf", EXE), None, "upload_bad_type"),
        (lambda: upload("x.pdf", PDF), "../../etc/x.pdf", "upload_bad_name"),
        (lambda: upload("x.pdf", PDF), "C:\\Users\\an\\x.pdf", "upload_bad_name"),
        (lambda: upload("bao-cao.docx", zip_bomb()), None, "upload_too_large"),
        (lambda: upload("anh.png", PDF), None, "upload_bad_type"),
    ],
    ids=[
        "oversized",
        "exe-renamed-pdf",
        "path-separators",
        "windows-path",
        "zip-bomb-docx",
        "name-content-mismatch",
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(
    world, media, settings, make, sent_name, code
):
    settings.MAX_UPLOAD_BYTES = 100_000  # the bomb is ~8 kB packed, 8 MB unpacked (> 20 × the limit)
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    with pytest.raises(InvalidInput) as exc:
        services.attachment_add(
            actor=world.citizen, draft_id=draft.pk, upload=make(), position=1, sent_name=sent_name
        )
    assert exc.value.code == code and exc.value.message
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_the_total_size_of_a_dossier_is_limited(world, media, monkeypatch):
    monkeypatch.setattr(services, "MAX_TOTAL_BYTES", len(PDF) * 2)
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=1)
    services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=2)
    with pytest.raises(InvalidInput) as exc:
        services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=None)
    assert exc.value.code == "upload_total_too_large"
    assert Attachment.objects.count() == 2 and len(stored_files(media)) == 2


def test_a_file_for_an_unknown_document_is_refused(world, media):
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    with pytest.raises(InvalidInput) as exc:
        services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=9)
    assert exc.value.code == "invalid_document" and stored_files(media) == []


def test_submit_needs_every_required_document(world, media):
    draft = services.draft_create(owner=world.citizen, procedure_version=world.version)
    services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=1)
    with pytest.raises(InvalidInput) as exc:
        services.draft_submit(actor=world.citizen, draft_id=draft.pk, version=draft.version)
    assert exc.value.code == "documents_missing"
    assert exc.value.details == {"documents": ["Căn cước công dân"]}  # the optional one is not asked
    assert "Căn cước công dân" in exc.value.message
    assert not Dossier.objects.exists()


def test_submit_needs_a_name_and_a_phone(world, media):
    draft = complete_draft(world)
    draft = services.draft_save(
        actor=world.citizen, draft_id=draft.pk, version=draft.version, applicant={"name": "An", "phone": ""}
    )
    with pytest.raises(InvalidInput) as exc:
        services.draft_submit(actor=world.citizen, draft_id=draft.pk, version=draft.version)
    assert exc.value.code == "phone_required"


def test_submit_creates_one_dossier_with_the_files_even_when_clicked_twice(world, media):
    draft = complete_draft(world)
    dossier = services.draft_submit(actor=world.citizen, draft_id=draft.pk, version=draft.version)
    again = services.draft_submit(actor=world.citizen, draft_id=draft.pk, version=draft.version)
    assert again.pk == dossier.pk and Dossier.objects.count() == 1
    assert dossier.status == DossierStatus.SUBMITTED and dossier.channel == "online"
    assert dossier.applicant_user == world.citizen and dossier.applicant_phone == "0912345678"
    assert dossier.code.startswith(world.dept.identifier + "-")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.dossier == dossier
    assert set(Attachment.objects.values_list("dossier_id", flat=True)) == {dossier.pk}
    with pytest.raises(Conflict):
        services.draft_save(actor=world.citizen, draft_id=draft.pk, version=draft.version, applicant={})
    with pytest.raises(Conflict):
        services.attachment_add(actor=world.citizen, draft_id=draft.pk, upload=upload(), position=1)
    # A new draft for the same procedure may start once the first is submitted.
    assert services.draft_create(owner=world.citizen, procedure_version=world.version).pk != draft.pk


def test_submit_from_a_stale_review_is_refused(world, media):
    draft = complete_draft(world)
    with pytest.raises(Conflict) as exc:
        services.draft_submit(actor=world.citizen, draft_id=draft.pk, version=draft.version - 1)
    assert exc.value.code == "stale_draft"


def test_supplement_keeps_the_code_and_adds_a_round(world, media):
    dossier = file_online(world)
    receive_and_ask_supplement(world, dossier.code, reason="Bổ sung bản sao chứng thực căn cước")
    dossier = Dossier.objects.get(pk=dossier.pk)
    asked = selectors.supplement_request(selectors.my_dossier(world.citizen, dossier.code))
    assert asked.reason == "Bổ sung bản sao chứng thực căn cước" and not asked.by_desk
    after = services.dossier_supplement_submit(
        actor=world.citizen,
        dossier_code=dossier.code,
        version=dossier.version,
        files=[services.FileIn(upload("cccd-chung-thuc.pdf"), 2)],
        note="Đã bổ sung",
    )
    assert after.code == dossier.code and after.status == DossierStatus.IN_PROGRESS
    assert list(Attachment.objects.filter(dossier=after).values_list("supplement_round", flat=True)) == [
        0,
        0,
        1,
    ]
    assert Dossier.objects.count() == 1


def test_a_refused_supplement_file_stores_nothing_and_moves_nothing(world, media):
    dossier = file_online(world)
    dossier = receive_and_ask_supplement(world, dossier.code)
    before = len(stored_files(media))
    with pytest.raises(InvalidInput):
        services.dossier_supplement_submit(
            actor=world.citizen,
            dossier_code=dossier.code,
            version=dossier.version,
            files=[services.FileIn(upload("ok.pdf"), 1), services.FileIn(upload("virus.pdf", EXE), 2)],
        )
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.AWAITING_SUPPLEMENT
    assert Attachment.objects.filter(supplement_round=1).count() == 0
    assert len(stored_files(media)) == before


def test_a_supplement_when_nothing_is_asked_or_by_another_is_refused(world, media):
    dossier = file_online(world)
    with pytest.raises(Conflict) as exc:
        services.dossier_supplement_submit(
            actor=world.citizen, dossier_code=dossier.code, version=dossier.version, files=[], note="x"
        )
    assert exc.value.code == "no_supplement_asked"
    dossier = receive_and_ask_supplement(world, dossier.code)
    with pytest.raises(NotFound):
        services.dossier_supplement_submit(
            actor=world.stranger, dossier_code=dossier.code, version=dossier.version, files=[], note="x"
        )
    with pytest.raises(Conflict) as exc:
        services.dossier_supplement_submit(
            actor=world.citizen, dossier_code=dossier.code, version=dossier.version - 1, files=[], note="x"
        )
    assert exc.value.code == "stale_version"


def test_completion_asked_by_the_desk_resubmits_the_same_dossier(world, media):
    dossier = file_online(world)
    dossier = act(dossier.code, "request_completion", world.officer, reason="Tờ khai thiếu chữ ký")
    after = services.dossier_supplement_submit(
        actor=world.citizen,
        dossier_code=dossier.code,
        version=dossier.version,
        files=[services.FileIn(upload("to-khai-ky.pdf"), 1)],
    )
    assert after.code == dossier.code and after.status == DossierStatus.SUBMITTED
    titles = [e.title for e in selectors.dossier_timeline(selectors.my_dossier(world.citizen, dossier.code))]
    assert titles[-1] == str(selectors.RESUBMITTED)


def test_timeline_and_progress_cover_every_state_in_plain_words(world, media):
    dossier = file_online(world)
    receive_and_ask_supplement(world, dossier.code, reason="Thiếu bản sao")
    current = Dossier.objects.get(pk=dossier.pk)
    services.dossier_supplement_submit(
        actor=world.citizen, dossier_code=dossier.code, version=current.version, files=[], note="Đã có"
    )
    finish(world, dossier.code)
    mine = selectors.my_dossier(world.citizen, dossier.code)
    timeline = selectors.dossier_timeline(mine)
    statuses = [e.status for e in timeline]
    labels = selectors.STATUS_LABELS
    for status in ("submitted", "received", "in_progress", "awaiting_supplement", "result_ready", "returned"):
        assert str(labels[status]) in statuses
    asked = next(e for e in timeline if e.reason)
    assert asked.reason == "Thiếu bản sao"
    received = next(e for e in timeline if e.appointment_at)
    assert received.appointment_at == mine.due_at
    # Returned: every stage done, the last one where the dossier closed (not "now": nothing is under way).
    assert [s.state for s in selectors.dossier_progress(mine)] == ["done"] * 4 + ["final"]


def test_timeline_in_vietnamese(world, media):
    from django.utils import translation

    dossier = file_online(world)
    act(dossier.code, "receive", world.officer)
    with translation.override("vi"):
        timeline = selectors.dossier_timeline(selectors.my_dossier(world.citizen, dossier.code))
        assert [e.status for e in timeline] == ["đã nộp, chờ tiếp nhận", "đã tiếp nhận"]
        progress = selectors.dossier_progress(selectors.my_dossier(world.citizen, dossier.code))
        assert [s.label for s in progress][:2] == ["đã nộp, chờ tiếp nhận", "đã tiếp nhận"]


def test_off_path_states_show_where_the_dossier_is(world, media):
    dossier = file_online(world)
    act(dossier.code, "refuse", world.officer, reason="Không thuộc thẩm quyền")
    progress = selectors.dossier_progress(selectors.my_dossier(world.citizen, dossier.code))
    assert [(s.label, s.state) for s in progress] == [
        (str(selectors.STATUS_LABELS["submitted"]), "done"),
        (str(selectors.STATUS_LABELS["rejected"]), "final"),
    ]


def test_my_dossiers_lists_only_my_own_even_for_staff(world, media):
    mine = file_online(world)
    theirs = file_online(world, world.stranger)
    assert list(selectors.my_dossiers(world.citizen)) == [mine]
    assert list(selectors.my_dossiers(world.stranger)) == [theirs]
    assert not selectors.my_dossiers(world.officer).exists()  # staff see them on the desk, not here
    with pytest.raises(NotFound):
        selectors.my_dossier(world.stranger, mine.code)


def test_attachments_are_downloadable_by_owner_and_staff_in_scope_only(world, media):
    dossier = file_online(world)
    row = Attachment.objects.filter(dossier=dossier).first()
    assert selectors.attachment_for_download(world.citizen, row.pk) == row
    assert selectors.attachment_for_download(world.officer, row.pk) == row
    for user in (world.stranger, world.outsider):
        with pytest.raises(NotFound):
            selectors.attachment_for_download(user, row.pk)
        assert not selectors.attachments_for(user, dossier).exists()
    assert selectors.attachments_for(world.officer, dossier).count() == 2
