"""Applicants hear of each public status change by e-mail and SMS, after commit, through django-tasks."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from motcua.core import sms
from motcua.dossiers.services import dossier_act


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.core.sms.LocmemSMSBackend"
    settings.MOTCUA_SMS_QUIET_HOURS = ""  # these tests run at any hour; the quiet hours are tested below
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_reception_sends_email_and_sms_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = world.receive()
    assert mail.outbox == [] and sms.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert dossier.code in message.subject and "đã được tiếp nhận" in message.subject
    assert "Thời gian hẹn trả kết quả" in message.body
    assert sms.outbox == [("0912 345 678", sms.outbox[0][1])]
    assert dossier.code in sms.outbox[0][1] and "Hẹn trả kết quả" in sms.outbox[0][1]


@pytest.mark.parametrize(
    ("action", "payload", "words"),
    [
        ("request_supplement", {"reason": "Thiếu bản sao CCCD"}, "cần bổ sung giấy tờ"),
        ("withdraw", {}, "đã được rút"),
    ],
)
def test_public_changes_notify(world, django_capture_on_commit_callbacks, action, payload, words):
    dossier = world.receive()
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_act(dossier_code=dossier.code, action=action, actor=world.officer, version=1, **payload)
    assert len(mail.outbox) == 1 and words in mail.outbox[0].subject
    assert payload.get("reason", "") in mail.outbox[0].body
    assert len(sms.outbox) == 1


def test_internal_steps_do_not_notify(world, django_capture_on_commit_callbacks):
    dossier = world.receive()
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_act(dossier_code=dossier.code, action="forward", actor=world.officer, version=1)
    assert mail.outbox == [] and sms.outbox == []


def test_nothing_sent_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        world.receive()
        raise RuntimeError("the request failed after the action")
    assert mail.outbox == [] and sms.outbox == []


def test_only_the_channels_the_applicant_gave(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.receive(applicant=world.applicant(email=""))
    assert mail.outbox == [] and len(sms.outbox) == 1


class BrokenSMS:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


def test_a_failing_gateway_never_breaks_the_action(
    world, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MOTCUA_SMS_BACKEND = f"{__name__}.BrokenSMS"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = world.receive()
    assert dossier.pk and len(mail.outbox) == 1
    assert "SMS about dossier" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_a_queued_notification(world):
    """With the django-tasks-db backend the notification waits in the queue until `db_worker` runs it."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        dossier = world.receive()  # commits: the after-commit hook queues the task
        queued = DBTaskResult.objects.get()
        assert queued.status == "READY" and queued.args_kwargs["args"] == [dossier.pk, 1]
        assert mail.outbox == [] and sms.outbox == []

        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0
        )

        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        assert queued.return_value == {"email": "sent", "sms": "sent"}
    assert len(mail.outbox) == 1 and dossier.code in mail.outbox[0].subject
    assert len(sms.outbox) == 1
