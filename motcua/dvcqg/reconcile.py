"""Reconciliation (`manage.py dvcqg_reconcile [--repair]`): our state against what the portal holds.

For every dossier that has messages for the portal, compares the state the portal should hold (our
status through the status mapping) and the number of messages it should have filed (ours delivered)
with what it answers (TraCuuHoSo), and lists the codes the portal holds that we do not know. A dossier
with messages still pending or parked is *in flight*: listed apart, not as a difference (the worker or
an administrator's replay will settle it). `--repair` queues a full DongBoHoSoMC of the dossier as it
stands for each dossier missing on the portal or holding another status; the count then settles too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from motcua.dossiers.models import Dossier
from motcua.dvcqg.adapters import PortalAdapter, portal
from motcua.dvcqg.choices import MessageStatus, Service, Source
from motcua.dvcqg.messages import Mappings
from motcua.dvcqg.models import OutboxMessage
from motcua.dvcqg.outbox import outbox_enqueue


@dataclass
class Difference:
    code: str
    kind: str  # missing | status | count | unknown
    ours: str = ""
    theirs: str = ""


@dataclass
class ReconcileReport:
    checked: int = 0
    in_flight: int = 0
    parked: int = 0
    differences: list[Difference] = field(default_factory=list)
    repaired: int = 0

    @property
    def kinds(self) -> Counter:
        return Counter(d.kind for d in self.differences)


def reconcile(*, adapter: PortalAdapter | None = None, repair: bool = False) -> ReconcileReport:
    adapter = adapter or portal()
    mappings = Mappings.load()
    rows = (
        OutboxMessage.objects.values("dossier_id")
        .annotate(
            delivered=Count("id", filter=Q(status=MessageStatus.DELIVERED)),
            pending=Count("id", filter=Q(status=MessageStatus.PENDING)),
            parked=Count("id", filter=Q(status=MessageStatus.PARKED)),
        )
        .order_by()
    )
    stats = {r["dossier_id"]: r for r in rows}
    dossiers = dict(Dossier.objects.filter(pk__in=list(stats)).values_list("code", "status"))
    ids = dict(Dossier.objects.filter(pk__in=list(stats)).values_list("code", "pk"))
    report = ReconcileReport()
    settled: dict[str, dict] = {}
    for code, status in dossiers.items():
        row = stats[ids[code]]
        if row["parked"]:
            report.parked += 1
        elif row["pending"]:
            report.in_flight += 1
        else:
            settled[code] = {"status": status, "delivered": row["delivered"]}
    held = adapter.lookup(sorted(settled))
    to_repair: list[str] = []
    for code, ours in sorted(settled.items()):
        report.checked += 1
        theirs = held.get(code)
        expected = mappings.statuses.get(ours["status"], "?")
        if theirs is None:
            if ours["delivered"]:
                report.differences.append(Difference(code, "missing", expected, ""))
                to_repair.append(code)
            continue
        if str(theirs.get("TrangThaiHoSo")) != expected:
            report.differences.append(Difference(code, "status", expected, str(theirs.get("TrangThaiHoSo"))))
            to_repair.append(code)
        elif int(theirs.get("SoLanCapNhat") or 0) != ours["delivered"]:
            report.differences.append(
                Difference(code, "count", str(ours["delivered"]), str(theirs.get("SoLanCapNhat")))
            )
    theirs_all = adapter.held_codes()
    known: set[str] = set()
    for start in range(0, len(theirs_all), 5000):
        known.update(
            Dossier.objects.filter(code__in=theirs_all[start : start + 5000]).values_list("code", flat=True)
        )
    for code in theirs_all:
        if code not in known:
            report.differences.append(Difference(code, "unknown", "", code))
    if repair:
        for dossier in Dossier.objects.filter(code__in=to_repair):
            outbox_enqueue(dossier=dossier, source=Source.REPAIR, service=Service.SYNC_DOSSIER)
            report.repaired += 1
    return report
