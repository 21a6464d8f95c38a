"""Demo ratings: applicants with an account rate most of their returned demo dossiers.

Played through `rating_submit`, so the indices are computed as for any rating; the stars follow the
service (fewer when the dossier was late). Idempotent: does nothing when ratings exist.
"""

from __future__ import annotations

import datetime as dt
import random
from unittest import mock

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.ratings.models import Rating
from motcua.ratings.services import rating_submit

COMMENTS = {
    5: ["Cán bộ hướng dẫn tận tình, trả kết quả sớm.", "Rất hài lòng.", "Nộp trực tuyến rất thuận tiện.", ""],
    4: ["Hài lòng.", "Thủ tục nhanh gọn.", ""],
    3: ["Bình thường.", "Phải bổ sung giấy tờ nhiều lần.", ""],
    2: ["Trả kết quả chậm so với giấy hẹn.", "Phải đi lại nhiều lần."],
    1: ["Quá hạn mà không được thông báo.", "Không hài lòng."],
}


def ratings_load_demo(*, share: float = 0.6, seed: int = 14) -> int:
    """Rate `share` of the returned dossiers whose applicant has an account; returns how many."""
    if Rating.objects.exists():
        return 0
    rng = random.Random(seed)
    rows = (
        Dossier.objects.filter(status=DossierStatus.RETURNED, applicant_user__isnull=False)
        .select_related("applicant_user")
        .only("code", "returned_at", "result_ready_at", "due_at", "applicant_user")
        .order_by("id")
    )
    clock = {"now": timezone.now()}
    count = 0
    with transaction.atomic(), mock.patch("django.utils.timezone.now", lambda: clock["now"]):
        for dossier in rows:
            if rng.random() >= share:
                continue
            late = dossier.result_ready_at and dossier.due_at and dossier.result_ready_at > dossier.due_at
            stars = rng.choice([1, 2, 2, 3]) if late else rng.choice([3, 4, 4, 5, 5, 5])
            contacts = rng.choice([0, 1, 1, 1, 2]) if stars >= 4 else rng.choice([1, 2, 3])
            clock["now"] = dossier.returned_at + dt.timedelta(hours=rng.randint(1, 48))
            rating_submit(
                dossier_code=dossier.code,
                user=dossier.applicant_user,
                stars=stars,
                comment=rng.choice(COMMENTS[stars]),
                contacts=contacts,
            )
            count += 1
    return count
