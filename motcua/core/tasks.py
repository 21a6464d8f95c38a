"""Background work of the core helpers, through the django-tasks API."""

from __future__ import annotations

from django_tasks import task

from motcua.core.sms import send_sms


@task()
def send_sms_task(phone: str, text: str) -> str:
    """A notification text message deferred past the quiet hours (`sms.notify_sms`)."""
    send_sms(phone, text)
    return "sent"
