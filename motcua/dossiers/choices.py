"""Dossier states, channels and actions (docs/design.md §4), with the open/terminal sets and the clock
per state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")  # filed online or by post, awaiting the desk's check
    NEEDS_COMPLETION = "needs_completion", _("needs completion")  # Form 02 before reception
    REJECTED = "rejected", _("refused")  # Form 03, reason required
    RECEIVED = "received", _("received")  # Form 01: receipt and appointment issued
    IN_PROGRESS = "in_progress", _("in progress")  # at step k of the internal process
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("awaiting supplement")  # Form 02 by the competent agency
    SUSPENDED = "suspended", _("suspended")  # waiting on something outside the agency
    RESULT_READY = "result_ready", _("result ready")
    RETURNED = "returned", _("returned")
    STOPPED = "stopped", _("stopped")  # Form 05, reason required
    WITHDRAWN = "withdrawn", _("withdrawn")


TERMINAL_STATUSES = frozenset(
    {DossierStatus.REJECTED, DossierStatus.RETURNED, DossierStatus.STOPPED, DossierStatus.WITHDRAWN}
)
OPEN_STATUSES = frozenset(DossierStatus) - TERMINAL_STATUSES


class ClockState(models.TextChoices):
    """What the legal clock does in a state."""

    NOT_STARTED = "not_started", _("not started")
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    STOPPED = "stopped", _("stopped")
    NONE = "none", _("none (closed)")


CLOCK: dict[str, ClockState] = {
    DossierStatus.SUBMITTED: ClockState.NOT_STARTED,
    DossierStatus.NEEDS_COMPLETION: ClockState.NOT_STARTED,
    DossierStatus.REJECTED: ClockState.NONE,
    DossierStatus.RECEIVED: ClockState.RUNNING,
    DossierStatus.IN_PROGRESS: ClockState.RUNNING,
    # Paused under the default policy; a procedure with the "restart" policy restarts it on supplement.
    DossierStatus.AWAITING_SUPPLEMENT: ClockState.PAUSED,
    DossierStatus.SUSPENDED: ClockState.PAUSED,
    DossierStatus.RESULT_READY: ClockState.STOPPED,
    DossierStatus.RETURNED: ClockState.NONE,
    DossierStatus.STOPPED: ClockState.NONE,
    DossierStatus.WITHDRAWN: ClockState.NONE,
}

RUNNING_STATUSES = frozenset(s for s, c in CLOCK.items() if c == ClockState.RUNNING)
PAUSED_STATUSES = frozenset(s for s, c in CLOCK.items() if c == ClockState.PAUSED)


class Channel(models.TextChoices):
    DESK = "desk", _("at a desk")
    ONLINE = "online", _("online")
    POST = "post", _("by post")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("at the desk")
    POST = "post", _("by post")
    ONLINE = "online", _("online")


class StepKind(models.TextChoices):
    PROCESS = "process", _("process step")
    CONSULTATION = "consultation", _("consultation")


class DossierAction(models.TextChoices):
    SUBMIT = "submit", _("submit")
    REQUEST_COMPLETION = "request_completion", _("request completion")
    REFUSE = "refuse", _("refuse to receive")
    RECEIVE = "receive", _("receive")
    ASSIGN = "assign", _("assign")
    FORWARD = "forward", _("forward to the next step")
    SEND_BACK = "send_back", _("send back a step")
    CONSULT = "consult", _("consult other agencies")
    JOIN = "join", _("answer a consultation")
    END_CONSULTATION = "end_consultation", _("end an unanswered consultation")
    REQUEST_SUPPLEMENT = "request_supplement", _("request a supplement")
    SUPPLEMENT = "supplement", _("supplement")
    SUSPEND = "suspend", _("suspend")
    RESUME = "resume", _("resume")
    PROPOSE = "propose", _("propose a result")
    APPROVE = "approve", _("approve")
    MARK_RESULT_READY = "mark_result_ready", _("mark the result ready")
    ATTACH_RESULT = "attach_result", _("attach the electronic result")
    RETURN_RESULT = "return_result", _("return the result")
    STOP = "stop", _("stop processing")
    WITHDRAW = "withdraw", _("withdraw")
    APOLOGISE_EXTEND = "apologise_extend", _("apologise and extend")
    CORRECT = "correct", _("correct the process (administrator)")
    LINK_APPLICANT = "link_applicant", _("link to the applicant's account")
    # Not an officer's action: the working calendar changed (a day off or a make-up working day declared
    # or removed, office hours changed) and the dossier's due moments moved with it (`recalendar`).
    APPOINTMENT_MOVED = "appointment_moved", _("appointment moved by a change of the working calendar")


class LateApologyPolicy(models.TextChoices):
    """What happens to a Form 04 asked for later than MOTCUA_APOLOGY_NOTICE_WORKING_DAYS before the due moment."""

    REFUSE = "refuse", _("refuse it")
    ACCEPT = "accept", _("accept it, flagged as a late notice")
