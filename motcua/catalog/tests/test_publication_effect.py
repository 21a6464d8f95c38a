"""Issue 9 item 9: replacements added in the UI, a decision taking effect without the nightly job (at
signing when already effective, on the first request after its date), the signed file attached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from motcua.catalog import publication_services as services
from motcua.catalog.models import ChangeKind, PublicationDecision, PublicationStatus
from motcua.catalog.selectors import procedures_current

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def current_codes() -> dict[str, str]:
    return {v.procedure.code: v.name for v in procedures_current()}


def submitted(org, *, abolish="1.001193") -> PublicationDecision:
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="Bãi bỏ"
    )
    services.publication_item_add(
        actor=org["drafter"], decision=decision, change=ChangeKind.ABOLISHED, procedure_code=abolish
    )
    services.publication_submit_for_review(actor=org["drafter"], decision=decision)
    services.publication_accept(actor=org["reviewer"], decision=decision)
    services.publication_submit_to_chairman(actor=org["reviewer"], decision=decision)
    return decision


def test_a_replacement_is_added_on_the_page(org, catalog, client):
    decision = services.publication_decision_create(
        actor=org["drafter"], drafting_agency=org["justice"], title="Thay thế"
    )
    client.force_login(org["drafter"])
    page = client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/").content.decode()
    assert f"/van-phong/quyet-dinh/{decision.pk}/thay-the/" in page
    response = client.post(
        f"/van-phong/quyet-dinh/{decision.pk}/thay-the/",
        {
            "version": decision.version,
            "replaces_code": "2.001263",
            "procedure_code": "2.002000",
            "name": "Cấp Phiếu lý lịch tư pháp số 1",
        },
    )
    assert response.status_code == 302
    item = decision.items.get()
    assert (item.change, item.procedure_code, item.replaces_code) == (
        ChangeKind.REPLACED,
        "2.002000",
        "2.001263",
    )
    # It starts from the replaced procedure's record: same time limit, documents and process, new name.
    assert item.name == "Cấp Phiếu lý lịch tư pháp số 1"
    assert str(item.record["time_limit_value"]).rstrip("0").rstrip(".") == "10"
    assert item.record["steps"] and item.record["documents"] is not None
    # A bad replacement is a message on the page, never a 500, and adds nothing.
    decision.refresh_from_db()
    response = client.post(
        f"/van-phong/quyet-dinh/{decision.pk}/thay-the/",
        {"version": decision.version, "replaces_code": "9.999999", "procedure_code": "2.002001"},
        follow=True,
    )
    assert response.status_code == 200 and "9.999999" in response.content.decode()  # the message names it
    assert decision.items.count() == 1


def test_a_decision_already_effective_takes_effect_at_its_signature(org, catalog):
    decision = submitted(org)
    today = timezone.localdate()
    services.publication_sign(
        actor=org["chairman"], decision=decision, number="3/QĐ-UBND", signed_on=today, effective_on=today
    )
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.EFFECTIVE and decision.applied_on == today
    assert "1.001193" not in current_codes()


def test_a_decision_takes_effect_on_the_first_request_after_its_date(org, catalog, client):
    decision = submitted(org)
    today = timezone.localdate()
    services.publication_sign(
        actor=org["chairman"],
        decision=decision,
        number="4/QĐ-UBND",
        signed_on=today,
        effective_on=today + dt.timedelta(days=1),
    )
    client.get("/thu-tuc/")
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.SIGNED  # not yet: its day has not come
    # The date comes (the signature moved back a day stands for a night passing); no nightly job runs.
    PublicationDecision.objects.filter(pk=decision.pk).update(
        signed_on=today - dt.timedelta(days=1), effective_on=today
    )
    services.forget_due_check()  # a new day: the throttle looks again
    page = client.get("/thu-tuc/").content.decode()
    decision.refresh_from_db()
    assert decision.status == PublicationStatus.EFFECTIVE
    assert "1.001193" not in current_codes()
    assert "Đăng ký khai sinh" not in page  # the very request sees the catalog as changed


def test_the_check_runs_once_a_minute_and_on_a_new_day():
    start = timezone.now()
    assert services.publication_apply_due_throttled(now=start) is not None
    assert services.publication_apply_due_throttled(now=start + dt.timedelta(seconds=30)) is None
    assert services.publication_apply_due_throttled(now=start + dt.timedelta(seconds=61)) is not None
    tomorrow = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(start) + dt.timedelta(days=1), dt.time(0, 0, 1))
    )
    services.publication_apply_due_throttled(now=tomorrow - dt.timedelta(seconds=10))
    assert services.publication_apply_due_throttled(now=tomorrow) is not None


def test_the_signed_file_is_attached_and_public(org, catalog, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    decision = submitted(org)
    today = timezone.localdate()
    services.publication_sign(
        actor=org["chairman"],
        decision=decision,
        number="6/QĐ-UBND",
        signed_on=today,
        effective_on=today + dt.timedelta(days=7),
    )
    url = f"/van-phong/quyet-dinh/{decision.pk}/dinh-kem/"
    client.force_login(org["drafter"])  # the department may not
    client.post(url, {"file": SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")})
    decision.refresh_from_db()
    assert not decision.signed_file
    client.force_login(org["chairman"])
    page = client.get(f"/van-phong/quyet-dinh/{decision.pk}/xu-ly/").content.decode()
    assert url in page
    not_pdf = client.post(
        url,
        {"file": SimpleUploadedFile("qd.pdf", b"MZ not a pdf", content_type="application/pdf")},
        follow=True,
    )
    assert (
        ".pdf" in not_pdf.content.decode() and not PublicationDecision.objects.get(pk=decision.pk).signed_file
    )
    client.post(url, {"file": SimpleUploadedFile("QĐ 6-UBND.pdf", PDF, content_type="application/pdf")})
    decision.refresh_from_db()
    assert decision.signed_file and decision.signed_file_name == "QĐ 6-UBND.pdf"
    assert decision.events.filter(action="attach_file").count() == 1
    client.logout()
    public = client.get(f"/van-phong/quyet-dinh/{decision.pk}/").content.decode()
    assert f"/van-phong/quyet-dinh/{decision.pk}/tep/" in public
    download = client.get(f"/van-phong/quyet-dinh/{decision.pk}/tep/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
