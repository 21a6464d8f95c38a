"""The person who sent a petition hears of it (issue 9 item 12): on receipt (its tracking code and the
expected answer date), on its answer (the answer itself by e-mail, a short notice by SMS, whether or not
the answer is published) and when it is declared out of scope (the reason).

Queued with the action (after commit; with the database queue in the same transaction, like the
dossiers' notifications), sent by `tasks.send_petition_notification`; e-mail through Django's mail, SMS
through `core.sms.notify_sms` (mobiles only, never in the quiet hours). A failure is logged, never raised
into the action. The signed-in submitter also reads everything on "my petitions".
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from motcua.core.sms import notify_sms
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.models import Petition

logger = logging.getLogger("motcua.feedback.notifications")

NOTIFIED = frozenset({A.SUBMIT, A.RECORD, A.ANSWER, A.REJECT})


def queue_notification(petition: Petition, action: str) -> None:
    """Inside the action's transaction: queue the submitter's notification, if they left a contact."""
    from motcua.feedback.tasks import send_petition_notification

    if action not in NOTIFIED or not (petition.submitter_email or petition.submitter_phone):
        return
    if isinstance(send_petition_notification.get_backend(), DatabaseBackend):
        send_petition_notification.enqueue(petition.pk, action)
    else:
        transaction.on_commit(partial(_enqueue, send_petition_notification, petition.pk, action))


def _enqueue(task, petition_id: int, action: str) -> None:
    try:
        task.enqueue(petition_id, action)
    except Exception:
        logger.exception("Could not queue the notification of petition %s (%s)", petition_id, action)


def _url(name: str, **kwargs) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _messages(petition: Petition, action: str) -> tuple[str, str, str]:
    """(e-mail subject, e-mail body, SMS text) for `action` on `petition`."""
    lookup = _url("feedback:lookup") + f"?code={petition.code}"
    greeting = _("Dear %(name)s,") % {"name": petition.submitter_name or _("citizen")}
    if action in (A.SUBMIT, A.RECORD):
        due = timezone.localtime(petition.due_at).strftime("%d/%m/%Y")
        subject = _("Petition %(code)s received") % {"code": petition.code}
        body = [
            greeting,
            "",
            _("Your petition “%(subject)s” was received with the tracking code %(code)s.")
            % {"subject": petition.subject, "code": petition.code},
            _("An answer is expected by %(due)s.") % {"due": due},
            _("Follow it at %(url)s") % {"url": lookup},
        ]
        sms = _("PAKN %(code)s received; answer expected by %(due)s.") % {"code": petition.code, "due": due}
    elif action == A.ANSWER:
        subject = _("Petition %(code)s has been answered") % {"code": petition.code}
        body = [
            greeting,
            "",
            _("Your petition “%(subject)s” (%(code)s) has been answered by %(agency)s:")
            % {
                "subject": petition.subject,
                "code": petition.code,
                "agency": petition.agency.name if petition.agency_id else "",
            },
            "",
            petition.answer,
            "",
            _("Read it again at %(url)s") % {"url": lookup},
        ]
        sms = _("PAKN %(code)s has been answered: see your e-mail or %(url)s") % {
            "code": petition.code,
            "url": lookup,
        }
    else:
        subject = _("Petition %(code)s is not within scope") % {"code": petition.code}
        body = [
            greeting,
            "",
            _(
                "Your petition “%(subject)s” (%(code)s) cannot be handled as a petition on administrative regulations:"
            )
            % {"subject": petition.subject, "code": petition.code},
            petition.rejection_reason,
        ]
        sms = _("PAKN %(code)s is not within scope: %(reason)s") % {
            "code": petition.code,
            "reason": petition.rejection_reason[:80],
        }
    return subject, "\n".join(body) + "\n", sms


def notify_submitter(petition_id: int, action: str) -> dict[str, str]:
    """Send the e-mail and the SMS about `action`; each outcome is "sent", "failed", "none" or the SMS
    policy's ("landline", "deferred", "quiet_hours")."""
    petition = Petition.objects.select_related("agency").filter(pk=petition_id).first()
    if petition is None or action not in NOTIFIED:
        return {"email": "none", "sms": "none"}
    outcome = {"email": "none", "sms": "none"}
    with translation.override(settings.LANGUAGE_CODE):
        subject, body, sms = _messages(petition, action)
        if petition.submitter_email:
            try:
                send_mail(subject, body, None, [petition.submitter_email])
                outcome["email"] = "sent"
            except Exception:
                logger.exception("E-mail about petition %s failed", petition.code)
                outcome["email"] = "failed"
        if petition.submitter_phone:
            try:
                outcome["sms"] = notify_sms(petition.submitter_phone, sms)
            except Exception:
                logger.exception("SMS about petition %s failed", petition.code)
                outcome["sms"] = "failed"
    return outcome
