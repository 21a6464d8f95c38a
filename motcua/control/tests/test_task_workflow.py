"""The control-plan task transition table and its guard in the service (like the dossiers' table)."""

import unicodedata

import pytest
from django.urls import reverse

from motcua.control import services
from motcua.control.choices import TaskStatus as T
from motcua.control.tests.test_plan import TODAY, _english, setup  # noqa: F401 (fixtures)
from motcua.control.workflow import OFFICE, OWNER, TASK_TRANSITIONS, task_guard, task_next_statuses
from motcua.core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_table_covers_every_status_and_keeps_cancelled_closed():
    assert set(TASK_TRANSITIONS) == set(T)
    for current, moves in TASK_TRANSITIONS.items():
        assert moves[current] == OWNER  # staying put (a note or progress edit) is open to the owner
        assert set(moves) <= set(T) and set(moves.values()) <= {OWNER, OFFICE}
    assert set(TASK_TRANSITIONS[T.CANCELLED]) == {T.CANCELLED}
    assert task_next_statuses(T.DONE, office=False) == [T.DONE]
    assert task_next_statuses(T.DONE, office=True) == [T.DONE, T.IN_PROGRESS]
    with pytest.raises(Conflict):
        task_guard(T.IN_PROGRESS, T.NOT_STARTED, office=True)
    with pytest.raises(PermissionDenied):
        task_guard(T.IN_PROGRESS, T.CANCELLED, office=False)


def test_owner_moves_forward_only_the_office_cancels_or_reopens(setup):  # noqa: F811
    _plan, tasks, users = setup
    task = services.plan_task_update(
        actor=users["justice"], task=tasks["late"], progress=20, status=T.IN_PROGRESS
    )
    with pytest.raises(PermissionDenied, match="Only the Office"):
        services.plan_task_update(actor=users["justice"], task=task, progress=20, status=T.CANCELLED)
    with pytest.raises(Conflict, match="cannot become"):
        services.plan_task_update(actor=users["reviewer"], task=task, progress=0, status=T.NOT_STARTED)
    # A finished task is reopened by the Office only; it loses its completion date.
    done = tasks["late_done"]
    with pytest.raises(PermissionDenied):
        services.plan_task_update(actor=users["justice"], task=done, progress=80, status=T.IN_PROGRESS)
    reopened = services.plan_task_update(
        actor=users["reviewer"], task=done, progress=80, status=T.IN_PROGRESS
    )
    assert reopened.status == T.IN_PROGRESS and reopened.completed_on is None
    # A cancelled task stays cancelled, whoever asks.
    with pytest.raises(Conflict):
        services.plan_task_update(
            actor=users["reviewer"],
            task=tasks["late_cancelled"],
            progress=0,
            status=T.IN_PROGRESS,
            today=TODAY,
        )
    tasks["late_cancelled"].refresh_from_db()
    assert tasks["late_cancelled"].status == T.CANCELLED
    cancelled = services.plan_task_update(actor=users["reviewer"], task=task, progress=20, status=T.CANCELLED)
    assert cancelled.status == T.CANCELLED


def test_the_task_page_offers_only_the_allowed_statuses_and_refuses_others(setup, client):  # noqa: F811
    _plan, tasks, users = setup
    client.force_login(users["justice"])
    url = reverse("control:task_detail", args=[tasks["late_done"].pk])
    page = client.get(url).content.decode()
    assert 'value="done"' in page and 'value="in_progress"' not in page and 'value="cancelled"' not in page
    response = client.post(
        reverse("control:task_update", args=[tasks["late_done"].pk]),
        {"progress": "50", "status": "in_progress"},
        follow=True,
    )
    # The page speaks Vietnamese by default.
    assert "Chỉ công chức kiểm soát TTHC" in unicodedata.normalize("NFC", response.content.decode())
    tasks["late_done"].refresh_from_db()
    assert tasks["late_done"].status == T.DONE
