"""Background work of the petitions app, through the django-tasks API."""

from __future__ import annotations

from django_tasks import task

from motcua.feedback import notifications


@task()
def send_petition_notification(petition_id: int, action: str) -> dict[str, str]:
    """E-mail and SMS to the person who sent the petition (see `notifications.notify_submitter`)."""
    return notifications.notify_submitter(petition_id, action)
