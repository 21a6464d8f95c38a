"""The service index of Decision 766/QĐ-TTg (23 June 2022): 100 points in six groups (docs/design.md §6).

Groups and maxima (the Decision's five groups, its "online service" group of 22 points shown, as the
national portal shows it, as online service 12 + online payment 10): publicity 18, progress 20,
online service 12, online payment 10, satisfaction 18, digitisation 22.

The indicators are those the Decision lists for each group. The group maxima are the Decision's; the split
of a group between its indicators follows our reading of its annex and is marked `points` below — check it
against the annex before publishing a score. Scoring: points = maximum × rate (linear; the Decision's
system grades some indicators by steps). An indicator that needs data motcua does not hold says so
(`computed=False`, with the reason) and scores nothing: it is never guessed. Totals report the points
computed and the points outside motcua separately.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.choices import Channel, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.stats import figures


@dataclass
class Indicator:
    group: str
    code: str
    name: str
    points: float  # the maximum
    formula: str
    computed: bool
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""

    @property
    def rate(self) -> float | None:
        if not self.computed or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def score(self) -> float | None:
        rate = self.rate
        return None if rate is None else round(self.points * rate, 2)


@dataclass
class ServiceIndex:
    date_from: dt.date
    date_to: dt.date
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(i.score or 0 for i in self.indicators), 2)

    @property
    def points_computable(self) -> float:
        return sum(i.points for i in self.indicators if i.computed)

    @property
    def points_outside(self) -> float:
        return sum(i.points for i in self.indicators if not i.computed)


GROUPS = {
    "publicity": (_("Publicity and transparency"), 18),
    "progress": (_("Progress and results"), 20),
    "online_service": (_("Online service"), 12),
    "online_payment": (_("Online payment"), 10),
    "satisfaction": (_("Satisfaction"), 18),
    "digitisation": (_("Digitisation"), 22),
}


def _outside(group, code, name, points, formula, reason) -> Indicator:
    return Indicator(group, code, str(name), points, formula, computed=False, note=str(reason))


def service_index(qs: QuerySet[Dossier], *, date_from: dt.date, date_to: dt.date, now=None) -> ServiceIndex:
    """The Decision 766 index over the dossiers of `qs` (scoped by the caller) for [from, to)."""
    from motcua.catalog.choices import OnlineService
    from motcua.catalog.models import ProcedureVersion, RequiredDocument

    report = figures.form06(qs, date_from=date_from, date_to=date_to, dimension=None, now=now)
    t = report.total
    start, end = figures.day_start(date_from), figures.day_start(date_to)
    period = figures.Period(start, end, end)
    resolved = figures.figures_base(qs).filter(figures.COLUMNS["resolved_total"](period))
    received = figures.figures_base(qs).filter(figures.Q(received_at__gte=start, received_at__lt=end))
    current = ProcedureVersion.objects.filter(is_current=True)
    index = ServiceIndex(date_from, date_to)
    add = index.indicators.append

    # 1. Publicity (18).
    add(
        _outside(
            "publicity",
            "1.1",
            _("Procedures published on time"),
            4,
            "published on time / published in the period",
            _(
                "Needs the effective date of each legal document (Decree 63/2010 Art. 15), not held in motcua."
            ),
        )
    )
    add(
        _outside(
            "publicity",
            "1.2",
            _("Procedures updated on the national database on time"),
            4,
            "updated and public on time / published",
            _("Held by the national procedure database."),
        )
    )
    # 1.3 = current procedure versions with every component published (documents, applicants, result,
    # legal basis) / current procedure versions.
    complete = (
        current.exclude(applicants="")
        .exclude(result="")
        .exclude(legal_basis="")
        .filter(Exists(RequiredDocument.objects.filter(version=OuterRef("pk"))))
    )
    add(
        Indicator(
            "publicity",
            "1.3",
            str(_("Procedures published with all their components")),
            4,
            "versions in force with documents, applicants, result and legal basis / versions in force",
            True,
            complete.count(),
            current.count(),
        )
    )
    add(
        _outside(
            "publicity",
            "1.4",
            _("Dossiers synchronised to the national portal"),
            6,
            "dossiers synchronised / dossiers",
            _("motcua does not yet synchronise with the national portal."),
        )
    )

    # 2. Progress (20). 2.1 = (early + on time) / resolved in the period (form 06 columns).
    add(
        Indicator(
            "progress",
            "2.1",
            str(_("Dossiers resolved early or on time")),
            20,
            "(resolved_early + resolved_on_time) / resolved_total",
            True,
            t["resolved_early"] + t["resolved_on_time"],
            t["resolved_total"],
        )
    )

    # 3. Online service (12).
    # 3.1 = versions in force offered online in full or in part / versions in force.
    online_versions = current.filter(online_service__in=[OnlineService.FULL, OnlineService.PARTIAL])
    add(
        Indicator(
            "online_service",
            "3.1",
            str(_("Procedures offered online")),
            4,
            "versions in force online in full or in part / versions in force",
            True,
            online_versions.count(),
            current.count(),
        )
    )
    # 3.2 = dossiers received online / dossiers received for procedures offered online, in the period.
    of_online = received.exclude(procedure_version__online_service=OnlineService.NONE)
    counts = of_online.aggregate(all=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE)))
    add(
        Indicator(
            "online_service",
            "3.2",
            str(_("Online dossiers")),
            8,
            "received online / received for procedures offered online",
            True,
            counts["online"],
            counts["all"],
        )
    )

    # 4. Online payment (10), from the payment records (motcua.payments): a dossier counts as paid online
    # only when the payment platform's signed notification marked its payment paid.
    # 4.1 = procedures with at least one dossier paid online / procedures with fees, among the dossiers
    #       received in the period;
    # 4.2 = dossiers paid online / dossiers with fees (the desk's confirmed amount or the catalog's fees),
    #       received in the period.
    from motcua.payments.selectors import online_payment_figures

    paid = online_payment_figures(qs, start=start, end=end)
    add(
        Indicator(
            "online_payment",
            "4.1",
            str(_("Procedures with online payments")),
            4,
            "procedures with a dossier paid online / procedures with fees",
            True,
            paid["procedures_paid_online"],
            paid["procedures_with_fees"],
        )
    )
    add(
        Indicator(
            "online_payment",
            "4.2",
            str(_("Dossiers paid online")),
            6,
            "dossiers paid online / dossiers with fees",
            True,
            paid["dossiers_paid_online"],
            paid["dossiers_with_fees"],
        )
    )

    # 5. Satisfaction (18).
    add(_petitions_on_time(start, end))
    add(
        _outside(
            "satisfaction",
            "5.2",
            _("Satisfaction with the handling of petitions"),
            6,
            "(petitions − those answered with dissatisfaction) / petitions",
            _("Petitioners do not rate answers in motcua yet."),
        )
    )
    # 5.3 = (resolved − resolved rated unhappy, 1–2 stars) / resolved, over rated dossiers' scope.
    from motcua.ratings.models import Rating

    unhappy = resolved.filter(Exists(Rating.objects.filter(dossier=OuterRef("pk"), stars__lte=2))).count()
    rated = resolved.filter(Exists(Rating.objects.filter(dossier=OuterRef("pk")))).count()
    ind = Indicator(
        "satisfaction",
        "5.3",
        str(_("Satisfaction with the handling of dossiers")),
        6,
        "(resolved − resolved rated 1–2 stars) / resolved",
        rated > 0,
        t["resolved_total"] - unhappy,
        t["resolved_total"],
    )
    if not rated:
        ind.note = str(_("No rating in the period: no data."))
    add(ind)

    # 6. Digitisation (22). 6.1 = results returned electronically / results returned, in the period.
    returned = resolved.filter(returned_at__isnull=False)
    e_counts = returned.aggregate(
        all=Count("pk"), online=Count("pk", filter=Q(return_method=ReturnMethod.ONLINE))
    )
    add(
        Indicator(
            "digitisation",
            "6.1",
            str(_("Electronic results")),
            6,
            "returned online (e-result code) / returned",
            True,
            e_counts["online"],
            e_counts["all"],
        )
    )
    add(
        _outside(
            "digitisation",
            "6.2",
            _("Dossiers and results digitised"),
            8,
            "dossiers digitised / dossiers received",
            _("motcua does not record which paper documents were scanned."),
        )
    )
    add(
        _outside(
            "digitisation",
            "6.3",
            _("Digitised data reused"),
            8,
            "dossiers reusing digitised data / dossiers",
            _("Reuse is recorded by the national data warehouse."),
        )
    )
    return index


def _petitions_on_time(start: dt.datetime, end: dt.datetime) -> Indicator:
    """5.1 = petitions answered by their due moment / petitions due in the period."""
    from motcua.feedback.models import Petition

    due = Petition.objects.filter(due_at__gte=start, due_at__lt=end)
    counts = due.aggregate(
        all=Count("pk"),
        on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
    )
    return Indicator(
        "satisfaction",
        "5.1",
        str(_("Petitions handled on time")),
        6,
        "answered by the due moment / petitions due in the period",
        True,
        counts["on_time"],
        counts["all"],
    )
