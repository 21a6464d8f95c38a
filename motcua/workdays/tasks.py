"""Background work of the working calendar (django-tasks): a declaration that moves many dossiers."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from motcua.org.models import User
from motcua.workdays.services import day_override_delete, day_override_set


@task()
def calendar_change_task(day: str, kind: str, reason: str, actor_id: int | None) -> dict[str, int]:
    """Declare (`kind` day_off or working_day) or remove (`kind` "remove") the day, with the recompute of the
    open dossiers, in the worker: the same one operation as on the calendar page, for large provinces."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    when = date.fromisoformat(day)
    if kind == "remove":
        day_override_delete(day=when, actor=actor)
    else:
        day_override_set(day=when, kind=kind, reason=reason, actor=actor)
    return {"ok": 1}
