"""Issue 9 item 12: a PAKN answer reaches the person who asked (e-mail, SMS, their account), a private
answer can be read by them; notices go out on submission too; SMS keeps quiet hours and skips landlines;
the demo holds petitions of every state."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from motcua.core import sms
from motcua.feedback import services
from motcua.feedback.choices import PetitionStatus
from motcua.feedback.demo import feedback_load_demo
from motcua.feedback.notifications import notify_submitter
from motcua.org.choices import Role
from motcua.org.tests.factories import MembershipFactory, UserFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.core.sms.LocmemSMSBackend"
    settings.MOTCUA_SMS_QUIET_HOURS = ""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _send(citizen, category, **kwargs):
    return services.petition_submit(
        category=category,
        subject="Đề nghị niêm yết lệ phí",
        content="Bộ phận Một cửa chưa niêm yết lệ phí chứng thực.",
        submitter_name="Phạm Thị Dung",
        submitter_phone=kwargs.pop("phone", "0912 345 678"),
        submitter_email="dung@example.vn",
        user=citizen,
        **kwargs,
    )


def _answered(petition, reviewer, specialist, department):
    services.petition_classify(actor=reviewer, code=petition.code, category=petition.category)
    services.petition_assign(actor=reviewer, code=petition.code, agency=department)
    return services.petition_answer(
        actor=specialist, code=petition.code, answer="Sở đã niêm yết lệ phí tại quầy số 3 từ ngày 01/12."
    )


def test_the_person_who_asked_hears_on_submission_and_on_the_answer(
    citizen, category, reviewer, specialist, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        petition = _send(citizen, category)
    assert [m.to for m in mail.outbox] == [["dung@example.vn"]]
    assert petition.code in mail.outbox[0].subject and petition.code in mail.outbox[0].body
    assert len(sms.outbox) == 1 and petition.code in sms.outbox[0][1]
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _answered(petition, reviewer, specialist, department)
    assert len(mail.outbox) == 1 and "quầy số 3" in mail.outbox[0].body  # the answer itself
    assert len(sms.outbox) == 1 and petition.code in sms.outbox[0][1]


def test_a_rejection_is_told_with_its_reason(citizen, category, reviewer, django_capture_on_commit_callbacks):
    petition = _send(citizen, category)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_reject(actor=reviewer, code=petition.code, reason="Tranh chấp dân sự, gửi Tòa án.")
    assert len(mail.outbox) == 1 and "Tranh chấp dân sự" in mail.outbox[0].body


def test_a_private_answer_is_read_by_the_person_who_asked(
    client, citizen, category, reviewer, specialist, department
):
    petition = _answered(_send(citizen, category, is_public=False), reviewer, specialist, department)
    assert client.get(reverse("feedback:public_detail", args=[petition.code])).status_code == 404
    # Signed in: "my petitions" lists it and shows the answer.
    client.force_login(citizen)
    listing = client.get(reverse("feedback:mine")).content.decode()
    assert petition.code in listing
    page = client.get(reverse("feedback:mine_detail", args=[petition.code])).content.decode()
    assert "quầy số 3" in page
    # Another person gets nothing, not even a hint.
    stranger = UserFactory(username="eve")
    MembershipFactory(user=stranger, agency=None, role=Role.CITIZEN)
    client.force_login(stranger)
    assert client.get(reverse("feedback:mine_detail", args=[petition.code])).status_code == 404
    assert petition.code not in client.get(reverse("feedback:mine")).content.decode()
    # Not signed in: the code and the last 4 digits of the phone open it on the lookup page.
    client.logout()
    page = client.get(
        reverse("feedback:lookup"), {"code": petition.code, "phone_last4": "5678"}
    ).content.decode()
    assert "quầy số 3" in page
    wrong = client.get(
        reverse("feedback:lookup"), {"code": petition.code, "phone_last4": "0000"}
    ).content.decode()
    assert "quầy số 3" not in wrong and 'role="alert"' in wrong
    status_only = client.get(reverse("feedback:lookup"), {"code": petition.code}).content.decode()
    assert "quầy số 3" not in status_only
    assert client.get(reverse("feedback:mine")).status_code == 302  # sign in first


def test_sms_keeps_the_quiet_hours_and_skips_landlines(settings, citizen, category):
    settings.MOTCUA_SMS_QUIET_HOURS = "21:00-07:00"
    night = dt.datetime(2026, 3, 2, 22, 30, tzinfo=HCM)
    morning = dt.datetime(2026, 3, 3, 7, 0, tzinfo=HCM)
    assert sms.quiet_until(night) == morning
    assert sms.quiet_until(dt.datetime(2026, 3, 3, 6, 59, tzinfo=HCM)) == morning
    assert sms.quiet_until(dt.datetime(2026, 3, 3, 12, 0, tzinfo=HCM)) is None
    assert sms.notify_sms("0912 345 678", "x", now=night) == "quiet_hours" and sms.outbox == []
    assert sms.notify_sms("0212 3856 789", "x", now=morning) == "landline" and sms.outbox == []
    assert sms.notify_sms("+84 912 345 678", "x", now=morning) == "sent" and len(sms.outbox) == 1
    assert not sms.is_mobile("02123856789") and sms.is_mobile("0387654321")
    # A landline on a petition: the e-mail goes, the SMS does not.
    settings.MOTCUA_SMS_QUIET_HOURS = ""
    sms.outbox.clear()
    petition = _send(citizen, category, phone="0212 3856 789")
    mail.outbox.clear()
    assert notify_submitter(petition.pk, "submit") == {"email": "sent", "sms": "landline"}
    assert sms.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_night_sms_waits_for_the_morning(settings):
    from django_tasks_db.models import DBTaskResult

    settings.MOTCUA_SMS_QUIET_HOURS = "21:00-07:00"
    night = dt.datetime(2026, 3, 2, 22, 30, tzinfo=HCM)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert sms.notify_sms("0912 345 678", "PAKN đã có trả lời", now=night) == "deferred"
        queued = DBTaskResult.objects.get()
        assert queued.run_after == dt.datetime(2026, 3, 3, 7, 0, tzinfo=HCM)
    assert sms.outbox == []


def test_the_demo_holds_petitions_of_every_state(client, office, department):
    users = {}
    for username, role, agency in (
        ("vanphong", Role.OFFICE_REVIEWER, office),
        ("chuyenvien", Role.SPECIALIST, department),
        ("congdan", Role.CITIZEN, None),
    ):
        users[username] = UserFactory(username=username, email=f"{username}@demo.motcua.local")
        MembershipFactory(user=users[username], role=role, agency=agency)
    created = feedback_load_demo()
    assert created >= 8 and feedback_load_demo() == 0  # idempotent
    from motcua.feedback.models import Petition

    assert set(Petition.objects.values_list("status", flat=True)) == set(PetitionStatus.values)
    assert Petition.objects.filter(submitter=users["congdan"], is_public=False).exclude(answer="").exists()
    listing = client.get(reverse("feedback:public_list")).content.decode()
    published = Petition.objects.get(status=PetitionStatus.PUBLISHED)
    assert published.code in listing
    requests = client.get("/open311/v2/requests.json").json()
    assert len(requests) >= 5
