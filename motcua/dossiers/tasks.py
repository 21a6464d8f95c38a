"""Background work of the dossiers app, through the django-tasks API (`@task()`, then `.enqueue(...)`).

With the default immediate backend a task runs as soon as it is enqueued; with `TASKS_BACKEND=database`
it is stored and run by `manage.py db_worker`. Arguments are ids, never rows: the worker reads fresh data.
"""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers import notifications, sweep, task_notices


@task()
def send_dossier_notification(dossier_id: int, seq: int) -> dict[str, str]:
    """E-mail and SMS to the applicant about event `seq` of the dossier (a public status change)."""
    return notifications.notify_applicant(dossier_id, seq).as_dict()


@task()
def send_dossier_notifications(pairs: list[list[int]]) -> dict[str, int]:
    """The notifications of many events at once ([dossier id, seq] pairs), e.g. after a calendar change."""
    sent = 0
    for dossier_id, seq in pairs:
        outcome = notifications.notify_applicant(dossier_id, seq)
        sent += outcome.email == "sent" or outcome.sms == "sent"
    return {"events": len(pairs), "sent": sent}


@task()
def send_task_notice(dossier_id: int, seq: int) -> int:
    """E-mail the staff a dossier now waits on after event `seq` (a task arrived)."""
    return task_notices.notify_staff(dossier_id, seq)


@task()
def sweep_deadlines_task() -> dict[str, int]:
    """Record passed due moments and notify the agencies' leaders (see `sweep.sweep_deadlines`)."""
    return sweep.sweep_deadlines().as_dict()


@task()
def notify_breaches_task(breach_ids: list[int]) -> int:
    """E-mail the leaders about the deadline breaches a sweep has just claimed."""
    return sweep.notify_breaches(breach_ids)
