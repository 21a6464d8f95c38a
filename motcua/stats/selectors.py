"""Reads for the statistics: who sees which dossiers' figures, and the public aggregates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from motcua.core.errors import NotAuthenticated, PermissionDenied
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible_to
from motcua.org.models import Agency, User
from motcua.org.selectors import oversees_province, staff_agency_ids
from motcua.stats import figures


def is_province_wide(user: User) -> bool:
    """The Office's reviewers and administrators (Văn phòng UBND, phòng Kiểm soát TTHC) and superusers
    watch the whole province: the same rule as the dossiers they may open (`oversees_province`)."""
    return oversees_province(user)


def stats_dossiers_for(user: User) -> QuerySet[Dossier]:
    """The dossiers whose figures `user` may see: the whole province for Office reviewers, otherwise
    exactly `dossiers_visible_to(user)` (their agencies' dossiers). Only staff read statistics."""
    if not user.is_authenticated:
        raise NotAuthenticated(_("Sign in to see the statistics."), code="not_authenticated")
    if is_province_wide(user):
        return Dossier.objects.all()
    if not staff_agency_ids(user):
        raise PermissionDenied(_("Only staff see the statistics reports."), code="staff_only")
    return dossiers_visible_to(user)


def public_figures(*, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None) -> dict:
    """Aggregates for the public transparency page: form 06 by agency and by month for the province,
    and satisfaction (ratings) by agency and month. Counts only; no dossier codes, no names of people."""
    qs = Dossier.objects.all()
    by_agency = figures.form06(qs, date_from=date_from, date_to=date_to, dimension="agency", now=now)
    by_month = figures.form06(
        qs, date_from=date_from, date_to=date_to, dimension=None, by_month=True, now=now
    )
    return {
        "by_agency": by_agency,
        "by_month": by_month,
        "satisfaction_by_agency": satisfaction(date_from=date_from, date_to=date_to, by="agency"),
        "satisfaction_by_month": satisfaction(date_from=date_from, date_to=date_to, by="month"),
    }


def satisfaction(*, date_from: dt.date, date_to: dt.date, by: str = "agency") -> list[dict]:
    """Ratings given within [from, to), by agency or by local month: count, average stars and the
    satisfied share (4 or 5 stars). An empty list when no rating exists (the page says "no data")."""
    from motcua.ratings.models import Rating

    qs = Rating.objects.filter(
        created_at__gte=figures.day_start(date_from), created_at__lt=figures.day_start(date_to)
    )
    if by == "agency":
        qs = qs.values("agency_id")
        key = "agency_id"
    else:
        qs = qs.annotate(month=TruncMonth("created_at")).values("month")
        key = "month"
    rows = list(
        qs.annotate(
            n=Count("id"), avg_stars=Avg("stars"), satisfied=Count("id", filter=Q(stars__gte=4))
        ).order_by(key)
    )
    names = (
        dict(Agency.objects.filter(pk__in=[r[key] for r in rows]).values_list("pk", "name"))
        if by == "agency"
        else {}
    )
    return [
        {
            "key": r[key],
            "label": names.get(r[key], "") if by == "agency" else r[key].strftime("%m/%Y"),
            "count": r["n"],
            "stars": round(float(r["avg_stars"]), 2),
            "satisfied_share": r["satisfied"] / r["n"],
        }
        for r in rows
    ]
