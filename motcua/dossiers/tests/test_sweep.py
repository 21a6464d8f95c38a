"""The deadline sweep records each breach once and tells the agency's leaders once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from motcua.dossiers.models import DeadlineBreach
from motcua.dossiers.services import dossier_act
from motcua.dossiers.sweep import sweep_deadlines
from motcua.dossiers.tasks import sweep_deadlines_task
from motcua.dossiers.tests.conftest import HCM


@pytest.fixture
def leaders_with_email(world):
    world.leader.email = "linh@sotuphap.example.vn"
    world.leader.save()
    return world


def test_sweep_records_each_breach_once_across_runs(
    leaders_with_email, clock, django_capture_on_commit_callbacks
):
    world = leaders_with_email
    dossier = world.receive()  # Monday 08:00, 3 working days
    dossier = dossier_act(dossier_code=dossier.code, action="forward", actor=world.officer, version=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines().as_dict() == {"dossiers": 0, "steps": 0, "claimed": 0}
    assert mail.outbox == []

    clock.set(dt.datetime(2026, 3, 10, 9, 0, tzinfo=HCM))
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_deadlines()
    assert (first.dossiers, first.steps, first.claimed) == (1, 1, 2)
    breach = DeadlineBreach.objects.get(dossier=dossier, step__isnull=True)
    assert breach.due_at == dossier.due_at and breach.agency == world.dept
    assert breach.detected_at == clock.moment and breach.notified_at == clock.moment
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["linh@sotuphap.example.vn"] and dossier.code in message.body

    clock.set(dt.datetime(2026, 3, 11, 9, 0, tzinfo=HCM))
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep_deadlines()
    assert (second.dossiers, second.steps, second.claimed) == (0, 0, 0)
    assert DeadlineBreach.objects.count() == 2
    assert len(mail.outbox) == 1


def test_paused_and_closed_dossiers_are_not_swept(world, clock):
    paused = world.receive()
    dossier_act(
        dossier_code=paused.code, action="request_supplement", actor=world.officer, version=1, reason="Thiếu"
    )
    closed = world.receive()
    dossier_act(dossier_code=closed.code, action="withdraw", actor=world.officer, version=1)
    clock.set(dt.datetime(2026, 4, 1, 9, 0, tzinfo=HCM))
    assert sweep_deadlines().as_dict() == {"dossiers": 0, "steps": 0, "claimed": 0}


def test_database_keeps_one_breach_per_dossier(world, clock):
    dossier = world.receive()
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HCM))
    sweep_deadlines()
    # A second sweep racing the first inserts the same rows: the constraint keeps one.
    DeadlineBreach.objects.bulk_create(
        [DeadlineBreach(dossier=dossier, agency=world.dept, due_at=dossier.due_at, detected_at=clock.moment)],
        ignore_conflicts=True,
    )
    assert DeadlineBreach.objects.filter(dossier=dossier, step__isnull=True).count() == 1


def test_command_and_task(leaders_with_email, clock, capsys):
    world = leaders_with_email
    world.receive()
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HCM))
    call_command("sweep_deadlines")
    assert "recorded 1 dossier and 1 step breaches" in capsys.readouterr().out
    call_command("sweep_deadlines")
    assert "recorded 0 dossier and 0 step breaches" in capsys.readouterr().out
    result = sweep_deadlines_task.enqueue()  # the immediate backend runs it at once
    assert result.return_value == {"dossiers": 0, "steps": 0, "claimed": 0}
