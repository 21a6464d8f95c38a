"""Signed publication decisions take effect on their day without waiting for the nightly job (issue 9 item 9).

On the first request of each new day, and at most once a minute otherwise, a process checks with one
indexed query whether a signed decision's effective date has come, and applies it (each decision in its own
transaction, locked, so concurrent processes apply it once). The nightly `publish_scheduled` stays as the
safety net for a quiet site.
"""

from __future__ import annotations

import logging

from motcua.catalog.publication_services import publication_apply_due_throttled

logger = logging.getLogger(__name__)


class ApplyDueDecisionsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            publication_apply_due_throttled()
        except Exception:  # noqa: BLE001 - the request goes on; the nightly job and the next minute retry
            logger.exception("Could not apply the publication decisions due today")
        return self.get_response(request)
