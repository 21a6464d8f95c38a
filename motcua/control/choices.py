"""States of a control plan task."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# A task in a closed status can no longer be overdue.
CLOSED_TASK_STATUSES = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
OPEN_TASK_STATUSES = frozenset(TaskStatus) - CLOSED_TASK_STATUSES
